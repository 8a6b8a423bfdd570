//! Backup jobs and their destination and notification links.

use sea_orm_migration::{prelude::*, schema::*};

use super::adapters::{AdapterConfigs, EncryptionProfiles};
use super::{REFUSE_DELETE, drop_table, foreign_key, index, unique_index};

#[derive(DeriveIden)]
pub(super) enum Jobs {
    Table,
    Id,
    Name,
    Description,
    Cron,
    Timezone,
    Enabled,
    Compression,
    CompressionLevel,
    Retention,
    NotifyOn,
    SourceId,
    Databases,
    EncryptionProfileId,
    LastRunAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JobDestinations {
    Table,
    Id,
    JobId,
    DestinationId,
    Priority,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobNotifications {
    Table,
    Id,
    JobId,
    ChannelId,
    Filter,
    CreatedAt,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Jobs::Table)
                .col(big_pk_auto(Jobs::Id))
                .col(string_uniq(Jobs::Name))
                .col(text_null(Jobs::Description))
                .col(string(Jobs::Cron))
                .col(string(Jobs::Timezone))
                .col(boolean(Jobs::Enabled))
                .col(string_len(Jobs::Compression, 16))
                .col(integer_null(Jobs::CompressionLevel))
                .col(json_binary(Jobs::Retention))
                .col(string_len(Jobs::NotifyOn, 16))
                .col(big_integer(Jobs::SourceId))
                .col(json_binary(Jobs::Databases))
                .col(big_integer_null(Jobs::EncryptionProfileId))
                .col(timestamp_with_time_zone_null(Jobs::LastRunAt))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                .foreign_key(&mut foreign_key(
                    Jobs::Table,
                    Jobs::SourceId,
                    AdapterConfigs::Table,
                    REFUSE_DELETE,
                ))
                .foreign_key(&mut foreign_key(
                    Jobs::Table,
                    Jobs::EncryptionProfileId,
                    EncryptionProfiles::Table,
                    REFUSE_DELETE,
                ))
                .take(),
        )
        .await?;
    manager.create_index(index(Jobs::Table, [Jobs::Enabled])).await?;
    manager.create_index(index(Jobs::Table, [Jobs::SourceId])).await?;

    manager
        .create_table(
            Table::create()
                .table(JobDestinations::Table)
                .col(big_pk_auto(JobDestinations::Id))
                .col(big_integer(JobDestinations::JobId))
                .col(big_integer(JobDestinations::DestinationId))
                .col(integer(JobDestinations::Priority))
                .col(timestamp_with_time_zone(JobDestinations::CreatedAt))
                .foreign_key(&mut foreign_key(
                    JobDestinations::Table,
                    JobDestinations::JobId,
                    Jobs::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    JobDestinations::Table,
                    JobDestinations::DestinationId,
                    AdapterConfigs::Table,
                    REFUSE_DELETE,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index(
            JobDestinations::Table,
            [JobDestinations::JobId, JobDestinations::DestinationId],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(JobNotifications::Table)
                .col(big_pk_auto(JobNotifications::Id))
                .col(big_integer(JobNotifications::JobId))
                .col(big_integer(JobNotifications::ChannelId))
                .col(string_len(JobNotifications::Filter, 16))
                .col(timestamp_with_time_zone(JobNotifications::CreatedAt))
                .foreign_key(&mut foreign_key(
                    JobNotifications::Table,
                    JobNotifications::JobId,
                    Jobs::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    JobNotifications::Table,
                    JobNotifications::ChannelId,
                    AdapterConfigs::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index(
            JobNotifications::Table,
            [JobNotifications::JobId, JobNotifications::ChannelId],
        ))
        .await
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, JobNotifications::Table).await?;
    drop_table(manager, JobDestinations::Table).await?;
    drop_table(manager, Jobs::Table).await
}
