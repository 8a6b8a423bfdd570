//! `api_keys.owned`: the key was made by a console user and acts for them (finding 8 of
//! docs/SECURITY.md). Its permissions are its scopes within the owner's current ones, and
//! it stops when the owner is disabled or gone (the foreign key only sets the owner to
//! NULL). Keys made on the command line (`bulwark api-key create`, an operator on the
//! host) have no owner and keep their scopes. Existing keys with an owner become owned.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Owned,
    CreatedByUserId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeys::Table)
                    .add_column(boolean(ApiKeys::Owned).default(false))
                    .take(),
            )
            .await?;
        let owned = Query::update()
            .table(ApiKeys::Table)
            .value(ApiKeys::Owned, true)
            .and_where(Expr::col(ApiKeys::CreatedByUserId).is_not_null())
            .to_owned();
        manager.exec_stmt(owned).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiKeys::Table)
                    .drop_column(ApiKeys::Owned)
                    .take(),
            )
            .await
    }
}
