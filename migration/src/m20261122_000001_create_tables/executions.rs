//! Executions, their log lines, and the notifications sent about them.

use sea_orm_migration::{prelude::*, schema::*};

use super::accounts::Users;
use super::adapters::AdapterConfigs;
use super::jobs::Jobs;
use super::{drop_table, foreign_key, index, unique_index};

#[derive(DeriveIden)]
enum Executions {
    Table,
    Id,
    JobId,
    Kind,
    Status,
    Trigger,
    TriggeredByUserId,
    CreatedAt,
    StartedAt,
    FinishedAt,
    RawBytes,
    StoredBytes,
    ChecksumSha256,
    DestinationResults,
    Metadata,
    Error,
    ClaimedBy,
    HeartbeatAt,
    CancelRequested,
}

#[derive(DeriveIden)]
enum ExecutionLogs {
    Table,
    Id,
    ExecutionId,
    Seq,
    CreatedAt,
    Level,
    Stage,
    Message,
}

#[derive(DeriveIden)]
enum NotificationLogs {
    Table,
    Id,
    CreatedAt,
    Event,
    Channel,
    AdapterConfigId,
    ExecutionId,
    Status,
    Title,
    Message,
    Payload,
    Html,
    Error,
    Attempts,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Executions::Table)
                .col(big_pk_auto(Executions::Id))
                .col(big_integer_null(Executions::JobId))
                .col(string_len(Executions::Kind, 16))
                .col(string_len(Executions::Status, 16))
                .col(string_len(Executions::Trigger, 16))
                .col(big_integer_null(Executions::TriggeredByUserId))
                .col(timestamp_with_time_zone(Executions::CreatedAt))
                .col(timestamp_with_time_zone_null(Executions::StartedAt))
                .col(timestamp_with_time_zone_null(Executions::FinishedAt))
                .col(big_integer_null(Executions::RawBytes))
                .col(big_integer_null(Executions::StoredBytes))
                .col(string_null(Executions::ChecksumSha256))
                .col(json_binary(Executions::DestinationResults))
                .col(json_binary(Executions::Metadata))
                .col(text_null(Executions::Error))
                .col(string_null(Executions::ClaimedBy))
                .col(timestamp_with_time_zone_null(Executions::HeartbeatAt))
                .col(boolean(Executions::CancelRequested).default(false))
                .foreign_key(&mut foreign_key(
                    Executions::Table,
                    Executions::JobId,
                    Jobs::Table,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut foreign_key(
                    Executions::Table,
                    Executions::TriggeredByUserId,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
    for columns in [
        [Executions::Status, Executions::CreatedAt],
        [Executions::JobId, Executions::CreatedAt],
        [Executions::Kind, Executions::CreatedAt],
    ] {
        manager.create_index(index(Executions::Table, columns)).await?;
    }
    manager
        .create_index(index(Executions::Table, [Executions::CreatedAt]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(ExecutionLogs::Table)
                .col(big_pk_auto(ExecutionLogs::Id))
                .col(big_integer(ExecutionLogs::ExecutionId))
                .col(integer(ExecutionLogs::Seq))
                .col(timestamp_with_time_zone(ExecutionLogs::CreatedAt))
                .col(string_len(ExecutionLogs::Level, 16))
                .col(string(ExecutionLogs::Stage))
                .col(text(ExecutionLogs::Message))
                .foreign_key(&mut foreign_key(
                    ExecutionLogs::Table,
                    ExecutionLogs::ExecutionId,
                    Executions::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index(
            ExecutionLogs::Table,
            [ExecutionLogs::ExecutionId, ExecutionLogs::Seq],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(NotificationLogs::Table)
                .col(big_pk_auto(NotificationLogs::Id))
                .col(timestamp_with_time_zone(NotificationLogs::CreatedAt))
                .col(string(NotificationLogs::Event))
                .col(string(NotificationLogs::Channel))
                .col(big_integer_null(NotificationLogs::AdapterConfigId))
                .col(big_integer_null(NotificationLogs::ExecutionId))
                .col(string_len(NotificationLogs::Status, 16))
                .col(string(NotificationLogs::Title))
                .col(text(NotificationLogs::Message))
                .col(text(NotificationLogs::Payload))
                .col(text_null(NotificationLogs::Html))
                .col(text_null(NotificationLogs::Error))
                .col(integer(NotificationLogs::Attempts))
                .foreign_key(&mut foreign_key(
                    NotificationLogs::Table,
                    NotificationLogs::AdapterConfigId,
                    AdapterConfigs::Table,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut foreign_key(
                    NotificationLogs::Table,
                    NotificationLogs::ExecutionId,
                    Executions::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(NotificationLogs::Table, [NotificationLogs::CreatedAt]))
        .await?;
    for columns in [
        [NotificationLogs::Status, NotificationLogs::CreatedAt],
        [NotificationLogs::Event, NotificationLogs::CreatedAt],
    ] {
        manager
            .create_index(index(NotificationLogs::Table, columns))
            .await?;
    }
    Ok(())
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, NotificationLogs::Table).await?;
    drop_table(manager, ExecutionLogs::Table).await?;
    drop_table(manager, Executions::Table).await
}
