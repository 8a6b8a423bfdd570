//! One multipart part while it fills: in memory up to a limit, in a temporary file above
//! it. Late parts of a huge object reach gigabytes, and memory must not grow with the
//! size of a backup.

use crate::error::{AdapterError, Result};
use aws_sdk_s3::primitives::{ByteStream as Body, Length};
use bytes::Bytes;
use std::path::{Path, PathBuf};
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncWriteExt, BufWriter};

/// Parts up to this size stay in memory (with two parts held at once, 32 MiB per writer).
pub const DEFAULT_MEMORY_PART_LIMIT: usize = 16 * 1024 * 1024;
/// Hidden, and recognisable if a killed process leaves one behind.
pub(super) const TEMP_FILE_PREFIX: &str = ".bulwark-s3-part-";
const FILE_WRITE_BUFFER: usize = 256 * 1024;

/// Where parts larger than `memory_limit` bytes are buffered.
#[derive(Clone, Debug)]
pub(super) struct SpillPolicy {
    pub memory_limit: usize,
    pub dir: PathBuf,
}

pub(super) struct PartBuffer {
    /// The part's size once full.
    target: usize,
    len: usize,
    store: Store,
}

enum Store {
    Memory(Vec<u8>),
    /// The file is created at the first write, so an empty part leaves none.
    File {
        dir: PathBuf,
        open: Option<OpenFile>,
    },
}

struct OpenFile {
    writer: BufWriter<File>,
    path: TempFile,
}

/// A filled part, ready to upload.
pub(super) struct Part {
    pub body: Body,
    pub len: u64,
    /// Keep this until the upload ends: dropping it deletes the file the body reads.
    pub file: Option<TempFile>,
}

impl PartBuffer {
    pub fn new(target: usize, policy: &SpillPolicy) -> Self {
        let store = if target > policy.memory_limit {
            Store::File {
                dir: policy.dir.clone(),
                open: None,
            }
        } else {
            Store::Memory(Vec::new())
        };
        PartBuffer {
            target,
            len: 0,
            store,
        }
    }

    /// The bytes still accepted before the part is full.
    pub fn room(&self) -> usize {
        self.target - self.len
    }

    pub async fn append(&mut self, data: &[u8]) -> Result<()> {
        debug_assert!(data.len() <= self.room(), "a part never exceeds its size");
        match &mut self.store {
            Store::Memory(buffer) => {
                let needed = buffer.len() + data.len();
                if needed > buffer.capacity() {
                    // Grow by doubling, but never past the part size.
                    let target = needed.max(buffer.capacity() * 2).min(self.target);
                    buffer.reserve_exact(target - buffer.len());
                }
                buffer.extend_from_slice(data);
            }
            Store::File { dir, open } => {
                let file = match open {
                    Some(file) => file,
                    None => open.insert(OpenFile::create(dir).await?),
                };
                if let Err(e) = file.writer.write_all(data).await {
                    return Err(file.path.error(e));
                }
            }
        }
        self.len += data.len();
        Ok(())
    }

    pub async fn finish(self) -> Result<Part> {
        let len = self.len as u64;
        match self.store {
            Store::Memory(buffer) => Ok(Part {
                body: Body::from(Bytes::from(buffer)),
                len,
                file: None,
            }),
            Store::File { open: None, .. } => Ok(Part {
                body: Body::from(Bytes::new()),
                len,
                file: None,
            }),
            Store::File { open: Some(file), .. } => {
                let OpenFile { mut writer, path } = file;
                if let Err(e) = writer.flush().await {
                    return Err(path.error(e));
                }
                drop(writer);
                // A path body reopens the file when the SDK retries a request.
                let body = Body::read_from()
                    .path(&path.0)
                    .length(Length::Exact(len))
                    .build()
                    .await
                    .map_err(|e| path.error(e.into()))?;
                Ok(Part {
                    body,
                    len,
                    file: Some(path),
                })
            }
        }
    }
}

impl OpenFile {
    async fn create(dir: &Path) -> Result<Self> {
        let path = dir.join(format!("{TEMP_FILE_PREFIX}{}", uuid::Uuid::new_v4().simple()));
        let mut options = OpenOptions::new();
        // create_new refuses an existing file or symlink, which matters in a shared /tmp.
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        match options.open(&path).await {
            Ok(file) => Ok(OpenFile {
                writer: BufWriter::with_capacity(FILE_WRITE_BUFFER, file),
                path: TempFile(path),
            }),
            Err(e) => Err(AdapterError::io(describe(&path), e)),
        }
    }
}

/// A temporary part file, deleted when dropped.
pub(super) struct TempFile(PathBuf);

impl TempFile {
    fn error(&self, err: std::io::Error) -> AdapterError {
        AdapterError::io(describe(&self.0), err)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %self.0.display(), error = %e, "could not remove a temporary part file");
        }
    }
}

fn describe(path: &Path) -> String {
    format!("the temporary part file {}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A private directory for one test, removed afterwards.
    struct Dir(PathBuf);

    impl Dir {
        fn new() -> Self {
            let path = std::env::temp_dir().join(format!("bulwark-part-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir(&path).unwrap();
            Dir(path)
        }

        fn policy(&self, memory_limit: usize) -> SpillPolicy {
            SpillPolicy {
                memory_limit,
                dir: self.0.clone(),
            }
        }

        fn files(&self) -> Vec<PathBuf> {
            std::fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    async fn fill(buffer: &mut PartBuffer, data: &[u8]) {
        for chunk in data.chunks(4097) {
            buffer.append(chunk).await.unwrap();
        }
    }

    async fn body_bytes(part: Part) -> (Vec<u8>, Option<TempFile>) {
        let bytes = part.body.collect().await.unwrap().into_bytes().to_vec();
        (bytes, part.file)
    }

    #[tokio::test]
    async fn parts_up_to_the_limit_stay_in_memory() {
        let dir = Dir::new();
        let content = data(100_000);
        let mut buffer = PartBuffer::new(content.len(), &dir.policy(content.len()));
        fill(&mut buffer, &content).await;
        assert_eq!(buffer.room(), 0);
        assert!(dir.files().is_empty());
        let part = buffer.finish().await.unwrap();
        assert_eq!(part.len, content.len() as u64);
        let (bytes, file) = body_bytes(part).await;
        assert!(file.is_none());
        assert!(bytes == content);
    }

    #[tokio::test]
    async fn larger_parts_go_through_a_private_file_removed_after_upload() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Dir::new();
        let content = data(300_001);
        let mut buffer = PartBuffer::new(content.len() + 10, &dir.policy(1000));
        fill(&mut buffer, &content).await;
        assert_eq!(buffer.room(), 10);
        let files = dir.files();
        assert_eq!(files.len(), 1);
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(TEMP_FILE_PREFIX), "{name}");
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let part = buffer.finish().await.unwrap();
        assert_eq!(part.len, content.len() as u64);
        assert_eq!(part.body.size_hint(), (part.len, Some(part.len)));
        let (bytes, file) = body_bytes(part).await;
        assert!(bytes == content, "the file returns other bytes");
        assert_eq!(dir.files().len(), 1, "removed while the upload may still need it");
        drop(file);
        assert!(dir.files().is_empty());
    }

    #[tokio::test]
    async fn a_dropped_buffer_or_part_leaves_no_file() {
        let dir = Dir::new();
        let policy = dir.policy(0);
        let mut buffer = PartBuffer::new(1 << 20, &policy);
        fill(&mut buffer, &data(5000)).await;
        assert_eq!(dir.files().len(), 1);
        drop(buffer);
        assert!(dir.files().is_empty());

        let mut buffer = PartBuffer::new(1 << 20, &policy);
        fill(&mut buffer, &data(5000)).await;
        drop(buffer.finish().await.unwrap());
        assert!(dir.files().is_empty());
    }

    #[tokio::test]
    async fn an_empty_part_creates_no_file() {
        let dir = Dir::new();
        let part = PartBuffer::new(1 << 20, &dir.policy(0)).finish().await.unwrap();
        assert!(dir.files().is_empty());
        let (bytes, file) = body_bytes(part).await;
        assert!(bytes.is_empty() && file.is_none());
    }

    #[tokio::test]
    async fn file_errors_name_the_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Dir::new();
        let missing = SpillPolicy {
            memory_limit: 0,
            dir: dir.0.join("missing"),
        };
        let err = PartBuffer::new(10, &missing).append(b"x").await.unwrap_err();
        assert!(
            matches!(&err, AdapterError::NotFound(m) if m.contains("missing/.bulwark-s3-part-")),
            "{err}"
        );

        let full = TempFile(dir.0.join(".bulwark-s3-part-full"));
        let err = full.error(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(
            matches!(&err, AdapterError::DiskFull(m) if m.contains(".bulwark-s3-part-full")),
            "{err}"
        );

        std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o500)).unwrap();
        // Root ignores permission bits; the mapping itself is checked above.
        if std::fs::write(dir.0.join("probe"), b"").is_ok() {
            return;
        }
        let err = PartBuffer::new(10, &dir.policy(0))
            .append(b"x")
            .await
            .unwrap_err();
        let prefix = dir.0.join(TEMP_FILE_PREFIX).display().to_string();
        assert!(
            matches!(&err, AdapterError::PermissionDenied(m) if m.contains(&prefix)),
            "{err}"
        );
    }
}
