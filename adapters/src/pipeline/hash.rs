//! Counting and SHA-256 hashing as bytes pass through a reader.

use sha2::{Digest, Sha256};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// Running totals shared with whoever watches the stream (progress, the final manifest).
#[derive(Debug, Default)]
pub struct Tally {
    pub bytes: u64,
    hasher: Option<Sha256>,
}

impl Tally {
    pub fn hex_digest(&self) -> Option<String> {
        self.hasher.clone().map(|h| hex::encode(h.finalize()))
    }
}

pub type SharedTally = Arc<Mutex<Tally>>;

pub fn tally(hash: bool) -> SharedTally {
    Arc::new(Mutex::new(Tally {
        bytes: 0,
        hasher: hash.then(Sha256::new),
    }))
}

/// An `AsyncRead` that counts (and optionally hashes) what is read through it.
pub struct TallyReader<R> {
    inner: R,
    tally: SharedTally,
}

impl<R> TallyReader<R> {
    pub fn new(inner: R, tally: SharedTally) -> Self {
        TallyReader { inner, tally }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for TallyReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &result {
            let fresh = &buf.filled()[before..];
            if !fresh.is_empty() {
                let mut t = self.tally.lock().unwrap_or_else(|p| p.into_inner());
                t.bytes += fresh.len() as u64;
                if let Some(h) = t.hasher.as_mut() {
                    h.update(fresh);
                }
            }
        }
        result
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn counts_and_hashes_what_passes() {
        let t = tally(true);
        let mut r = TallyReader::new(&b"hello world"[..], t.clone());
        let mut out = Vec::new();
        r.read_to_end(&mut out).await.unwrap();
        let t = t.lock().unwrap();
        assert_eq!(t.bytes, 11);
        assert_eq!(t.hex_digest().unwrap(), sha256_hex(b"hello world"));
        assert_eq!(
            sha256_hex(b"hello world"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }

    #[tokio::test]
    async fn count_only() {
        let t = tally(false);
        let mut r = TallyReader::new(&b"abc"[..], t.clone());
        let mut out = Vec::new();
        r.read_to_end(&mut out).await.unwrap();
        assert_eq!(t.lock().unwrap().bytes, 3);
        assert!(t.lock().unwrap().hex_digest().is_none());
    }
}
