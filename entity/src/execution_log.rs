//! One log line of an execution, ordered by `seq`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::LogLevel;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "execution_logs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "execution_seq")]
    pub execution_id: i64,
    #[sea_orm(unique_key = "execution_seq")]
    pub seq: i32,
    pub created_at: DateTimeUtc,
    pub level: LogLevel,
    pub stage: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::execution::Entity",
        from = "Column::ExecutionId",
        to = "super::execution::Column::Id",
        on_delete = "Cascade"
    )]
    Execution,
}

impl Related<super::execution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Execution.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
