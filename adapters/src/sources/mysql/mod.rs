//! MySQL and MariaDB, dumped with `mariadb-dump` (or `mysqldump`) and restored with
//! `mariadb` (or `mysql`).

use super::url::parse_server_url;
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::process::{Tool, find_on_path};
use crate::registry::{AdapterInfo, SourceUrls};
use crate::schema::{ConfigField, FieldType};
use crate::traits::{ByteStream, Source, TargetState};
use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;

const DUMP_TOOLS: &[&str] = &["mariadb-dump", "mysqldump"];
const CLIENT_TOOLS: &[&str] = &["mariadb", "mysql"];
const SYSTEM_DATABASES: &[&str] = &["information_schema", "performance_schema", "mysql", "sys"];

pub struct MysqlSource {
    host: String,
    port: u16,
    username: String,
    password: Option<String>,
    dump_tool: Option<String>,
    client_tool: Option<String>,
}

impl MysqlSource {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "Host", FieldType::Text)
                .endpoint()
                .required(),
            ConfigField::new("port", "Port", FieldType::Number)
                .endpoint()
                .default(3306),
            ConfigField::new("username", "Username", FieldType::Text).required(),
            ConfigField::new("password", "Password", FieldType::Password),
            ConfigField::new("dump_tool", "Dump tool", FieldType::Text)
                .program()
                .endpoint()
                .help("Name or path of the dump tool; empty = mariadb-dump, else mysqldump"),
            ConfigField::new("client_tool", "Client tool", FieldType::Text)
                .program()
                .endpoint()
                .help("Name or path of the client used to restore; empty = mariadb, else mysql"),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let c = Config::parse(&Self::schema(), config)?;
        Ok(MysqlSource {
            host: c.required("host")?,
            port: c.port("port", 3306)?,
            username: c.required("username")?,
            password: c.string("password"),
            dump_tool: c.string("dump_tool"),
            client_tool: c.string("client_tool"),
        })
    }

    /// `mysql://user[:pass]@host[:port]/db` (also `mariadb://`). Returns the selected
    /// databases: empty (no path or `*`) means all, `a,b` selects two.
    pub fn from_url(url: &str) -> Result<(Self, Vec<String>)> {
        let parsed = parse_server_url(url, &["mysql", "mariadb"])?;
        let source = Self::from_config(&Value::Object(parsed.config))?;
        Ok((source, parsed.databases))
    }

    /// The configured tool, else the first of `candidates` on PATH.
    fn program(configured: &Option<String>, candidates: &[&str]) -> Result<Tool> {
        let program = match configured {
            Some(program) => program.as_str(),
            None => find_on_path(candidates).ok_or_else(|| AdapterError::ToolMissing {
                tool: candidates.join(" or "),
            })?,
        };
        let name = std::path::Path::new(program)
            .file_name()
            .map_or(program.into(), |n| n.to_string_lossy());
        Ok(Tool::new(name, program).error_lines(mysql_error))
    }

    /// `--no-defaults` must come first, so no my.cnf can add or change settings.
    fn connected(&self, tool: Tool) -> Tool {
        let tool = tool.args([
            "--no-defaults".to_string(),
            "--protocol=TCP".to_string(),
            format!("--host={}", self.host),
            format!("--port={}", self.port),
            format!("--user={}", self.username),
            "--default-character-set=utf8mb4".to_string(),
        ]);
        match &self.password {
            Some(password) => tool.env("MYSQL_PWD", password),
            None => tool.env_remove("MYSQL_PWD"),
        }
    }

    fn client(&self) -> Result<Tool> {
        let client = Self::program(&self.client_tool, CLIENT_TOOLS)?;
        // `loose-`: the MySQL client lacks the option and only warns. MariaDB would echo a
        // failing statement (a whole INSERT) into stderr, burying the error line.
        Ok(self
            .connected(client)
            .args(["--connect-timeout=10", "--loose-skip-print-query-on-error"]))
    }

    async fn query(&self, sql: &str) -> Result<String> {
        self.client()?
            .args(["--batch", "--skip-column-names", "--raw", "-e", sql])
            .output()
            .await
    }
}

#[async_trait]
impl Source for MysqlSource {
    fn kind(&self) -> &'static str {
        "mysql"
    }

    fn extension(&self) -> &'static str {
        "sql"
    }

    async fn test_connection(&self) -> Result<()> {
        self.query("SELECT 1").await.map(drop)
    }

    async fn server_version(&self) -> Result<String> {
        Ok(self.query("SELECT VERSION()").await?.trim().to_string())
    }

    async fn list_databases(&self) -> Result<Vec<String>> {
        let out = self.query("SHOW DATABASES").await?;
        Ok(out
            .lines()
            .filter(|db| !db.is_empty() && !SYSTEM_DATABASES.contains(db))
            .map(str::to_string)
            .collect())
    }

    async fn tool_versions(&self) -> Result<Vec<String>> {
        let tool = Self::program(&self.dump_tool, DUMP_TOOLS)?;
        Ok(vec![tool.arg("--version").output().await?.trim().to_string()])
    }

    /// One database without `--databases`, so the dump has no CREATE DATABASE or USE and
    /// restores into any name.
    async fn dump(&self, database: &str) -> Result<ByteStream> {
        let mut tool = self.connected(Self::program(&self.dump_tool, DUMP_TOOLS)?);
        if tool.name() == "mysqldump" {
            // MySQL 8's mysqldump reads column statistics that MariaDB servers lack;
            // `loose-` makes MariaDB's mysqldump only warn.
            tool = tool.arg("--loose-column-statistics=0");
        }
        let tool = tool.args([
            "--single-transaction",
            "--routines",
            "--events",
            "--triggers",
            "--hex-blob",
            // Dumping tablespaces needs the PROCESS privilege and a new name never wants them.
            "--no-tablespaces",
            "--",
            database,
        ]);
        Ok(Box::pin(tool.stream()?))
    }

    async fn target_state(&self, database: &str) -> Result<TargetState> {
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {db}), \
             (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {db}), \
             (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = {db})",
            db = literal(database)
        );
        let out = self.query(&sql).await?;
        let counts: Vec<u64> = out.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        let [schemas, tables, routines] = counts[..] else {
            return Err(AdapterError::Other(format!(
                "cannot tell whether {database} is empty: the client printed {:?}",
                out.trim()
            )));
        };
        Ok(match (schemas, tables, routines) {
            (0, _, _) => TargetState::Missing,
            (_, 0, 0) => TargetState::Empty,
            (_, t, r) => TargetState::NotEmpty(format!("{t} tables or views and {r} routines")),
        })
    }

    /// The client runs with `--sandbox` (no `system`, `\\!`, `source` or `tee`) and
    /// `--local-infile=0` (no `LOAD DATA LOCAL` reading the host's files): a dump is
    /// SQL for the server and nothing else. `replace` needs no flag: the dump drops
    /// each table it recreates.
    async fn restore(&self, database: &str, data: ByteStream, _replace: bool) -> Result<()> {
        let client = self.client()?;
        let help = Self::program(&self.client_tool, CLIENT_TOOLS)?
            .arg("--help")
            .output()
            .await?;
        if !help.contains("--sandbox") {
            return Err(AdapterError::InvalidConfig(format!(
                "{} has no --sandbox option, so a dump could run commands on this host; \
                 use MariaDB's client 10.5.25, 10.6.18, 10.11.8, 11.0.6 or newer",
                client.name()
            )));
        }
        let create = format!(
            "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET utf8mb4",
            ident(database)
        );
        self.query(&create).await?;
        client
            .args([
                "--sandbox".to_string(),
                "--local-infile=0".to_string(),
                "--binary-mode".to_string(),
                format!("--database={database}"),
            ])
            .feed(data)
            .await
    }
}

/// `mariadb-dump: Got error: …`, `ERROR 1064 …`, `mysqldump: Error: …`; not warnings.
fn mysql_error(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains("error") && !lower.contains("warning")
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::source("mysql", "MySQL / MariaDB", MysqlSource::schema, |c| {
    Ok(Arc::new(MysqlSource::from_config(c)?))
})
.with_source_urls(&URLS);

static URLS: SourceUrls = SourceUrls {
    schemes: &["mysql", "mariadb"],
    example: "mysql://",
    source: |raw| {
        let (s, dbs) = MysqlSource::from_url(&raw.replacen("mariadb://", "mysql://", 1))?;
        Ok((Arc::new(s), dbs))
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn config_and_url() {
        let (s, dbs) = MysqlSource::from_url("mysql://root:p%40ss@127.0.0.1:3307/app").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.password.as_deref()),
            ("127.0.0.1", 3307, Some("p@ss"))
        );
        assert_eq!(dbs, vec!["app"]);
        let s = MysqlSource::from_config(&json!({"host": "db", "username": "u", "port": ""})).unwrap();
        assert_eq!((s.port, s.password), (3306, None));
    }

    #[test]
    fn error_lines_and_quoting() {
        assert!(mysql_error(
            "mariadb-dump: Got error: 1049: \"Unknown database 'x'\""
        ));
        assert!(mysql_error(
            "mysqldump: Error: 'Lost connection to server during query'"
        ));
        assert!(!mysql_error(
            "mysqldump: [Warning] Using a password on the command line can be insecure."
        ));
        assert_eq!(ident("a`b"), "`a``b`");
    }
}
