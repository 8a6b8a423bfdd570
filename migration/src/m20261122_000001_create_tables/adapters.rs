//! Adapter configurations, their health checks, and encryption profiles.

use sea_orm_migration::{prelude::*, schema::*};

use super::{drop_table, foreign_key, index, unique_index};

#[derive(DeriveIden)]
pub(super) enum AdapterConfigs {
    Table,
    Id,
    Kind,
    AdapterId,
    Name,
    ConfigEncrypted,
    Metadata,
    HealthStatus,
    LastCheckAt,
    LastError,
    ConsecutiveFailures,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(super) enum EncryptionProfiles {
    Table,
    Id,
    Name,
    Description,
    IdentityEncrypted,
    Recipient,
    ExtraRecipients,
    IdentityDownloadedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum HealthCheckLogs {
    Table,
    Id,
    AdapterConfigId,
    CheckedAt,
    Ok,
    LatencyMs,
    Error,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AdapterConfigs::Table)
                .col(big_pk_auto(AdapterConfigs::Id))
                .col(string_len(AdapterConfigs::Kind, 16))
                .col(string(AdapterConfigs::AdapterId))
                .col(string(AdapterConfigs::Name))
                .col(text(AdapterConfigs::ConfigEncrypted))
                .col(json_binary(AdapterConfigs::Metadata))
                .col(string_len(AdapterConfigs::HealthStatus, 16).default("unknown"))
                .col(timestamp_with_time_zone_null(AdapterConfigs::LastCheckAt))
                .col(text_null(AdapterConfigs::LastError))
                .col(integer(AdapterConfigs::ConsecutiveFailures).default(0))
                .col(timestamp_with_time_zone(AdapterConfigs::CreatedAt))
                .col(timestamp_with_time_zone(AdapterConfigs::UpdatedAt))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index(
            AdapterConfigs::Table,
            [AdapterConfigs::Kind, AdapterConfigs::Name],
        ))
        .await?;
    manager
        .create_index(index(AdapterConfigs::Table, [AdapterConfigs::Kind]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(EncryptionProfiles::Table)
                .col(big_pk_auto(EncryptionProfiles::Id))
                .col(string_uniq(EncryptionProfiles::Name))
                .col(text_null(EncryptionProfiles::Description))
                .col(text(EncryptionProfiles::IdentityEncrypted))
                .col(text(EncryptionProfiles::Recipient))
                .col(json_binary(EncryptionProfiles::ExtraRecipients))
                .col(timestamp_with_time_zone_null(
                    EncryptionProfiles::IdentityDownloadedAt,
                ))
                .col(timestamp_with_time_zone(EncryptionProfiles::CreatedAt))
                .col(timestamp_with_time_zone(EncryptionProfiles::UpdatedAt))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(HealthCheckLogs::Table)
                .col(big_pk_auto(HealthCheckLogs::Id))
                .col(big_integer(HealthCheckLogs::AdapterConfigId))
                .col(timestamp_with_time_zone(HealthCheckLogs::CheckedAt))
                .col(boolean(HealthCheckLogs::Ok))
                .col(integer(HealthCheckLogs::LatencyMs))
                .col(text_null(HealthCheckLogs::Error))
                .foreign_key(&mut foreign_key(
                    HealthCheckLogs::Table,
                    HealthCheckLogs::AdapterConfigId,
                    AdapterConfigs::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(
            HealthCheckLogs::Table,
            [HealthCheckLogs::AdapterConfigId, HealthCheckLogs::CheckedAt],
        ))
        .await?;
    manager
        .create_index(index(HealthCheckLogs::Table, [HealthCheckLogs::CheckedAt]))
        .await
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, HealthCheckLogs::Table).await?;
    drop_table(manager, EncryptionProfiles::Table).await?;
    drop_table(manager, AdapterConfigs::Table).await
}
