//! Writes one local object: a temporary file beside the final name, renamed on commit.

use crate::error::{AdapterError, Result};
use crate::traits::{DestinationWriter, ObjectInfo};
use async_trait::async_trait;
use bytes::Bytes;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncWriteExt, BufWriter};

const TEMP_MARKER: &str = ".partial-";

/// `.<name>.partial-<uuid>`: hidden, and obviously unfinished if a killed process left it.
fn temp_name(name: &str) -> String {
    format!(".{name}{TEMP_MARKER}{}", uuid::Uuid::new_v4().simple())
}

/// Whether a file name is one of our temporary files (never listed, never a valid key).
pub(super) fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(TEMP_MARKER)
}

pub(super) fn modified_unix(meta: &std::fs::Metadata) -> Option<i64> {
    let since_epoch = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_secs()).ok()
}

pub(super) struct LocalWriter {
    key: String,
    final_path: PathBuf,
    temp_path: PathBuf,
    /// `None` once committed or aborted; `Drop` removes the temporary file otherwise.
    file: Option<BufWriter<File>>,
    size: u64,
}

impl LocalWriter {
    /// Creates the parent directories and the temporary file. The caller has checked that
    /// the destination root exists, so an unmounted disk is not silently recreated.
    pub(super) async fn create(key: &str, final_path: PathBuf) -> Result<Self> {
        let dir = final_path
            .parent()
            .expect("an object path has a parent")
            .to_path_buf();
        let name = final_path
            .file_name()
            .expect("an object path has a name")
            .to_string_lossy();
        // Backups hold whole databases: folders made here are the owner's only (0700),
        // files 0600, whatever the umask allows others.
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .await
            .map_err(|e| AdapterError::io(dir.display(), e))?;
        let temp_path = dir.join(temp_name(&name));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp_path)
            .await
            .map_err(|e| AdapterError::io(temp_path.display(), e))?;
        Ok(LocalWriter {
            key: key.to_string(),
            final_path,
            temp_path,
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
            size: 0,
        })
    }

    fn io_error(&self, err: std::io::Error) -> AdapterError {
        AdapterError::io(self.final_path.display(), err)
    }

    async fn finish(&mut self) -> Result<std::fs::Metadata> {
        let mut file = self.file.take().expect("writer already finished");
        let result = async {
            file.flush().await?;
            let file = file.into_inner();
            file.sync_all().await?;
            drop(file);
            fs::rename(&self.temp_path, &self.final_path).await
        }
        .await;
        if let Err(e) = result {
            remove_quietly(&self.temp_path);
            return Err(self.io_error(e));
        }
        sync_dir(self.final_path.parent().expect("an object path has a parent"))
            .await
            .map_err(|e| self.io_error(e))?;
        fs::metadata(&self.final_path).await.map_err(|e| self.io_error(e))
    }
}

async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).await?.sync_all().await
}

fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "could not remove temporary file");
    }
}

#[async_trait]
impl DestinationWriter for LocalWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let file = self.file.as_mut().expect("writer already finished");
        if let Err(e) = file.write_all(&chunk).await {
            return Err(self.io_error(e));
        }
        self.size += chunk.len() as u64;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<ObjectInfo> {
        let meta = self.finish().await?;
        if meta.len() != self.size {
            return Err(AdapterError::Corrupt(format!(
                "{} is {} bytes after writing {} bytes",
                self.final_path.display(),
                meta.len(),
                self.size
            )));
        }
        Ok(ObjectInfo {
            path: self.key.clone(),
            size: meta.len(),
            modified_unix: modified_unix(&meta),
        })
    }

    async fn abort(mut self: Box<Self>) -> Result<()> {
        drop(self.file.take());
        match fs::remove_file(&self.temp_path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(AdapterError::io(self.temp_path.display(), e))
            }
            _ => Ok(()),
        }
    }
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            remove_quietly(&self.temp_path);
        }
    }
}
