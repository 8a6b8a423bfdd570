//! Every entity under a short name: `use entity::prelude::*;`.

pub use crate::adapter_config::Entity as AdapterConfig;
pub use crate::api_key::Entity as ApiKey;
pub use crate::audit_log::Entity as AuditLog;
pub use crate::encryption_profile::Entity as EncryptionProfile;
pub use crate::execution::Entity as Execution;
pub use crate::execution_log::Entity as ExecutionLog;
pub use crate::group::Entity as Group;
pub use crate::health_check_log::Entity as HealthCheckLog;
pub use crate::instance::Entity as Instance;
pub use crate::job::Entity as Job;
pub use crate::job_destination::Entity as JobDestination;
pub use crate::job_notification::Entity as JobNotification;
pub use crate::notification_log::Entity as NotificationLog;
pub use crate::passkey::Entity as Passkey;
pub use crate::session::Entity as Session;
pub use crate::setting::Entity as Setting;
pub use crate::sso_identity::Entity as SsoIdentity;
pub use crate::sso_provider::Entity as SsoProvider;
pub use crate::totp_secret::Entity as TotpSecret;
pub use crate::user::Entity as User;
