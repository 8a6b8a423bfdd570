//! SeaORM entities for every Bulwark table, one module per table.
//! The schema itself is created by the `migration` crate.

pub mod enums;
pub mod prelude;

pub mod adapter_config;
pub mod api_key;
pub mod audit_log;
pub mod encryption_profile;
pub mod execution;
pub mod execution_log;
pub mod group;
pub mod health_check_log;
pub mod instance;
pub mod job;
pub mod job_destination;
pub mod job_notification;
pub mod known_device;
pub mod notification_log;
pub mod passkey;
pub mod session;
pub mod setting;
pub mod sso_identity;
pub mod sso_provider;
pub mod totp_secret;
pub mod user;
