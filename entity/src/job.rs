//! A scheduled backup job: one source, any number of destinations.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::Compression;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub cron: String,
    /// IANA time zone the cron expression is evaluated in.
    pub timezone: String,
    pub enabled: bool,
    pub compression: Compression,
    pub compression_level: Option<i32>,
    /// Retention policy.
    #[sea_orm(column_type = "JsonBinary")]
    pub retention: Json,
    pub source_id: i64,
    /// Which databases of the source to back up.
    #[sea_orm(column_type = "JsonBinary")]
    pub databases: Json,
    pub encryption_profile_id: Option<i64>,
    pub last_run_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::adapter_config::Entity",
        from = "Column::SourceId",
        to = "super::adapter_config::Column::Id",
        on_delete = "NoAction"
    )]
    Source,
    #[sea_orm(
        belongs_to = "super::encryption_profile::Entity",
        from = "Column::EncryptionProfileId",
        to = "super::encryption_profile::Column::Id",
        on_delete = "NoAction"
    )]
    EncryptionProfile,
    #[sea_orm(has_many = "super::job_destination::Entity")]
    JobDestination,
    #[sea_orm(has_many = "super::job_notification::Entity")]
    JobNotification,
    #[sea_orm(has_many = "super::execution::Entity")]
    Execution,
}

impl Related<super::adapter_config::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl Related<super::encryption_profile::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EncryptionProfile.def()
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

impl Related<super::execution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Execution.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
