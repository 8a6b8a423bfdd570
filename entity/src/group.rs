//! A permission group; every user belongs to exactly one.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// JSON array of permission strings; "*" grants all.
    #[sea_orm(column_type = "JsonBinary")]
    pub permissions: Json,
    /// True only for the built-in SuperAdmin group.
    pub protected: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::sso_provider::Entity")]
    SsoProvider,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::sso_provider::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SsoProvider.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
