//! The contracts every adapter implements.

use crate::error::Result;
use crate::schema::ConfigField;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};

/// A byte stream produced or consumed by an adapter.
pub type ByteReader = Box<dyn AsyncRead + Send + Unpin>;

/// A database or directory that can be dumped and restored.
#[async_trait]
pub trait Source: Send + Sync {
    fn schema() -> Vec<ConfigField>
    where
        Self: Sized;
    async fn test_connection(&self) -> Result<()>;
    async fn server_version(&self) -> Result<String>;
    async fn list_databases(&self) -> Result<Vec<String>>;
    /// Starts a dump; the stream ends when the dump tool has exited successfully.
    async fn dump(&self, databases: &[String]) -> Result<ByteReader>;
    async fn restore(&self, database: &str, data: ByteReader) -> Result<()>;
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub read: bool,
    pub write: bool,
    pub list: bool,
    pub stat: bool,
    pub delete: bool,
    pub multipart: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    pub path: String,
    pub size: u64,
    pub modified_unix: Option<i64>,
}

/// A streaming write that becomes visible only on `commit`.
#[async_trait]
pub trait DestinationWriter: AsyncWrite + Send + Unpin {
    async fn commit(self: Box<Self>) -> Result<ObjectInfo>;
    /// Removes every trace of the partial object.
    async fn abort(self: Box<Self>) -> Result<()>;
}

/// A place backups are stored.
#[async_trait]
pub trait Destination: Send + Sync {
    fn schema() -> Vec<ConfigField>
    where
        Self: Sized;
    fn capabilities(&self) -> Capabilities;
    async fn test_connection(&self) -> Result<()>;
    async fn write(&self, path: &str) -> Result<Box<dyn DestinationWriter>>;
    async fn read(&self, path: &str) -> Result<ByteReader>;
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>>;
    async fn stat(&self, path: &str) -> Result<ObjectInfo>;
    async fn delete(&self, path: &str) -> Result<()>;
}

/// A channel that delivers messages about backups and the system.
#[async_trait]
pub trait Notifier: Send + Sync {
    fn schema() -> Vec<ConfigField>
    where
        Self: Sized;
    async fn send(&self, title: &str, body: &str) -> Result<()>;
}
