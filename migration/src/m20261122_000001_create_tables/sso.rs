//! OpenID Connect providers and the identities users hold at them.

use sea_orm_migration::{prelude::*, schema::*};

use super::accounts::{Groups, Users};
use super::{drop_table, foreign_key, unique_index};

#[derive(DeriveIden)]
enum SsoProviders {
    Table,
    Id,
    Slug,
    ButtonLabel,
    IssuerUrl,
    ClientId,
    ClientSecretEncrypted,
    Scopes,
    EmailDomains,
    AllowProvisioning,
    DefaultGroupId,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SsoIdentities {
    Table,
    Id,
    ProviderId,
    Subject,
    UserId,
    CreatedAt,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SsoProviders::Table)
                .col(big_pk_auto(SsoProviders::Id))
                .col(string_uniq(SsoProviders::Slug))
                .col(string(SsoProviders::ButtonLabel))
                .col(string(SsoProviders::IssuerUrl))
                .col(string(SsoProviders::ClientId))
                .col(text(SsoProviders::ClientSecretEncrypted))
                .col(string(SsoProviders::Scopes))
                .col(json_binary(SsoProviders::EmailDomains))
                .col(boolean(SsoProviders::AllowProvisioning))
                .col(big_integer_null(SsoProviders::DefaultGroupId))
                .col(boolean(SsoProviders::Enabled))
                .col(timestamp_with_time_zone(SsoProviders::CreatedAt))
                .col(timestamp_with_time_zone(SsoProviders::UpdatedAt))
                .foreign_key(&mut foreign_key(
                    SsoProviders::Table,
                    SsoProviders::DefaultGroupId,
                    Groups::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(SsoIdentities::Table)
                .col(big_pk_auto(SsoIdentities::Id))
                .col(big_integer(SsoIdentities::ProviderId))
                .col(string(SsoIdentities::Subject))
                .col(big_integer(SsoIdentities::UserId))
                .col(timestamp_with_time_zone(SsoIdentities::CreatedAt))
                .foreign_key(&mut foreign_key(
                    SsoIdentities::Table,
                    SsoIdentities::ProviderId,
                    SsoProviders::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    SsoIdentities::Table,
                    SsoIdentities::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index(
            SsoIdentities::Table,
            [SsoIdentities::ProviderId, SsoIdentities::Subject],
        ))
        .await
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, SsoIdentities::Table).await?;
    drop_table(manager, SsoProviders::Table).await
}
