//! PostgreSQL, dumped with `pg_dump` and restored with `pg_restore` or `psql`.

mod restricted;

use super::url::parse_server_url;
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::process::Tool;
use crate::registry::{AdapterInfo, SourceUrls};
use crate::schema::{ConfigField, FieldType};
use crate::traits::{ByteStream, Source, TargetState};
use async_trait::async_trait;
use restricted as psql_restricted;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// What a custom-format dump starts with.
const CUSTOM_MAGIC: &[u8] = b"PGDMP";
/// The database psql connects to for server-wide statements.
const MAINTENANCE_DB: &str = "postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgFormat {
    /// `pg_dump -Fc -Z0`: the custom archive, restored with `pg_restore`. pg_dump's own
    /// compression is off because the pipeline compresses (better, and only once).
    Custom,
    /// Plain SQL without `CREATE DATABASE`, restored with `psql`.
    Plain,
}

pub struct PostgresSource {
    host: String,
    port: u16,
    username: String,
    password: Option<String>,
    format: PgFormat,
    include_globals: bool,
    sslmode: String,
    tool_dir: Option<PathBuf>,
}

impl PostgresSource {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "Host", FieldType::Text).endpoint().required(),
            ConfigField::new("port", "Port", FieldType::Number).endpoint().default(5432),
            ConfigField::new("username", "Username", FieldType::Text).required(),
            ConfigField::new("password", "Password", FieldType::Password),
            ConfigField::new("format", "Dump format", FieldType::Select)
                .options(&["custom", "plain"])
                .default("custom")
                .help("custom: a pg_restore archive (Bulwark compresses it); plain: SQL text, restored with psql"),
            ConfigField::new(
                "include_globals",
                "Include roles and tablespaces",
                FieldType::Bool,
            )
            .default(false)
            .help("Also dumps server-wide objects with pg_dumpall --globals-only"),
            ConfigField::new("sslmode", "SSL mode", FieldType::Select)
                .options(&["disable", "prefer", "require"])
                .default("prefer"),
            ConfigField::new("tool_dir", "Client tools directory", FieldType::Path).program().endpoint().help(
                "Directory holding pg_dump, pg_restore and psql of the server's major version; empty = PATH",
            ),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let c = Config::parse(&Self::schema(), config)?;
        Ok(PostgresSource {
            host: c.required("host")?,
            port: c.port("port", 5432)?,
            username: c.required("username")?,
            password: c.string("password"),
            format: match c.string("format").as_deref() {
                Some("plain") => PgFormat::Plain,
                _ => PgFormat::Custom,
            },
            include_globals: c.bool("include_globals", false)?,
            sslmode: c.string("sslmode").unwrap_or_else(|| "prefer".into()),
            tool_dir: c.string("tool_dir").map(PathBuf::from),
        })
    }

    /// `postgres://user[:pass]@host[:port]/db[?format=plain&sslmode=require…]`; query
    /// pairs are config settings. Returns the selected databases: empty (no path or
    /// `*`) means all, `a,b` selects two.
    pub fn from_url(url: &str) -> Result<(Self, Vec<String>)> {
        let parsed = parse_server_url(url, &["postgres", "postgresql"])?;
        let source = Self::from_config(&Value::Object(parsed.config))?;
        Ok((source, parsed.databases))
    }

    pub fn format(&self) -> PgFormat {
        self.format
    }

    fn program(&self, name: &str) -> Tool {
        match &self.tool_dir {
            Some(dir) => Tool::new(name, dir.join(name)),
            None => Tool::new(name, name),
        }
    }

    /// A client tool with the connection settings; `-w` so it never prompts.
    fn connected(&self, name: &str) -> Tool {
        let tool = self
            .program(name)
            .arg("-w")
            .args([
                "-h",
                &self.host,
                "-p",
                &self.port.to_string(),
                "-U",
                &self.username,
            ])
            .env("PGCONNECT_TIMEOUT", "10")
            .env("PGSSLMODE", &self.sslmode)
            .env("PGAPPNAME", "bulwark")
            .env_remove("PGSERVICE")
            .env_remove("PGOPTIONS")
            .env_remove("PGHOSTADDR");
        match &self.password {
            Some(password) => tool.env("PGPASSWORD", password),
            None => tool.env_remove("PGPASSWORD"),
        }
    }

    /// Runs one SQL statement with psql and returns its unaligned, tuples-only output.
    async fn query(&self, database: &str, sql: &str) -> Result<String> {
        self.connected("psql")
            .args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
                "-d",
                &conninfo(database),
            ])
            .output()
            .await
    }

    async fn ensure_database(&self, database: &str) -> Result<()> {
        let exists = format!("select 1 from pg_database where datname = {}", literal(database));
        if self.query(MAINTENANCE_DB, &exists).await?.trim() == "1" {
            return Ok(());
        }
        let create = format!("create database {} template template0", ident(database));
        self.query(MAINTENANCE_DB, &create).await.map(drop)
    }
}

#[async_trait]
impl Source for PostgresSource {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn extension(&self) -> &'static str {
        match self.format {
            PgFormat::Custom => "dump",
            PgFormat::Plain => "sql",
        }
    }

    async fn test_connection(&self) -> Result<()> {
        self.query(MAINTENANCE_DB, "select 1").await.map(drop)
    }

    async fn server_version(&self) -> Result<String> {
        Ok(self
            .query(MAINTENANCE_DB, "show server_version")
            .await?
            .trim()
            .to_string())
    }

    async fn list_databases(&self) -> Result<Vec<String>> {
        let sql = "select datname from pg_database where datallowconn and not datistemplate order by 1";
        let out = self.query(MAINTENANCE_DB, sql).await?;
        Ok(out
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }

    async fn tool_versions(&self) -> Result<Vec<String>> {
        let version = self.program("pg_dump").arg("--version").output().await?;
        Ok(vec![version.trim().to_string()])
    }

    async fn dump(&self, database: &str) -> Result<ByteStream> {
        let tool = match self.format {
            PgFormat::Custom => self.connected("pg_dump").args(["-Fc", "-Z0"]),
            // No CREATE DATABASE and no owners, so it restores into any name as any user.
            PgFormat::Plain => self.connected("pg_dump").args(["-Fp", "--no-owner"]),
        };
        Ok(Box::pin(tool.arg("-d").arg(conninfo(database)).stream()?))
    }

    async fn target_state(&self, database: &str) -> Result<TargetState> {
        let exists = format!("select 1 from pg_database where datname = {}", literal(database));
        if self.query(MAINTENANCE_DB, &exists).await?.trim() != "1" {
            return Ok(TargetState::Missing);
        }
        const USER_SCHEMA: &str = "n.nspname not in ('pg_catalog', 'information_schema') \
             and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'";
        let sql = format!(
            "select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace \
             where {USER_SCHEMA}), (select count(*) from pg_proc p join pg_namespace n \
             on n.oid = p.pronamespace where {USER_SCHEMA})"
        );
        let out = self.query(database, &sql).await?;
        let counts: Vec<u64> = out.trim().split('|').filter_map(|n| n.parse().ok()).collect();
        let [relations, functions] = counts[..] else {
            return Err(AdapterError::Other(format!(
                "cannot tell whether {database} is empty: psql printed {:?}",
                out.trim()
            )));
        };
        Ok(match (relations, functions) {
            (0, 0) => TargetState::Empty,
            (r, f) => TargetState::NotEmpty(format!("{r} tables, views or sequences and {f} functions")),
        })
    }

    /// The dump's own format decides the tool (custom dumps start with `PGDMP`), so a
    /// backup taken before the format setting changed still restores. Plain SQL goes to
    /// psql in restricted mode (see `psql_restricted`): a dump never runs a shell command.
    async fn restore(&self, database: &str, data: ByteStream, replace: bool) -> Result<()> {
        let (head, data) = peek(data, CUSTOM_MAGIC.len()).await?;
        if head.is_empty() {
            return Err(AdapterError::Corrupt("the dump is empty".into()));
        }
        let custom = head == CUSTOM_MAGIC;
        if replace && !custom && matches!(self.target_state(database).await?, TargetState::NotEmpty(_)) {
            return Err(AdapterError::InvalidConfig(format!(
                "a plain SQL dump cannot replace what {database} holds (only a custom-format \
                 dump can, in one transaction); restore it into a new name"
            )));
        }
        self.ensure_database(database).await?;
        let target = conninfo(database);
        if custom {
            let mut args = vec!["--no-owner", "--exit-on-error", "--single-transaction"];
            if replace {
                // Drops what the dump recreates, inside the same transaction.
                args.extend(["--clean", "--if-exists"]);
            }
            return self
                .connected("pg_restore")
                .args(args)
                .args(["-d", &target])
                .feed(data)
                .await;
        }
        let version = self.program("psql").arg("--version").output().await?;
        if !psql_can_restrict(&version) {
            return Err(AdapterError::InvalidConfig(format!(
                "{} cannot restore plain SQL safely: it lacks \\restrict (PostgreSQL 13.22, \
                 14.19, 15.14, 16.10, 17.6 or newer has it); install a newer client",
                version.trim()
            )));
        }
        self.connected("psql")
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-d",
                &target,
                "-f",
                "-",
            ])
            .feed(psql_restricted::restricted(data, &psql_restricted::random_key()))
            .await
    }

    async fn dump_globals(&self) -> Result<Option<ByteStream>> {
        if !self.include_globals {
            return Ok(None);
        }
        let tool = self.connected("pg_dumpall").arg("--globals-only");
        Ok(Some(Box::pin(tool.stream()?)))
    }
}

/// Reads the first `n` bytes (fewer at EOF) and returns them with the whole stream.
async fn peek(mut data: ByteStream, n: usize) -> Result<(Vec<u8>, ByteStream)> {
    let mut head = Vec::with_capacity(n);
    (&mut data)
        .take(n as u64)
        .read_to_end(&mut head)
        .await
        .map_err(|e| AdapterError::io("reading the dump", e))?;
    let whole: ByteStream = Box::pin(std::io::Cursor::new(head.clone()).chain(data));
    Ok((head, whole))
}

/// `psql (PostgreSQL) 15.18 (Debian …)`: whether this psql knows `\restrict`, added in
/// the August 2025 minor releases.
fn psql_can_restrict(version: &str) -> bool {
    let number = version
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or_default();
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    match major {
        0..=12 => false,
        13 => minor >= 22,
        14 => minor >= 19,
        15 => minor >= 14,
        16 => minor >= 10,
        17 => minor >= 6,
        _ => true,
    }
}

/// A database name as a libpq connection string, so a name containing `=` or looking
/// like a URI is never parsed as connection options.
fn conninfo(database: &str) -> String {
    format!("dbname='{}'", database.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo =
    AdapterInfo::source("postgres", "PostgreSQL", PostgresSource::schema, |c| {
        Ok(Arc::new(PostgresSource::from_config(c)?))
    })
    .with_source_urls(&URLS);

static URLS: SourceUrls = SourceUrls {
    schemes: &["postgres", "postgresql"],
    example: "postgres://",
    source: |raw| {
        let (s, dbs) = PostgresSource::from_url(raw)?;
        Ok((Arc::new(s), dbs))
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn config_defaults_and_url() {
        let s = PostgresSource::from_config(&json!({"host": "db", "username": "u"})).unwrap();
        assert_eq!(
            (s.port, s.format, s.include_globals),
            (5432, PgFormat::Custom, false)
        );
        assert_eq!((s.sslmode.as_str(), s.extension()), ("prefer", "dump"));

        let (s, dbs) = PostgresSource::from_url("postgresql://u:p%20w@db:6000/*?format=plain").unwrap();
        assert_eq!(
            (s.port, s.password.as_deref(), s.extension()),
            (6000, Some("p w"), "sql")
        );
        assert!(dbs.is_empty());
        assert!(
            PostgresSource::from_url("postgres://db/x").is_err(),
            "username is required"
        );
        assert!(PostgresSource::from_config(&json!({"host": "db", "username": "u", "x": 1})).is_err());
        assert!(PostgresSource::from_config(&json!({"host": "db", "username": "u", "port": "big"})).is_err());
    }

    #[test]
    fn psql_versions_with_restrict() {
        assert!(psql_can_restrict(
            "psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        ));
        assert!(psql_can_restrict("psql (PostgreSQL) 18.0"));
        assert!(!psql_can_restrict("psql (PostgreSQL) 15.13"));
        assert!(!psql_can_restrict("psql (PostgreSQL) 12.22"));
        assert!(!psql_can_restrict("nonsense"));
    }

    #[test]
    fn names_are_quoted() {
        assert_eq!(conninfo(r"a'b\c"), r"dbname='a\'b\\c'");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
    }
}
