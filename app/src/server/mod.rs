//! Server-only code: configuration, state, authentication and the HTTP surface.

pub mod adapter_forms;
pub mod adapter_health;
pub mod adapter_store;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod encryption_profiles;
pub mod error;
pub mod flows;
pub mod health;
pub mod master_key;
pub mod middleware;
pub mod password;
pub mod rate_limit;
pub mod rest;
pub mod router;
pub mod secrets;
pub mod session;
pub mod startup;
pub mod state;
pub mod users;
