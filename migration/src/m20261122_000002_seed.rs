//! Inserts the built-in SuperAdmin group.

use sea_orm::prelude::{ChronoUtc, Json};
use sea_orm_migration::prelude::*;

use crate::SUPERADMIN_GROUP;

// Declared here rather than shared with the create migration so this
// migration keeps meaning the same thing if that one's idens change.
#[derive(DeriveIden)]
enum Groups {
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
enum Users {
    Table,
    GroupId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = ChronoUtc::now();
        let insert = Query::insert()
            .into_table(Groups::Table)
            .columns([
                Groups::Name,
                Groups::Description,
                Groups::Permissions,
                Groups::Protected,
                Groups::CreatedAt,
                Groups::UpdatedAt,
            ])
            .values_panic([
                SUPERADMIN_GROUP.into(),
                "Built-in administrators: every permission".into(),
                Json::from(vec!["*"]).into(),
                true.into(),
                now.into(),
                now.into(),
            ])
            .on_conflict(OnConflict::column(Groups::Name).do_nothing().to_owned())
            .take();
        manager.execute(insert).await
    }

    /// Removes the group unless users still belong to it: their foreign key
    /// would refuse the delete, and dropping the tables removes it anyway.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let delete = Query::delete()
            .from_table(Groups::Table)
            .and_where(Expr::col(Groups::Name).eq(SUPERADMIN_GROUP))
            .and_where(
                Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(Users::Table)
                        .and_where(
                            Expr::col((Users::Table, Users::GroupId)).equals((Groups::Table, Groups::Id)),
                        )
                        .take(),
                )
                .not(),
            )
            .take();
        manager.execute(delete).await
    }
}
