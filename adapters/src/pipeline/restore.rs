//! Reading a backup back: checksum first, then decrypt, decompress and hand the plain
//! dump to the source's restore tool (or, verifying, count it and throw it away).

use super::compress::decompress;
use super::encrypt::{Decryption, open};
use super::hash::{SharedTally, TallyReader, tally};
use super::manifest::{self, Manifest};
use super::progress::{ProgressFn, Reporter, Stage};
use super::provenance::{self, ManifestKey, Provenance};
use crate::error::{AdapterError, Result};
use crate::traits::{ByteStream, Destination, Source, TargetState};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio_util::sync::CancellationToken;

pub async fn read_manifest(destination: &dyn Destination, object: &str) -> Result<Manifest> {
    let key = manifest::key_for(object);
    let bytes = destination
        .get(&key, manifest::MAX_LEN)
        .await
        .map_err(|e| match e {
            AdapterError::NotFound(_) => AdapterError::NotFound(format!(
                "{key}: the backup's manifest is missing, so its checksum cannot be checked \
             (`bulwark decrypt` can still open the object by hand)"
            )),
            other => other,
        })?;
    let mut manifest = Manifest::from_json(&bytes)?;
    // The manifest names the object relative to the root it was written under; the
    // caller may have opened the same folder at a different root (a CLI object URL).
    manifest.object = object.to_string();
    Ok(manifest)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReadReport {
    pub object: String,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
    pub sha256: String,
    pub provenance: Provenance,
}

/// What a read may do: which key authenticates manifests, whether a backup this
/// installation did not sign may be read anyway, and whether a restore may replace a
/// target that already holds data.
#[derive(Debug, Clone, Default)]
pub struct ReadPolicy {
    pub manifest_key: Option<ManifestKey>,
    pub trust_unsigned: bool,
    pub replace: bool,
}

impl ReadPolicy {
    fn admit(&self, manifest: &Manifest, object: &str) -> Result<Provenance> {
        provenance::admit(self.manifest_key.as_ref(), manifest, object, self.trust_unsigned)
    }
}

/// Refuses to restore over a database (or file) that holds data unless told to replace it.
pub async fn check_target(source: &dyn Source, database: &str, replace: bool) -> Result<TargetState> {
    let state = source.target_state(database).await?;
    if let TargetState::NotEmpty(what) = &state
        && !replace
    {
        return Err(AdapterError::TargetNotEmpty(format!(
            "{database} already holds {what}; restore into a new name, or confirm that it \
             is to be replaced (`--replace` on the command line, \"replace\" in the API, typing \
             its name in the console)"
        )));
    }
    Ok(state)
}

/// Reads the stored object once and compares its SHA-256 with the manifest's.
pub async fn check_checksum(
    destination: &dyn Destination,
    manifest: &Manifest,
    cancel: &CancellationToken,
    reporter: &mut Reporter,
) -> Result<()> {
    let stored = tally(true);
    let mut reader = TallyReader::new(destination.read(&manifest.object).await?, stored.clone());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(AdapterError::Cancelled),
            n = reader.read(&mut buf) => n.map_err(|e| AdapterError::io(&manifest.object, e))?,
        };
        if n == 0 {
            break;
        }
        reporter.tick(Stage::Checksum, 0, bytes(&stored));
    }
    compare(manifest, &stored)
}

fn compare(manifest: &Manifest, stored: &SharedTally) -> Result<()> {
    let t = stored.lock().unwrap_or_else(|p| p.into_inner());
    let actual = t.hex_digest().unwrap_or_default();
    if actual != manifest.sha256 {
        return Err(AdapterError::ChecksumMismatch {
            expected: manifest.sha256.clone(),
            actual,
        });
    }
    if t.bytes != manifest.stored_bytes {
        return Err(AdapterError::Corrupt(format!(
            "the object has {} bytes, the manifest says {}",
            t.bytes, manifest.stored_bytes
        )));
    }
    Ok(())
}

fn bytes(t: &SharedTally) -> u64 {
    t.lock().unwrap_or_else(|p| p.into_inner()).bytes
}

/// The plain dump of a stored object, with tallies of both sides. Decryption opens
/// (and a wrong key fails) before this returns.
async fn plain_stream(
    destination: &dyn Destination,
    manifest: &Manifest,
    key: &Decryption,
) -> Result<(ByteStream, SharedTally, SharedTally)> {
    let stored = tally(true);
    let raw = tally(false);
    let reader: ByteStream = Box::pin(TallyReader::new(
        destination.read(&manifest.object).await?,
        stored.clone(),
    ));
    let decrypted = if manifest.encryption.kind == "none" {
        reader
    } else {
        open(reader, key).await?
    };
    let plain: ByteStream = Box::pin(Bounded {
        inner: decompress(decrypted, manifest.compression),
        left: manifest.raw_bytes,
    });
    Ok((Box::pin(TallyReader::new(plain, raw.clone())), stored, raw))
}

/// Full read without restoring: checksum, decryption, decompression, byte count.
pub async fn verify(
    destination: &dyn Destination,
    object: &str,
    key: &Decryption,
    policy: &ReadPolicy,
    progress: Option<ProgressFn>,
    cancel: &CancellationToken,
) -> Result<ReadReport> {
    let manifest = read_manifest(destination, object).await?;
    let provenance = policy.admit(&manifest, object)?;
    let mut reporter = Reporter::new(progress, object);
    let (mut plain, stored, raw) = plain_stream(destination, &manifest, key).await?;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(AdapterError::Cancelled),
            n = plain.read(&mut buf) => n.map_err(|e| read_error(object, e))?,
        };
        if n == 0 {
            break;
        }
        reporter.tick(Stage::Verifying, bytes(&raw), bytes(&stored));
    }
    compare(&manifest, &stored)?;
    let raw_bytes = bytes(&raw);
    if raw_bytes != manifest.raw_bytes {
        return Err(AdapterError::Corrupt(format!(
            "the backup decompresses to {raw_bytes} bytes, the manifest says {}",
            manifest.raw_bytes
        )));
    }
    reporter.emit(Stage::Done, raw_bytes, manifest.stored_bytes);
    Ok(ReadReport {
        object: object.to_string(),
        stored_bytes: manifest.stored_bytes,
        raw_bytes,
        sha256: manifest.sha256,
        provenance,
    })
}

/// Restores `object` into `database` of `source`: the manifest's signature, the target
/// (empty unless replacing), the checksum in a first pass and the key when decryption
/// opens are all checked before the source is touched.
#[allow(clippy::too_many_arguments)]
pub async fn restore(
    destination: &dyn Destination,
    object: &str,
    key: &Decryption,
    source: &dyn Source,
    database: &str,
    policy: &ReadPolicy,
    progress: Option<ProgressFn>,
    cancel: &CancellationToken,
) -> Result<ReadReport> {
    let manifest = read_manifest(destination, object).await?;
    let provenance = policy.admit(&manifest, object)?;
    if manifest.source.kind != source.kind() {
        return Err(AdapterError::InvalidConfig(format!(
            "this is a {} backup; it cannot be restored into a {} source",
            manifest.source.kind,
            source.kind()
        )));
    }
    check_target(source, database, policy.replace).await?;
    let mut reporter = Reporter::new(progress, database);
    check_checksum(destination, &manifest, cancel, &mut reporter).await?;
    let (plain, stored, raw) = plain_stream(destination, &manifest, key).await?;
    let guarded: ByteStream = Box::pin(Cancellable {
        inner: plain,
        cancel: cancel.clone(),
    });
    reporter.emit(Stage::Restoring, 0, 0);
    source
        .restore(database, guarded, policy.replace)
        .await
        .map_err(|e| match e {
            AdapterError::Io { context, source } => read_error(&context, source),
            other => other,
        })?;
    // The object could have changed between the two passes: check again.
    compare(&manifest, &stored)?;
    let raw_bytes = bytes(&raw);
    reporter.emit(Stage::Done, raw_bytes, manifest.stored_bytes);
    Ok(ReadReport {
        object: object.to_string(),
        stored_bytes: manifest.stored_bytes,
        raw_bytes,
        sha256: manifest.sha256,
        provenance,
    })
}

fn read_error(what: &str, e: std::io::Error) -> AdapterError {
    match AdapterError::io(what, e) {
        AdapterError::Io { context, source } => AdapterError::Corrupt(format!(
            "{context}: {source} (damaged data, or the wrong decompression)"
        )),
        other => other,
    }
}

/// Ends the stream with an error when the run is cancelled, which makes the restore
/// tool fail instead of finishing on a truncated input.
struct Cancellable {
    inner: ByteStream,
    cancel: CancellationToken,
}

impl AsyncRead for Cancellable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.cancel.is_cancelled() {
            return Poll::Ready(Err(AdapterError::Cancelled.into_io()));
        }
        self.inner.as_mut().poll_read(cx, buf)
    }
}

/// Fails the stream once it yields more than the manifest's dump size: a small planted
/// object that decompresses without end cannot fill the target's disk.
struct Bounded {
    inner: ByteStream,
    left: u64,
}

impl AsyncRead for Bounded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = self.inner.as_mut().poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &polled {
            let got = (buf.filled().len() - before) as u64;
            if got > self.left {
                return Poll::Ready(Err(AdapterError::Corrupt(
                    "the backup decompresses to more bytes than its manifest records; \
                     stopped before writing them"
                        .into(),
                )
                .into_io()));
            }
            self.left -= got;
        }
        polled
    }
}
