//! Opens the database (embedded SQLite by default, PostgreSQL by URL) and migrates it.

use super::config::Config;
use super::error::{Result, ServerError};
use migration::MigratorTrait;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// The URL actually used: `DATABASE_URL`, or the SQLite file in the data folder.
pub fn database_url(config: &Config) -> Result<String> {
    match &config.database_url {
        Some(url) => Ok(url.clone()),
        None => {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| ServerError::io(&config.data_dir, e))?;
            Ok(format!("sqlite://{}?mode=rwc", config.sqlite_path().display()))
        }
    }
}

pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // WAL lets the console read while a job writes; foreign keys are off by
        // default in SQLite and the schema relies on them for cascades.
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(15))
        });
    } else {
        options.max_connections(16);
    }
    Database::connect(options)
        .await
        .map_err(|e| ServerError::Config(format!("cannot open the database at {}: {e}", redact_url(url))))
}

pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    migration::Migrator::up(db, None).await?;
    Ok(())
}

/// Hides the password of a database URL for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A transaction that writes. On SQLite it takes the write lock at `BEGIN IMMEDIATE`, so
/// concurrent writers queue on the busy timeout; a deferred one that reads first and then
/// writes fails at once with "database is locked" when another writer got in between.
/// (PostgreSQL ignores the mode.)
pub async fn begin_write(db: &DatabaseConnection) -> std::result::Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite://./data/b.db?mode=rwc"),
            "sqlite://./data/b.db?mode=rwc"
        );
    }
}
