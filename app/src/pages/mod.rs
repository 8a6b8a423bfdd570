//! One module per console page.

pub mod adapter_form;
pub mod adapters;
pub mod api_keys;
pub mod audit;
pub mod dashboard;
pub mod encryption;
pub mod execution_detail;
pub mod executions;
pub mod groups;
pub mod identity_download;
pub mod job_form;
mod job_form_notifications;
pub mod job_form_parts;
pub mod job_form_state;
pub mod jobs;
#[cfg(feature = "hydrate")]
pub mod live_events;
pub mod login;
mod login_passkey;
pub mod login_sso;
pub mod login_verify;
mod login_verify_passkey;
mod login_verify_totp;
pub mod notification_log;
pub mod profile;
mod profile_confirm;
mod profile_passkeys;
mod profile_password;
mod profile_sessions;
mod profile_totp;
pub mod settings;
mod settings_notifications;
pub mod setup;
pub mod sso;
pub mod storage;
mod storage_row;
pub mod users;
