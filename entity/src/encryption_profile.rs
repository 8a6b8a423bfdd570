//! An age key pair used to encrypt backups.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "encryption_profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// The age secret identity, AEAD-encrypted by the app.
    #[sea_orm(column_type = "Text")]
    pub identity_encrypted: String,
    /// The age public key backups are encrypted to.
    #[sea_orm(column_type = "Text")]
    pub recipient: String,
    /// JSON array of additional age public keys.
    #[sea_orm(column_type = "JsonBinary")]
    pub extra_recipients: Json,
    pub identity_downloaded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::job::Entity")]
    Job,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
