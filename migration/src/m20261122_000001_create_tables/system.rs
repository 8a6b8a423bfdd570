//! Settings, the audit log, and the registry of running instances.

use sea_orm_migration::{prelude::*, schema::*};

use super::accounts::Users;
use super::{drop_table, foreign_key, index};

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLogs {
    Table,
    Id,
    CreatedAt,
    ActorUserId,
    ActorLabel,
    Action,
    ResourceType,
    ResourceId,
    Summary,
    Changes,
    Outcome,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum Instances {
    Table,
    Id,
    Hostname,
    Version,
    StartedAt,
    HeartbeatAt,
}

pub(super) async fn create(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Settings::Table)
                .col(string(Settings::Key).primary_key())
                .col(json_binary(Settings::Value))
                .col(timestamp_with_time_zone(Settings::CreatedAt))
                .col(timestamp_with_time_zone(Settings::UpdatedAt))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(AuditLogs::Table)
                .col(big_pk_auto(AuditLogs::Id))
                .col(timestamp_with_time_zone(AuditLogs::CreatedAt))
                .col(big_integer_null(AuditLogs::ActorUserId))
                .col(string(AuditLogs::ActorLabel))
                .col(string(AuditLogs::Action))
                .col(string(AuditLogs::ResourceType))
                .col(string_null(AuditLogs::ResourceId))
                .col(text(AuditLogs::Summary))
                .col(json_binary_null(AuditLogs::Changes))
                .col(string(AuditLogs::Outcome))
                .col(string_null(AuditLogs::Ip))
                .col(text_null(AuditLogs::UserAgent))
                .foreign_key(&mut foreign_key(
                    AuditLogs::Table,
                    AuditLogs::ActorUserId,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(AuditLogs::Table, [AuditLogs::CreatedAt]))
        .await?;
    manager
        .create_index(index(
            AuditLogs::Table,
            [AuditLogs::ResourceType, AuditLogs::ResourceId],
        ))
        .await?;
    manager
        .create_index(index(AuditLogs::Table, [AuditLogs::ActorUserId]))
        .await?;
    manager
        .create_index(index(AuditLogs::Table, [AuditLogs::Action]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Instances::Table)
                .col(string(Instances::Id).primary_key())
                .col(string(Instances::Hostname))
                .col(string(Instances::Version))
                .col(timestamp_with_time_zone(Instances::StartedAt))
                .col(timestamp_with_time_zone(Instances::HeartbeatAt))
                .take(),
        )
        .await
}

pub(super) async fn drop(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, Instances::Table).await?;
    drop_table(manager, AuditLogs::Table).await?;
    drop_table(manager, Settings::Table).await
}
