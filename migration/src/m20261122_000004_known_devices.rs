//! `known_devices`: the devices each user has signed in from, so a sign-in from a new
//! one can be notified.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum KnownDevices {
    Table,
    Id,
    UserId,
    Fingerprint,
    Label,
    FirstSeenAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

const INDEX: &str = "uq_known_devices_user_id_fingerprint";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnownDevices::Table)
                    .col(big_pk_auto(KnownDevices::Id))
                    .col(big_integer(KnownDevices::UserId))
                    .col(string_len(KnownDevices::Fingerprint, 64))
                    .col(string(KnownDevices::Label))
                    .col(timestamp_with_time_zone(KnownDevices::FirstSeenAt))
                    .col(timestamp_with_time_zone(KnownDevices::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_known_devices_user_id")
                            .from(KnownDevices::Table, KnownDevices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(KnownDevices::Table)
                    .col(KnownDevices::UserId)
                    .col(KnownDevices::Fingerprint)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KnownDevices::Table).take())
            .await
    }
}
