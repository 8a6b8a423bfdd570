//! groups, users and what hangs off a user: sessions, passkeys, TOTP, API keys.

use sea_orm_migration::{prelude::*, schema::*};

use super::{REFUSE_DELETE, drop_table, foreign_key, index};

#[derive(DeriveIden)]
pub(super) enum Groups {
    Table,
    Id,
    Name,
    Description,
    Permissions,
    Protected,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(super) enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Timezone,
    Disabled,
    GroupId,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    Ip,
    UserAgent,
    AuthMethod,
    MfaPending,
}

#[derive(DeriveIden)]
enum Passkeys {
    Table,
    Id,
    UserId,
    Name,
    CredentialId,
    Passkey,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum TotpSecrets {
    Table,
    Id,
    UserId,
    SecretEncrypted,
    BackupCodeHashes,
    ConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Prefix,
    KeyHash,
    Permissions,
    CreatedByUserId,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
    CreatedAt,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Groups::Table)
                .col(big_pk_auto(Groups::Id))
                .col(string_uniq(Groups::Name))
                .col(text_null(Groups::Description))
                .col(json_binary(Groups::Permissions))
                .col(boolean(Groups::Protected).default(false))
                .col(timestamp_with_time_zone(Groups::CreatedAt))
                .col(timestamp_with_time_zone(Groups::UpdatedAt))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_uniq(Users::Email))
                .col(string(Users::Name))
                .col(text_null(Users::PasswordHash))
                .col(string(Users::Timezone).default("UTC"))
                .col(boolean(Users::Disabled).default(false))
                .col(big_integer(Users::GroupId))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .foreign_key(&mut foreign_key(
                    Users::Table,
                    Users::GroupId,
                    Groups::Table,
                    REFUSE_DELETE,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(Users::Table, [Users::GroupId]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Sessions::Table)
                .col(big_pk_auto(Sessions::Id))
                .col(big_integer(Sessions::UserId))
                .col(string_uniq(Sessions::TokenHash))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(string_null(Sessions::Ip))
                .col(text_null(Sessions::UserAgent))
                .col(string(Sessions::AuthMethod))
                .col(boolean(Sessions::MfaPending).default(false))
                .foreign_key(&mut foreign_key(
                    Sessions::Table,
                    Sessions::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(Sessions::Table, [Sessions::UserId]))
        .await?;
    manager
        .create_index(index(Sessions::Table, [Sessions::ExpiresAt]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Passkeys::Table)
                .col(big_pk_auto(Passkeys::Id))
                .col(big_integer(Passkeys::UserId))
                .col(string(Passkeys::Name))
                .col(string_uniq(Passkeys::CredentialId))
                .col(json_binary(Passkeys::Passkey))
                .col(timestamp_with_time_zone(Passkeys::CreatedAt))
                .col(timestamp_with_time_zone_null(Passkeys::LastUsedAt))
                .foreign_key(&mut foreign_key(
                    Passkeys::Table,
                    Passkeys::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(Passkeys::Table, [Passkeys::UserId]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(TotpSecrets::Table)
                .col(big_pk_auto(TotpSecrets::Id))
                .col(big_integer_uniq(TotpSecrets::UserId))
                .col(text(TotpSecrets::SecretEncrypted))
                .col(json_binary(TotpSecrets::BackupCodeHashes))
                .col(timestamp_with_time_zone_null(TotpSecrets::ConfirmedAt))
                .col(timestamp_with_time_zone(TotpSecrets::CreatedAt))
                .foreign_key(&mut foreign_key(
                    TotpSecrets::Table,
                    TotpSecrets::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(big_pk_auto(ApiKeys::Id))
                .col(string(ApiKeys::Name))
                .col(string(ApiKeys::Prefix))
                .col(string_uniq(ApiKeys::KeyHash))
                .col(json_binary(ApiKeys::Permissions))
                .col(big_integer_null(ApiKeys::CreatedByUserId))
                .col(timestamp_with_time_zone_null(ApiKeys::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .foreign_key(&mut foreign_key(
                    ApiKeys::Table,
                    ApiKeys::CreatedByUserId,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, ApiKeys::Table).await?;
    drop_table(manager, TotpSecrets::Table).await?;
    drop_table(manager, Passkeys::Table).await?;
    drop_table(manager, Sessions::Table).await?;
    drop_table(manager, Users::Table).await?;
    drop_table(manager, Groups::Table).await
}
