//! Subscribes a notification channel to a job's outcomes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::NotifyOn;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "job_notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "job_channel")]
    pub job_id: i64,
    #[sea_orm(unique_key = "job_channel")]
    pub channel_id: i64,
    pub filter: NotifyOn,
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
        from = "Column::ChannelId",
        to = "super::adapter_config::Column::Id",
        on_delete = "Cascade"
    )]
    Channel,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl Related<super::adapter_config::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Channel.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
