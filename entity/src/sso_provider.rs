//! An OpenID Connect identity provider users can sign in with.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sso_providers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Used in the callback URL.
    #[sea_orm(unique)]
    pub slug: String,
    pub button_label: String,
    pub issuer_url: String,
    pub client_id: String,
    #[sea_orm(column_type = "Text")]
    pub client_secret_encrypted: String,
    /// Space-separated OAuth scopes.
    pub scopes: String,
    /// JSON array of email domains allowed to sign in; empty allows all.
    #[sea_orm(column_type = "JsonBinary")]
    pub email_domains: Json,
    /// Create a user on first sign-in instead of refusing unknown emails.
    pub allow_provisioning: bool,
    pub default_group_id: Option<i64>,
    pub enabled: bool,
    /// Sign in to an existing account whose email the provider verified (SuperAdmin only).
    pub link_by_email: bool,
    /// The provider's MFA (`amr`) replaces the account's own second factor (SuperAdmin only).
    pub mfa_by_provider: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::group::Entity",
        from = "Column::DefaultGroupId",
        to = "super::group::Column::Id",
        on_delete = "SetNull"
    )]
    DefaultGroup,
    #[sea_orm(has_many = "super::sso_identity::Entity")]
    SsoIdentity,
}

impl Related<super::group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DefaultGroup.def()
    }
}

impl Related<super::sso_identity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SsoIdentity.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
