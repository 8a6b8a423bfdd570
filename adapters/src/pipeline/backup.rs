//! One database, dumped once, streamed through compression and encryption into every
//! destination, with a manifest beside each object that committed.

use super::compress::{Compression, compress_in_background};
use super::encrypt::{Encryption, Sealer};
use super::fanout::{FanOut, SlotResult, Target};
use super::hash::{TallyReader, tally};
use super::manifest::{self, FORMAT_VERSION, Manifest, SourceInfo};
use super::naming::ObjectName;
use super::progress::{ProgressFn, Reporter, Stage};
use super::provenance::{ManifestKey, sign};
use crate::error::{AdapterError, Result};
use crate::traits::{ByteStream, ObjectInfo, Source};
use bytes::Bytes;
use chrono::Utc;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

pub struct BackupSpec {
    /// Directory part of the key, e.g. the job's slug.
    pub dir: String,
    pub job: Option<String>,
    /// The job's id, recorded in the signed manifest (retention selects by it).
    pub job_id: Option<i64>,
    /// Signs each manifest; `None` writes an unsigned one (a CLI backup without a key).
    pub signer: Option<ManifestKey>,
    pub compression: Compression,
    pub level: Option<i32>,
    pub encryption: Encryption,
}

/// What one destination ended with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DestinationOutcome {
    pub destination: String,
    pub ok: bool,
    pub object: Option<ObjectInfo>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupOutcome {
    pub manifest: Manifest,
    pub destinations: Vec<DestinationOutcome>,
}

impl BackupOutcome {
    pub fn all_ok(&self) -> bool {
        self.destinations.iter().all(|d| d.ok)
    }
}

/// What is being dumped: one database, or the server's globals.
pub enum Unit<'a> {
    Database(&'a str),
    Globals,
}

pub async fn backup(
    source: &dyn Source,
    unit: Unit<'_>,
    targets: &[Target],
    spec: &BackupSpec,
    progress: Option<ProgressFn>,
    cancel: &CancellationToken,
) -> Result<BackupOutcome> {
    if targets.is_empty() {
        return Err(AdapterError::InvalidConfig("no destination given".into()));
    }
    let level = spec.compression.check_level(spec.level)?;
    let server_version = source.server_version().await?;
    let tool_versions = source.tool_versions().await?;
    let (label, extension, stream) = match unit {
        Unit::Database(db) => (db.to_string(), source.extension(), source.dump(db).await?),
        Unit::Globals => match source.dump_globals().await? {
            Some(s) => ("globals".to_string(), "sql", s),
            None => {
                return Err(AdapterError::InvalidConfig(
                    "this source has no globals to dump".into(),
                ));
            }
        },
    };
    let created_at = Utc::now();
    let key = ObjectName {
        dir: &spec.dir,
        created_at,
        source_kind: source.kind(),
        database: &label,
        extension,
        compression_suffix: spec.compression.suffix(),
        encryption_suffix: spec.encryption.suffix(),
    }
    .key();

    let raw = tally(false);
    let counted: ByteStream = Box::pin(TallyReader::new(stream, raw.clone()));
    let mut sealer = Sealer::new(&spec.encryption)?;
    let mut fan = FanOut::open(targets, &key).await;
    if fan.live() == 0 {
        let results = fan.commit_all().await;
        return Err(first_error(results));
    }
    let mut reporter = Reporter::new(progress, &label);
    let mut hasher = Sha256::new();
    let mut stored: u64 = 0;

    // Compression runs on its own thread (see `compress_in_background`); encryption,
    // hashing and uploads in this task: two cores busy, memory still bounded, and a
    // cancel is seen here at once however slow the codec is.
    let mut packed = compress_in_background(counted, spec.compression, level);

    let pumped: Result<()> = async {
        loop {
            let next = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(AdapterError::Cancelled),
                next = packed.next() => next,
            };
            let done = next.is_none();
            let cipher = match next {
                Some(Ok(plain)) => sealer.push(plain)?,
                Some(Err(e)) => return Err(AdapterError::io(format!("dump of {label}"), e)),
                None => std::mem::replace(&mut sealer, Sealer::new(&Encryption::None)?).finish()?,
            };
            if !cipher.is_empty() {
                hasher.update(&cipher);
                stored += cipher.len() as u64;
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(AdapterError::Cancelled),
                    r = fan.write(cipher) => r?,
                }
            }
            reporter.tick(Stage::Dumping, raw_bytes(&raw), stored);
            if done {
                return Ok(());
            }
        }
    }
    .await;
    // Stops the compressor (and, by dropping the dump stream, the dump tool) if the
    // pump ended early; its thread stops at its next step without being waited for.
    drop(packed);
    if let Err(e) = pumped {
        fan.abort_all().await;
        return Err(e);
    }

    reporter.emit(Stage::Committing, raw_bytes(&raw), stored);
    let mut manifest = Manifest {
        format_version: FORMAT_VERSION,
        bulwark_version: env!("CARGO_PKG_VERSION").to_string(),
        object: key.clone(),
        job: spec.job.clone(),
        job_id: spec.job_id,
        source: SourceInfo {
            kind: source.kind().to_string(),
            server_version,
            tool_versions,
            format: extension.to_string(),
        },
        databases: vec![label.clone()],
        created_at,
        finished_at: Utc::now(),
        raw_bytes: raw_bytes(&raw),
        stored_bytes: stored,
        sha256: hex::encode(hasher.finalize()),
        compression: spec.compression,
        compression_level: level,
        encryption: spec.encryption.info(),
        signature: None,
        as_stored: None,
    };
    if let Some(key) = &spec.signer {
        sign(key, &mut manifest);
    }
    let results = fan.commit_all().await;
    let mut outcomes = Vec::with_capacity(results.len());
    for SlotResult { name, result } in results {
        let outcome = match result {
            Ok(info) => {
                let target = targets
                    .iter()
                    .find(|t| t.name == name)
                    .expect("slot names come from targets");
                match write_manifest(target, &manifest).await {
                    Ok(()) => DestinationOutcome {
                        destination: name,
                        ok: true,
                        object: Some(info),
                        error: None,
                    },
                    Err(e) => {
                        // An object without its manifest is not a backup anyone can trust: remove it.
                        let _ = target.destination.delete(&key).await;
                        DestinationOutcome {
                            destination: name,
                            ok: false,
                            object: None,
                            error: Some(format!("writing the manifest failed: {}", e.one_line())),
                        }
                    }
                }
            }
            Err(e) => DestinationOutcome {
                destination: name,
                ok: false,
                object: None,
                error: Some(e.one_line()),
            },
        };
        outcomes.push(outcome);
    }
    reporter.emit(Stage::Done, manifest.raw_bytes, manifest.stored_bytes);
    if outcomes.iter().all(|o| !o.ok) {
        let reasons: Vec<String> = outcomes
            .iter()
            .map(|o| format!("{}: {}", o.destination, o.error.as_deref().unwrap_or("failed")))
            .collect();
        return Err(AdapterError::Other(reasons.join("; ")));
    }
    Ok(BackupOutcome {
        manifest,
        destinations: outcomes,
    })
}

async fn write_manifest(target: &Target, manifest: &Manifest) -> Result<()> {
    let key = manifest::key_for(&manifest.object);
    target
        .destination
        .put(&key, Bytes::from(manifest.to_json().into_bytes()))
        .await
        .map(|_| ())
}

fn raw_bytes(t: &super::hash::SharedTally) -> u64 {
    t.lock().unwrap_or_else(|p| p.into_inner()).bytes
}

fn first_error(results: Vec<SlotResult>) -> AdapterError {
    let reasons: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.result.err().map(|e| format!("{}: {}", r.name, e.one_line())))
        .collect();
    AdapterError::Other(reasons.join("; "))
}
