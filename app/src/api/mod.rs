//! Server functions by domain. Each one starts with `server::auth::guard`.

pub mod adapter_types;
pub mod adapters;
pub mod auth;
pub mod dashboard;
pub mod encryption;
pub mod error;
pub mod users;
