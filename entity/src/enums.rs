//! Enums shared by several tables. Each is stored as its lowercase name in a
//! short string column (no native database enum types, so SQLite and
//! PostgreSQL share one schema) and serialized the same way by serde.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What an `adapter_configs` row plugs into.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum AdapterKind {
    Source,
    Destination,
    Notification,
}

/// Result of the latest health checks of an adapter.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    #[default]
    Unknown,
    Online,
    Degraded,
    Offline,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    Zstd,
    Gzip,
    Brotli,
    None,
}

/// Which execution outcomes trigger a notification.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum NotifyOn {
    Always,
    Failure,
    Success,
    Never,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionKind {
    Backup,
    Restore,
    Verify,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionStatus {
    Pending,
    Running,
    Success,
    /// Some destinations succeeded, others failed.
    Partial,
    Failed,
    Cancelled,
    Skipped,
}

/// What started an execution.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionTrigger {
    Schedule,
    Manual,
    Api,
    System,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

/// Outcome of one notification delivery.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "lowercase"
)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Sent,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_and_serialized_as_the_same_lowercase_name() {
        for (value, name) in [
            (Compression::None, "none"),
            (Compression::Zstd, "zstd"),
            (Compression::Brotli, "brotli"),
        ] {
            assert_eq!(value.to_value(), name);
            assert_eq!(serde_json::to_value(value).unwrap(), name);
            assert_eq!(Compression::try_from_value(&name.to_owned()).unwrap(), value);
        }
        assert_eq!(ExecutionStatus::Cancelled.to_value(), "cancelled");
        assert_eq!(AdapterKind::Notification.to_value(), "notification");
        assert_eq!(HealthStatus::default(), HealthStatus::Unknown);
    }
}
