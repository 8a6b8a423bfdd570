//! Server functions by domain. Each one starts with `server::auth::guard`.

pub mod auth;
pub mod dashboard;
pub mod error;
pub mod users;
