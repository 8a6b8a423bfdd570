//! A key for the HTTP API, with its own permissions.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// First characters of the key, shown in lists to tell keys apart.
    pub prefix: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    /// JSON array of permission strings.
    #[sea_orm(column_type = "JsonBinary")]
    pub permissions: Json,
    pub created_by_user_id: Option<i64>,
    /// Made by a console user: acts within their current permissions, and stops when
    /// they are disabled or gone. Keys from the command line have no owner.
    pub owned: bool,
    pub expires_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedByUserId",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    CreatedBy,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreatedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
