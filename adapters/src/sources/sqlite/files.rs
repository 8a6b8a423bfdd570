//! Files SQLite backups pass through: a private temp dir for dumps, a pending file for
//! restores, and the header check that spots a truncated database file.

use crate::error::{AdapterError, Result};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// A directory only this process can read, removed with everything in it on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub async fn create(base: &Path) -> Result<Self> {
        let path = base.join(format!("bulwark-sqlite-{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .await
            .map_err(|e| AdapterError::io(path.display(), e))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A file read as a stream; its temp dir goes when the stream is dropped.
pub(crate) struct TempFileStream {
    // Declared first, so it closes before the directory is removed.
    file: tokio::fs::File,
    _dir: TempDir,
}

impl TempFileStream {
    pub async fn open(dir: TempDir, path: &Path) -> Result<Self> {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| AdapterError::io(path.display(), e))?;
        Ok(TempFileStream { file, _dir: dir })
    }
}

impl AsyncRead for TempFileStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().file).poll_read(cx, buf)
    }
}

/// A file being written that is removed on drop unless `keep` was called.
pub(crate) struct PendingFile(Option<PathBuf>);

impl PendingFile {
    pub fn new(path: PathBuf) -> Self {
        PendingFile(Some(path))
    }

    pub fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Checks the header of a would-be database file: the magic string, and that the file
/// holds every page the header counts (SQLite itself may not notice missing pages).
pub(crate) async fn check_header(path: &Path) -> Result<()> {
    use tokio::io::AsyncReadExt;
    let corrupt = |why: &str| AdapterError::Corrupt(format!("{}: {why}", path.display()));
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| AdapterError::io(path.display(), e))?;
    let len = file
        .metadata()
        .await
        .map_err(|e| AdapterError::io(path.display(), e))?
        .len();
    let mut header = [0u8; 100];
    if len < header.len() as u64 {
        return Err(corrupt("too short to be a SQLite database"));
    }
    file.read_exact(&mut header)
        .await
        .map_err(|e| AdapterError::io(path.display(), e))?;
    if &header[..16] != b"SQLite format 3\0" {
        return Err(corrupt("not a SQLite database"));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    if len < page_size * pages {
        return Err(corrupt(&format!(
            "truncated: {len} bytes, the header counts {pages} pages of {page_size}"
        )));
    }
    Ok(())
}

/// SQLite's side files, which must not outlive the database they belong to.
pub(crate) fn side_files(database: &Path) -> [PathBuf; 3] {
    ["-wal", "-shm", "-journal"].map(|suffix| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}
