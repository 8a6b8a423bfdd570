//! The contracts every adapter implements.

use crate::error::Result;
use async_trait::async_trait;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::pin::Pin;
use tokio::io::AsyncRead;

/// A byte stream produced or consumed by an adapter. A failure that is only known at
/// the end (a dump tool's exit status) arrives as the stream's last read error, carrying
/// an `AdapterError` (see `AdapterError::into_io`).
pub type ByteStream = Pin<Box<dyn AsyncRead + Send>>;

/// A database server (or file) that can be dumped and restored with its own tools.
#[async_trait]
pub trait Source: Send + Sync {
    /// The registry id, e.g. `postgres`.
    fn kind(&self) -> &'static str;
    /// File extension of one database's dump, without dot: `dump`, `sql`, `sqlite`.
    fn extension(&self) -> &'static str;
    /// Connects and authenticates; reads nothing else.
    async fn test_connection(&self) -> Result<()>;
    async fn server_version(&self) -> Result<String>;
    /// The databases a "dump everything" selection means.
    async fn list_databases(&self) -> Result<Vec<String>>;
    /// Versions of the dump tools used, e.g. `pg_dump (PostgreSQL) 15.18`.
    async fn tool_versions(&self) -> Result<Vec<String>>;
    /// Streams a dump of one database. The stream fails (at its end, if need be) when
    /// the tool exits non-zero or reports an error, even after producing bytes.
    async fn dump(&self, database: &str) -> Result<ByteStream>;
    /// Whether `database` exists and holds anything a restore would replace.
    async fn target_state(&self, database: &str) -> Result<TargetState>;
    /// Restores one database's dump into `database`, creating it if missing. With
    /// `replace`, what the dump holds replaces what is there (callers check
    /// `target_state` first and only pass `replace` when the user confirmed it).
    async fn restore(&self, database: &str, data: ByteStream, replace: bool) -> Result<()>;
    /// Server-wide objects outside any database (PostgreSQL roles and tablespaces),
    /// when the source is configured to include them.
    async fn dump_globals(&self) -> Result<Option<ByteStream>> {
        Ok(None)
    }
}

/// What a restore would land on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "holds")]
pub enum TargetState {
    Missing,
    Empty,
    /// Holds data; the text says what (`3 tables`, `a 4.0 MiB file`).
    NotEmpty(String),
}

/// How a write becomes visible. Either way an interrupted write leaves nothing that
/// looks like a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commit {
    /// Written under a hidden temporary name, renamed into place on commit.
    Rename,
    /// Uploaded in parts that become one object only when the upload is completed
    /// (S3 multipart); an aborted upload's parts are removed.
    Staged,
}

/// What a destination can do beyond writing, reading and stat-ing objects, declared once
/// in its registry entry. Retention reads `list` and `delete`; the console shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Lists the objects under a prefix (retention and the storage explorer need it).
    pub list: bool,
    /// Deletes objects (retention needs it).
    pub delete: bool,
    pub commit: Commit,
}

impl Capabilities {
    /// For people: one phrase per capability.
    pub fn describe(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        out.push(if self.list {
            "lists its backups"
        } else {
            "cannot list its backups"
        });
        out.push(if self.delete {
            "deletes old backups (retention)"
        } else {
            "cannot delete, so retention is not applied"
        });
        out.push(match self.commit {
            Commit::Rename => "writes under a temporary name, renamed when complete",
            Commit::Staged => "uploads in parts, assembled only when complete",
        });
        out
    }

    /// Why retention cannot run here, if it cannot.
    pub fn retention_blocker(&self) -> Option<&'static str> {
        match (self.list, self.delete) {
            (true, true) => None,
            (false, _) => Some("this destination cannot list its backups"),
            (true, false) => Some("this destination cannot delete backups"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    /// The key relative to the destination's root or prefix.
    pub path: String,
    pub size: u64,
    pub modified_unix: Option<i64>,
}

/// A streaming write that becomes visible only on `commit`.
#[async_trait]
pub trait DestinationWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> Result<()>;
    /// Makes the object visible under its final name, durably.
    async fn commit(self: Box<Self>) -> Result<ObjectInfo>;
    /// Removes every trace of the partial object (temporary file, multipart upload).
    async fn abort(self: Box<Self>) -> Result<()>;
}

/// A place backups are stored. Paths are `/`-separated keys relative to the
/// destination's configured root or prefix.
#[async_trait]
pub trait Destination: Send + Sync {
    /// The registry id, e.g. `local`, `s3`.
    fn kind(&self) -> &'static str;
    /// Its registry entry's capabilities.
    fn capabilities(&self) -> Capabilities;
    /// A short description for logs: a directory or `s3://bucket/prefix`. No secrets.
    fn describe(&self) -> String;
    /// Connects and checks the root/bucket is reachable; reads only (writes nothing).
    async fn test_connection(&self) -> Result<()>;
    async fn writer(&self, path: &str) -> Result<Box<dyn DestinationWriter>>;
    async fn read(&self, path: &str) -> Result<ByteStream>;
    /// Objects whose key starts with `prefix` (recursively), sorted by key.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>>;
    async fn stat(&self, path: &str) -> Result<ObjectInfo>;
    async fn delete(&self, path: &str) -> Result<()>;

    /// Writes a small object (a manifest) in one go.
    async fn put(&self, path: &str, data: Bytes) -> Result<ObjectInfo> {
        let mut w = self.writer(path).await?;
        if let Err(e) = w.write(data).await {
            let _ = w.abort().await;
            return Err(e);
        }
        w.commit().await
    }

    /// Reads a small object (a manifest) whole, refusing anything over `limit` bytes.
    async fn get(&self, path: &str, limit: usize) -> Result<Vec<u8>> {
        use tokio::io::AsyncReadExt;
        let stream = self.read(path).await?;
        let mut out = Vec::new();
        stream
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .await
            .map_err(|e| crate::AdapterError::io(path, e))?;
        if out.len() > limit {
            return Err(crate::AdapterError::Corrupt(format!(
                "{path} is larger than {limit} bytes"
            )));
        }
        Ok(out)
    }
}

/// A channel that delivers messages about backups and the system.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// The registry id, e.g. `slack`.
    fn kind(&self) -> &'static str;
    /// Renders `message` exactly as it will be sent; no IO, so the notification log can
    /// keep the payload even when sending fails.
    fn render(&self, message: &crate::notify::Message) -> Result<crate::notify::Rendered>;
    /// One attempt to send; the error says what the receiver answered (status and the
    /// start of its body) and never holds the channel's secrets.
    /// Only addresses `targets` allows are connected to.
    async fn send(&self, rendered: &crate::notify::Rendered, targets: crate::notify::Targets) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_needs_listing_and_deleting() {
        let caps = |list, delete| Capabilities {
            list,
            delete,
            commit: Commit::Rename,
        };
        let table = [
            (caps(true, true), None),
            (
                caps(false, true),
                Some("this destination cannot list its backups"),
            ),
            (caps(true, false), Some("this destination cannot delete backups")),
            (
                caps(false, false),
                Some("this destination cannot list its backups"),
            ),
        ];
        for (c, want) in table {
            assert_eq!(c.retention_blocker(), want, "{c:?}");
        }
        assert!(
            caps(true, false)
                .describe()
                .contains(&"cannot delete, so retention is not applied")
        );
    }
}
