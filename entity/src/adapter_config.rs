//! A configured source, destination or notification adapter.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{AdapterKind, HealthStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "adapter_configs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "kind_name")]
    pub kind: AdapterKind,
    /// Adapter implementation, e.g. "postgres", "s3", "slack".
    pub adapter_id: String,
    #[sea_orm(unique_key = "kind_name")]
    pub name: String,
    /// AEAD-encrypted JSON; only the app's crypto layer can read it.
    #[sea_orm(column_type = "Text")]
    pub config_encrypted: String,
    /// Non-secret information safe to show in the UI.
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Json,
    pub health_status: HealthStatus,
    pub last_check_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub consecutive_failures: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::job::Entity")]
    Job,
    #[sea_orm(has_many = "super::job_destination::Entity")]
    JobDestination,
    #[sea_orm(has_many = "super::job_notification::Entity")]
    JobNotification,
    #[sea_orm(has_many = "super::health_check_log::Entity")]
    HealthCheckLog,
    #[sea_orm(has_many = "super::notification_log::Entity")]
    NotificationLog,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl Related<super::job_destination::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JobDestination.def()
    }
}

impl Related<super::job_notification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JobNotification.def()
    }
}

impl Related<super::health_check_log::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HealthCheckLog.def()
    }
}

impl Related<super::notification_log::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::NotificationLog.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
