//! One notification sent (or attempted) through a channel.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::DeliveryStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notification_logs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub event: String,
    /// Adapter id such as "slack"; kept after the channel is deleted.
    pub channel: String,
    pub adapter_config_id: Option<i64>,
    pub execution_id: Option<i64>,
    pub status: DeliveryStatus,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    /// The rendered body as sent.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub html: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::adapter_config::Entity",
        from = "Column::AdapterConfigId",
        to = "super::adapter_config::Column::Id",
        on_delete = "SetNull"
    )]
    AdapterConfig,
    #[sea_orm(
        belongs_to = "super::execution::Entity",
        from = "Column::ExecutionId",
        to = "super::execution::Column::Id",
        on_delete = "SetNull"
    )]
    Execution,
}

impl Related<super::adapter_config::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AdapterConfig.def()
    }
}

impl Related<super::execution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Execution.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
