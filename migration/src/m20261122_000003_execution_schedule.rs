//! `executions.scheduled_for`: the cron tick an execution was queued for. Unique per job,
//! so when several instances fire the same tick only the first insert wins; manual runs
//! leave it NULL, and NULLs never collide.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

#[derive(DeriveIden)]
enum Executions {
    Table,
    JobId,
    ScheduledFor,
}

const INDEX: &str = "uq_executions_job_id_scheduled_for";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Executions::Table)
                    .add_column(timestamp_with_time_zone_null(Executions::ScheduledFor))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Executions::Table)
                    .col(Executions::JobId)
                    .col(Executions::ScheduledFor)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Executions::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Executions::Table)
                    .drop_column(Executions::ScheduledFor)
                    .take(),
            )
            .await
    }
}
