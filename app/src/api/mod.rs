//! Server functions by domain. Each one starts with `server::auth::guard`.

pub mod adapter_types;
pub mod adapters;
pub mod api_keys;
pub mod audit;
pub mod audit_types;
pub mod auth;
pub mod dashboard;
pub mod encryption;
pub mod error;
pub mod execution_types;
pub mod executions;
pub mod groups;
pub mod health_log;
pub mod job_types;
pub mod jobs;
pub mod login_verify;
pub mod notification_types;
pub mod notifications;
pub mod passkeys;
pub mod profile;
pub mod settings;
pub mod sso;
pub mod storage;
pub mod storage_types;
pub mod system_notifications;
pub mod totp;
pub mod totp_login;
pub mod users;

/// Registers the server functions whose automatic registration the linker may drop
/// (nothing in Rust refers to them, e.g. the passkey ceremony called from JS).
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    passkeys::register_server_fns();
    totp::register_server_fns();
    users::register_server_fns();
    groups::register_server_fns();
    profile::register_server_fns();
    sso::register_server_fns();
}
