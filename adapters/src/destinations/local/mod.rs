//! A directory on a local or mounted filesystem.

mod access;
mod config;
mod url_form;
mod writer;

pub use config::LocalConfig;

use super::keys::{validate_key, validate_prefix};
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::traits::{ByteStream, Capabilities, Commit, Destination, DestinationWriter, ObjectInfo};
use access::may_create_in;
use async_trait::async_trait;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::fs;
use writer::{LocalWriter, is_temp_name, modified_unix};

#[derive(Debug, Clone)]
pub struct LocalDestination {
    root: PathBuf,
}

impl LocalDestination {
    pub fn new(root: PathBuf) -> Self {
        LocalDestination { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> Result<PathBuf> {
        validate_key(key)?;
        if key.rsplit('/').next().is_some_and(is_temp_name) {
            return Err(AdapterError::InvalidConfig(format!(
                "invalid object key {key:?}: names like `.x.partial-…` are reserved for unfinished writes"
            )));
        }
        Ok(self.root.join(key))
    }

    /// The root must already exist: creating it could fill the disk under an unmounted
    /// mount point.
    async fn root_metadata(&self) -> Result<std::fs::Metadata> {
        let meta = fs::metadata(&self.root).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AdapterError::NotFound(format!(
                "backup directory {} does not exist (create it, or mount the disk)",
                self.root.display()
            )),
            _ => AdapterError::io(self.root.display(), e),
        })?;
        if !meta.is_dir() {
            return Err(AdapterError::InvalidConfig(format!(
                "{} is not a directory",
                self.root.display()
            )));
        }
        Ok(meta)
    }

    async fn object_metadata(&self, key: &str) -> Result<(PathBuf, std::fs::Metadata)> {
        let path = self.path_of(key)?;
        let meta = fs::metadata(&path)
            .await
            .map_err(|e| AdapterError::io(path.display(), e))?;
        if !meta.is_file() {
            return Err(AdapterError::NotFound(format!(
                "{} is not a file",
                path.display()
            )));
        }
        Ok((path, meta))
    }

    /// Every object under `dir` (recursively), as keys relative to the root.
    async fn walk(&self, dir: PathBuf, out: &mut Vec<ObjectInfo>) -> Result<()> {
        let mut pending = vec![dir];
        while let Some(dir) = pending.pop() {
            let mut entries = match fs::read_dir(&dir).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(AdapterError::io(dir.display(), e)),
            };
            while let Some(entry) = entries
                .next_entry()
                .await
                .map_err(|e| AdapterError::io(dir.display(), e))?
            {
                let path = entry.path();
                let file_type = entry
                    .file_type()
                    .await
                    .map_err(|e| AdapterError::io(path.display(), e))?;
                if file_type.is_dir() {
                    pending.push(path);
                    continue;
                }
                if is_temp_name(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                // Follows a symlink to a file; symlinked directories are not descended into.
                let meta = match fs::metadata(&path).await {
                    Ok(meta) if meta.is_file() => meta,
                    _ => continue,
                };
                let Some(key) = self.key_of(&path) else {
                    tracing::warn!(path = %path.display(), "skipping a file whose name is not UTF-8");
                    continue;
                };
                out.push(ObjectInfo {
                    path: key,
                    size: meta.len(),
                    modified_unix: modified_unix(&meta),
                });
            }
        }
        Ok(())
    }

    fn key_of(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let segments: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
        Some(segments?.join("/"))
    }
}

#[async_trait]
impl Destination for LocalDestination {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    async fn test_connection(&self) -> Result<()> {
        let meta = self.root_metadata().await?;
        if !may_create_in(&meta) {
            return Err(AdapterError::PermissionDenied(format!(
                "{} is not writable by this process",
                self.root.display()
            )));
        }
        Ok(())
    }

    async fn writer(&self, path: &str) -> Result<Box<dyn DestinationWriter>> {
        let final_path = self.path_of(path)?;
        self.root_metadata().await?;
        Ok(Box::new(LocalWriter::create(path, final_path).await?))
    }

    async fn read(&self, path: &str) -> Result<ByteStream> {
        let (path, _) = self.object_metadata(path).await?;
        let file = fs::File::open(&path)
            .await
            .map_err(|e| AdapterError::io(path.display(), e))?;
        Ok(Box::pin(file))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        validate_prefix(prefix)?;
        self.root_metadata().await?;
        // Only the directory named by the prefix's complete segments can hold matches.
        let dir = match prefix.rfind('/') {
            Some(end) => self.root.join(&prefix[..end]),
            None => self.root.clone(),
        };
        let mut objects = Vec::new();
        self.walk(dir, &mut objects).await?;
        objects.retain(|o| o.path.starts_with(prefix));
        objects.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(objects)
    }

    async fn stat(&self, path: &str) -> Result<ObjectInfo> {
        let (_, meta) = self.object_metadata(path).await?;
        Ok(ObjectInfo {
            path: path.to_string(),
            size: meta.len(),
            modified_unix: modified_unix(&meta),
        })
    }

    async fn delete(&self, path: &str) -> Result<()> {
        let (full, _) = self.object_metadata(path).await?;
        fs::remove_file(&full)
            .await
            .map_err(|e| AdapterError::io(full.display(), e))
    }
}

const CAPABILITIES: Capabilities = Capabilities {
    list: true,
    delete: true,
    commit: Commit::Rename,
};

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::destination(
    "local",
    "Local directory",
    LocalDestination::schema,
    CAPABILITIES,
    &url_form::URLS,
    |c| Ok(Arc::new(LocalDestination::from_config(c)?)),
);
