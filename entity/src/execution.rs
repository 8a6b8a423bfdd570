//! One run of a backup, restore or verify operation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "executions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None once the job is deleted: the history outlives it.
    pub job_id: Option<i64>,
    pub kind: ExecutionKind,
    pub status: ExecutionStatus,
    pub trigger: ExecutionTrigger,
    pub triggered_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub raw_bytes: Option<i64>,
    pub stored_bytes: Option<i64>,
    pub checksum_sha256: Option<String>,
    /// Per-destination outcome.
    #[sea_orm(column_type = "JsonBinary")]
    pub destination_results: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Json,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// Id of the instance running it (see `instances`).
    pub claimed_by: Option<String>,
    pub heartbeat_at: Option<DateTimeUtc>,
    pub cancel_requested: bool,
    /// The cron tick a scheduled run was queued for; unique per job (see the migration).
    pub scheduled_for: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::job::Entity",
        from = "Column::JobId",
        to = "super::job::Column::Id",
        on_delete = "SetNull"
    )]
    Job,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::TriggeredByUserId",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    TriggeredBy,
    #[sea_orm(has_many = "super::execution_log::Entity")]
    ExecutionLog,
    #[sea_orm(has_many = "super::notification_log::Entity")]
    NotificationLog,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TriggeredBy.def()
    }
}

impl Related<super::execution_log::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ExecutionLog.def()
    }
}

impl Related<super::notification_log::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::NotificationLog.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
