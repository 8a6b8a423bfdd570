//! Sources: databases dumped and restored with their own tools. One folder per adapter,
//! registered by its `ADAPTER` line in `crate::registry`.

pub mod mysql;
pub mod postgres;
pub mod sqlite;
mod url;

pub use mysql::MysqlSource;
pub use postgres::{PgFormat, PostgresSource};
pub use sqlite::SqliteSource;
