//! The SQLite backend of the source suite: database files in a scratch directory.

use crate::src_support::Backend;
use adapters::sources::SqliteSource;
use adapters::{AdapterError, Source};
use async_trait::async_trait;
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};

pub struct Sqlite {
    dir: PathBuf,
    temp: PathBuf,
}

impl Sqlite {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(crate::src_support::unique_name("sqlite"));
        let temp = dir.join("tmp");
        std::fs::create_dir_all(&temp).unwrap();
        Sqlite { dir, temp }
    }

    pub fn path(&self, database: &str) -> PathBuf {
        self.dir.join(format!("{database}.db"))
    }

    pub async fn connect(path: &Path, create: bool) -> SqliteConnection {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .disable_statement_logging()
            .connect()
            .await
            .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[async_trait]
impl Backend for Sqlite {
    fn source(&self, database: &str) -> Box<dyn Source> {
        let config = json!({"path": self.path(database), "temp_dir": self.temp});
        Box::new(SqliteSource::from_config(&config).unwrap())
    }

    fn many_databases(&self) -> bool {
        false
    }

    async fn create(&self, database: &str, rows: usize) {
        let mut conn = Self::connect(&self.path(database), true).await;
        let sql = format!(
            r#"
            PRAGMA journal_mode = WAL;
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, score REAL, data BLOB);
            WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {rows})
            INSERT INTO people
              SELECT g, 'name ' || g || ' — ünïcødé ✓ 🎉 ''quoted'' "double" \back',
                     CASE WHEN g % 7 = 0 THEN NULL ELSE printf('%08x%08x', g * 2654435761 % 4294967296, g * 31) END,
                     g * 1.25,
                     CASE WHEN g % 5 = 0 THEN NULL ELSE unhex(printf('%08x00ff', g)) END
              FROM s;
            CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB);
            INSERT INTO blobs (data) VALUES (x'00ff10'), (NULL), (zeroblob(2000)), (x'');
            CREATE VIEW evens AS SELECT id, name FROM people WHERE id % 2 = 0;
            "#
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }

    async fn snapshot(&self, database: &str) -> String {
        let mut conn = Self::connect(&self.path(database), false).await;
        let mut out = String::new();
        for sql in [
            "SELECT quote(id) || '|' || quote(name) || '|' || quote(note) || '|' || quote(score) || '|' || quote(data)
               FROM people ORDER BY id",
            "SELECT quote(id) || '|' || quote(data) FROM blobs ORDER BY id",
            "SELECT quote(count(*)) FROM evens",
        ] {
            let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap();
            out.push_str(&rows.join("\n"));
            out.push('\n');
        }
        conn.close().await.unwrap();
        out
    }

    fn drop_databases(&self, databases: &[String]) {
        for db in databases {
            let _ = std::fs::remove_file(self.path(db));
        }
    }

    fn wrong_credentials(&self) -> Option<Box<dyn Source>> {
        None
    }

    fn unreachable(&self) -> Option<Box<dyn Source>> {
        None
    }

    fn missing_tool(&self) -> Option<Box<dyn Source>> {
        None
    }

    fn dumps_in_flight(&self, _database: &str) -> usize {
        std::fs::read_dir(&self.temp).map_or(0, |entries| entries.count())
    }

    fn is_truncation_error(&self, error: &AdapterError) -> bool {
        matches!(error, AdapterError::Corrupt(_))
    }
}
