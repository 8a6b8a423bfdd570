//! Links a job to one of its destination adapters.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "job_destinations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "job_destination")]
    pub job_id: i64,
    #[sea_orm(unique_key = "job_destination")]
    pub destination_id: i64,
    pub priority: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::job::Entity",
        from = "Column::JobId",
        to = "super::job::Column::Id",
        on_delete = "Cascade"
    )]
    Job,
    #[sea_orm(
        belongs_to = "super::adapter_config::Entity",
        from = "Column::DestinationId",
        to = "super::adapter_config::Column::Id",
        on_delete = "NoAction"
    )]
    Destination,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl Related<super::adapter_config::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Destination.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
