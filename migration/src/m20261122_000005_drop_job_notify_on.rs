//! Drops `jobs.notify_on`: who hears about a job is now its rows in `job_notifications`
//! (a channel each, with its own filter). SQLite ≥ 3.35 drops columns in place.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Jobs {
    Table,
    NotifyOn,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::NotifyOn)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(string_len(Jobs::NotifyOn, 16).default("failure"))
                    .take(),
            )
            .await
    }
}
