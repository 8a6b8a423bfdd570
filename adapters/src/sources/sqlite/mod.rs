//! SQLite: a consistent online copy with `VACUUM INTO`, never a byte copy of a live file.

mod files;

use super::url::percent_decode;
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::registry::{AdapterInfo, SourceUrls};
use crate::schema::{ConfigField, FieldType};
use crate::traits::{ByteStream, Source, TargetState};
use async_trait::async_trait;
use files::{PendingFile, TempDir, TempFileStream, check_header, side_files};
use serde_json::{Value, json};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct SqliteSource {
    path: PathBuf,
    temp_dir: Option<PathBuf>,
}

impl SqliteSource {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("path", "Database file", FieldType::Path)
                .host_path()
                .required()
                .help("Absolute path of the SQLite database file"),
            ConfigField::new("temp_dir", "Temporary directory", FieldType::Path)
                .host_path()
                .help("Where the consistent copy is made before upload; empty = the system's"),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let c = Config::parse(&Self::schema(), config)?;
        let path = PathBuf::from(c.required("path")?);
        if !path.is_absolute() || path.file_name().is_none() {
            return Err(AdapterError::InvalidConfig(format!(
                "the database path must be an absolute file path, not {}",
                path.display()
            )));
        }
        Ok(SqliteSource {
            path,
            temp_dir: c.string("temp_dir").map(PathBuf::from),
        })
    }

    /// `sqlite:///abs/path.db[?temp_dir=/x]`. The selection is always empty: a file is
    /// one database.
    pub fn from_url(text: &str) -> Result<(Self, Vec<String>)> {
        let invalid = |why: &str| AdapterError::InvalidConfig(format!("{why}: {text}"));
        let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "sqlite" || url.host_str().is_some_and(|h| !h.is_empty()) {
            return Err(invalid("expected sqlite:///absolute/path"));
        }
        let mut config = json!({ "path": percent_decode(url.path())? });
        for (key, value) in url.query_pairs() {
            config[key.as_ref()] = value.into_owned().into();
        }
        Ok((Self::from_config(&config)?, Vec::new()))
    }

    fn name(&self) -> String {
        let stem = self.path.file_stem().unwrap_or(self.path.as_os_str());
        stem.to_string_lossy().into_owned()
    }

    /// Where `restore(database)` writes: an absolute path as given; a bare name next to
    /// the configured file, with its extension if the name has none.
    fn restore_target(&self, database: &str) -> Result<PathBuf> {
        let path = Path::new(database);
        if path.is_absolute() {
            return Ok(path.to_path_buf());
        }
        if database.is_empty() || database.contains('/') || database == "." || database == ".." {
            return Err(AdapterError::InvalidConfig(format!(
                "restore target `{database}` must be an absolute path or a plain file name"
            )));
        }
        let mut name = PathBuf::from(database);
        if let (None, Some(ext)) = (name.extension(), self.path.extension()) {
            name.set_extension(ext);
        }
        Ok(self.path.with_file_name(name))
    }

    async fn temp_dir(&self) -> Result<TempDir> {
        TempDir::create(&self.temp_dir.clone().unwrap_or_else(std::env::temp_dir)).await
    }
}

#[async_trait]
impl Source for SqliteSource {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn extension(&self) -> &'static str {
        "sqlite"
    }

    async fn test_connection(&self) -> Result<()> {
        let mut conn = open_read_only(&self.path).await?;
        let result = sqlx::query("select count(*) from sqlite_master")
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        result.map(drop).map_err(|e| sqlite_error(&self.path, e))
    }

    async fn server_version(&self) -> Result<String> {
        sqlite_version().await
    }

    async fn list_databases(&self) -> Result<Vec<String>> {
        Ok(vec![self.name()])
    }

    async fn tool_versions(&self) -> Result<Vec<String>> {
        Ok(vec![format!("sqlite {} (bundled)", sqlite_version().await?)])
    }

    async fn dump(&self, database: &str) -> Result<ByteStream> {
        let file_name = self.path.file_name().map(|n| n.to_string_lossy());
        if database != self.name()
            && Some(database) != file_name.as_deref()
            && Path::new(database) != self.path
        {
            return Err(AdapterError::NotFound(format!(
                "database `{database}`: this source holds only `{}` ({})",
                self.name(),
                self.path.display()
            )));
        }
        let dir = self.temp_dir().await?;
        let copy = dir.path().join("dump.sqlite");
        let copy_text = copy.to_str().ok_or_else(|| {
            AdapterError::InvalidConfig(format!("temporary path {} is not UTF-8", copy.display()))
        })?;
        let mut conn = open_read_only(&self.path).await?;
        let vacuum = sqlx::query("VACUUM INTO ?")
            .bind(copy_text)
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        vacuum.map_err(|e| sqlite_error(&self.path, e))?;
        Ok(Box::pin(TempFileStream::open(dir, &copy).await?))
    }

    async fn target_state(&self, database: &str) -> Result<TargetState> {
        file_state(&self.restore_target(database)?).await
    }

    /// Writes the copy next to the target, checks it, then moves it into place, so the
    /// target is either untouched or whole. Without `replace` the move refuses a target
    /// that appeared, with data, since the caller checked.
    async fn restore(&self, database: &str, mut data: ByteStream, replace: bool) -> Result<()> {
        let target = self.restore_target(database)?;
        let target_name = target.file_name().unwrap_or_default().to_string_lossy();
        let pending = target.with_file_name(format!(
            ".{target_name}.bulwark-{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let io_err = |path: &Path| {
            let shown = path.display().to_string();
            move |e| AdapterError::io(shown, e)
        };
        let guard = PendingFile::new(pending.clone());
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&pending)
            .await
            .map_err(io_err(&pending))?;
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = data
                .read(&mut buf)
                .await
                .map_err(|e| AdapterError::io("reading the dump", e))?;
            if n == 0 {
                break;
            }
            file.write_all(&buf[..n]).await.map_err(io_err(&pending))?;
        }
        file.sync_all().await.map_err(io_err(&pending))?;
        drop(file);

        check_header(&pending).await?;
        integrity_check(&pending).await?;
        if let Ok(meta) = tokio::fs::metadata(&target).await {
            let _ = tokio::fs::set_permissions(&pending, meta.permissions()).await;
        }
        if !replace && linked_without_replacing(&pending, &target).await? {
            // The target is now the new file; the pending name goes (the guard removes it).
            drop(guard);
        } else {
            tokio::fs::rename(&pending, &target)
                .await
                .map_err(io_err(&target))?;
            guard.keep();
        }
        // Side files of the replaced database would be replayed into the new one.
        for side in side_files(&target) {
            let _ = tokio::fs::remove_file(side).await;
        }
        if let Some(dir) = target.parent()
            && let Ok(dir) = tokio::fs::File::open(dir).await
        {
            let _ = dir.sync_all().await;
        }
        Ok(())
    }
}

async fn file_state(path: &Path) -> Result<TargetState> {
    match tokio::fs::metadata(path).await {
        Ok(meta) if meta.len() == 0 => Ok(TargetState::Empty),
        Ok(meta) => Ok(TargetState::NotEmpty(format!(
            "a database file of {} bytes",
            meta.len()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TargetState::Missing),
        Err(e) => Err(AdapterError::io(path.display(), e)),
    }
}

/// Claims `target` for `pending` with a hard link, which fails if the target exists, so
/// a file written there since the caller's check is never replaced. False: not linked,
/// and the target is missing or empty, for a rename to replace.
async fn linked_without_replacing(pending: &Path, target: &Path) -> Result<bool> {
    match tokio::fs::hard_link(pending, target).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match file_state(target).await? {
            TargetState::NotEmpty(what) => Err(AdapterError::TargetNotEmpty(format!(
                "{} appeared during the restore and holds {what}; nothing was replaced",
                target.display()
            ))),
            _ => Ok(false),
        },
        // A filesystem without hard links: the caller's check stands.
        Err(_) => Ok(false),
    }
}

async fn open_read_only(path: &Path) -> Result<SqliteConnection> {
    tokio::fs::metadata(path)
        .await
        .map_err(|e| AdapterError::io(path.display(), e))?;
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30))
        .disable_statement_logging()
        .connect()
        .await
        .map_err(|e| sqlite_error(path, e))
}

async fn integrity_check(path: &Path) -> Result<()> {
    let mut conn = open_read_only(path).await?;
    let rows: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await;
    let _ = conn.close().await;
    let rows = rows.map_err(|e| sqlite_error(path, e))?;
    if rows != ["ok"] {
        let first: Vec<_> = rows.into_iter().take(5).collect();
        return Err(AdapterError::Corrupt(format!(
            "{} fails the integrity check: {}",
            path.display(),
            first.join("; ")
        )));
    }
    Ok(())
}

async fn sqlite_version() -> Result<String> {
    let mut conn = SqliteConnectOptions::new()
        .in_memory(true)
        .disable_statement_logging()
        .connect()
        .await
        .map_err(|e| sqlite_error(Path::new(":memory:"), e))?;
    let version: Result<String, _> = sqlx::query_scalar("select sqlite_version()")
        .fetch_one(&mut conn)
        .await;
    let _ = conn.close().await;
    version.map_err(|e| sqlite_error(Path::new(":memory:"), e))
}

fn sqlite_error(path: &Path, error: sqlx::Error) -> AdapterError {
    let what = path.display();
    let code = match &error {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff),
        _ => None,
    };
    match (code, error) {
        // SQLITE_CORRUPT, SQLITE_NOTADB
        (Some(11 | 26), e) => AdapterError::Corrupt(format!("{what}: {e}")),
        // SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH
        (Some(3 | 8 | 23), e) => AdapterError::PermissionDenied(format!("{what}: {e}")),
        (Some(13), _) => AdapterError::DiskFull(format!("no space left writing {what}")),
        (Some(14), e) => AdapterError::NotFound(format!("{what}: {e}")),
        (_, sqlx::Error::Io(e)) => AdapterError::io(what, e),
        (_, e) => AdapterError::Other(format!("{what}: {e}")),
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::source("sqlite", "SQLite", SqliteSource::schema, |c| {
    Ok(Arc::new(SqliteSource::from_config(c)?))
})
.with_source_urls(&URLS);

static URLS: SourceUrls = SourceUrls {
    schemes: &["sqlite"],
    example: "sqlite:///",
    source: |raw| {
        let (s, dbs) = SqliteSource::from_url(raw)?;
        Ok((Arc::new(s), dbs))
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_url_and_restore_targets() {
        let (s, dbs) = SqliteSource::from_url("sqlite:///srv/app%20data/app.db?temp_dir=/var/tmp").unwrap();
        assert_eq!(s.path, Path::new("/srv/app data/app.db"));
        assert_eq!(s.temp_dir.as_deref(), Some(Path::new("/var/tmp")));
        assert!(dbs.is_empty());
        assert_eq!(s.name(), "app");
        assert_eq!(
            s.restore_target("app").unwrap(),
            Path::new("/srv/app data/app.db")
        );
        assert_eq!(
            s.restore_target("copy").unwrap(),
            Path::new("/srv/app data/copy.db")
        );
        assert_eq!(
            s.restore_target("copy.sqlite3").unwrap(),
            Path::new("/srv/app data/copy.sqlite3")
        );
        assert_eq!(s.restore_target("/tmp/x.db").unwrap(), Path::new("/tmp/x.db"));
        assert!(s.restore_target("../x").is_err());
        assert!(SqliteSource::from_url("sqlite://relative.db").is_err());
        assert!(SqliteSource::from_config(&json!({"path": "rel.db"})).is_err());
    }
}
