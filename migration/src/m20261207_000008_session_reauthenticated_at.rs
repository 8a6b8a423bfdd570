//! `sessions.reauthenticated_at`: when the session's user last confirmed who they are
//! (password or authenticator code) without signing in again. Adding or removing a
//! passkey or an authenticator app needs that, or the sign-in itself, within the last
//! five minutes (finding 14 of docs/SECURITY.md). Existing sessions start with none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ReauthenticatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(Sessions::ReauthenticatedAt))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::ReauthenticatedAt)
                    .take(),
            )
            .await
    }
}
