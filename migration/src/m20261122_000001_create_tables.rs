//! Creates every table, grouped by area in the submodules. Each submodule
//! creates its tables in foreign-key order; `down` drops them in reverse.

use sea_orm_migration::prelude::*;

mod accounts;
mod adapters;
mod executions;
mod jobs;
mod sso;
mod system;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        accounts::create(manager).await?;
        sso::create(manager).await?;
        adapters::create(manager).await?;
        jobs::create(manager).await?;
        executions::create(manager).await?;
        system::create(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        system::drop(manager).await?;
        executions::drop(manager).await?;
        jobs::drop(manager).await?;
        adapters::drop(manager).await?;
        sso::drop(manager).await?;
        accounts::drop(manager).await
    }
}

/// For references that must block deleting the referenced row. Spelled NO
/// ACTION rather than RESTRICT: with non-deferrable constraints both refuse the
/// delete, but SQLite reports a RESTRICT violation as SQLITE_CONSTRAINT_TRIGGER
/// (1811), which `DbErr::sql_err()` does not recognise, whereas NO ACTION gives
/// SQLITE_CONSTRAINT_FOREIGNKEY (787), mapped like PostgreSQL's 23503.
const REFUSE_DELETE: ForeignKeyAction = ForeignKeyAction::NoAction;

/// `column` references `id` of `target`; named `fk_<table>_<column>`.
fn foreign_key(
    table: impl IntoIden,
    column: impl IntoIden,
    target: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    let (table, column) = (table.into_iden(), column.into_iden());
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

/// A plain index named `idx_<table>_<columns>`.
fn index<C: IntoIden>(table: impl IntoIden, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement {
    named_index("idx", table, columns)
}

/// A unique index named `uq_<table>_<columns>`.
fn unique_index<C: IntoIden>(
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    named_index("uq", table, columns).unique().take()
}

fn named_index<C: IntoIden>(
    prefix: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    let table = table.into_iden();
    let mut name = format!("{prefix}_{table}");
    let mut statement = Index::create();
    for column in columns {
        let column = column.into_iden();
        name.push('_');
        name.push_str(&column.to_string());
        statement.col(column);
    }
    statement.name(name).table(table).take()
}

async fn drop_table(manager: &SchemaManager<'_>, table: impl IntoIden) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table.into_iden()).take())
        .await
}
