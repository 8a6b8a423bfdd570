//! Result of one health check of an adapter.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "health_check_logs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub adapter_config_id: i64,
    pub checked_at: DateTimeUtc,
    pub ok: bool,
    pub latency_ms: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::adapter_config::Entity",
        from = "Column::AdapterConfigId",
        to = "super::adapter_config::Column::Id",
        on_delete = "Cascade"
    )]
    AdapterConfig,
}

impl Related<super::adapter_config::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AdapterConfig.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
