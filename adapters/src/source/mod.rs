//! Sources: databases dumped and restored with their own tools.

pub(crate) mod config;
pub mod mysql;
pub mod postgres;
pub mod psql_restricted;
pub mod sqlite;
mod sqlite_files;
mod url;

pub use mysql::MysqlSource;
pub use postgres::{PgFormat, PostgresSource};
pub use sqlite::SqliteSource;
