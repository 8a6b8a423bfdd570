//! One restore or verify execution: open the destination and the backup's manifest,
//! find the key, then let the pipeline check, decrypt, decompress and either restore into
//! the target database or count the bytes.

use super::Inner;
use super::execute::{self, Record};
use super::log::ExecLog;
use super::read_request::ReadRequest;
use crate::server::{adapter_open, backup_keys};
use adapters::AdapterError;
use adapters::pipeline::{self, ProgressFn, Provenance, ReadPolicy, ReadReport};
use entity::enums::{ExecutionStatus, LogLevel};
use entity::execution;
use serde_json::{Value, json};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(
    inner: &Arc<Inner>,
    execution: &execution::Model,
    cancel: &CancellationToken,
    log: &ExecLog,
) -> Record {
    let Some(request) = ReadRequest::from_metadata(&execution.metadata) else {
        return fail(
            log,
            "resolve",
            "the execution does not say which backup to read".into(),
        )
        .await;
    };
    match read(inner, execution.id, &request, cancel, log).await {
        Ok((destination, report)) => {
            let verb = if request.target.is_some() {
                "restored"
            } else {
                "verified"
            };
            log.info(
                "done",
                format!(
                    "{verb} {}: {} bytes stored, {} bytes of dump, sha256 {}",
                    report.object, report.stored_bytes, report.raw_bytes, report.sha256
                ),
            )
            .await;
            Record {
                status: ExecutionStatus::Success,
                error: None,
                raw_bytes: Some(report.raw_bytes as i64),
                stored_bytes: Some(report.stored_bytes as i64),
                checksum: Some(report.sha256.clone()),
                destination_results: results(&request, &destination, true, None),
                metadata: json!({ "request": request, "report": report }),
            }
        }
        Err(Failure::Cancelled) => execute::cancelled(inner, log).await,
        Err(Failure::Failed {
            stage,
            reason,
            destination,
        }) => {
            log.write(LogLevel::Error, stage, reason.clone()).await;
            log.error("done", format!("finished failed: {reason}")).await;
            Record {
                destination_results: destination
                    .map(|d| results(&request, &d, false, Some(&reason)))
                    .unwrap_or_else(|| json!([])),
                metadata: json!({ "request": request }),
                ..Record::failed(reason)
            }
        }
    }
}

enum Failure {
    Cancelled,
    Failed {
        stage: &'static str,
        reason: String,
        /// The destination's name, once known.
        destination: Option<String>,
    },
}

fn failed(stage: &'static str, reason: impl Into<String>, destination: Option<&str>) -> Failure {
    Failure::Failed {
        stage,
        reason: reason.into(),
        destination: destination.map(String::from),
    }
}

async fn read(
    inner: &Arc<Inner>,
    execution_id: i64,
    request: &ReadRequest,
    cancel: &CancellationToken,
    log: &ExecLog,
) -> Result<(String, ReadReport), Failure> {
    let (row, destination) = adapter_open::open_destination(&inner.db, &inner.key, request.destination_id)
        .await
        .map_err(|e| failed("resolve", e.to_string(), None))?;
    let name = row.name.as_str();
    let object = request.object.as_str();
    log.info(
        "resolve",
        format!("reading {object} from {name} ({})", destination.describe()),
    )
    .await;
    let manifest = pipeline::read_manifest(&*destination, object)
        .await
        .map_err(|e| failed("manifest", format!("{name}: {}", e.one_line()), Some(name)))?;
    let policy = ReadPolicy {
        manifest_key: Some(inner.key.manifest_key()),
        trust_unsigned: request.trust_unsigned,
        replace: request.target.as_ref().is_some_and(|t| t.replace),
    };
    let provenance = pipeline::provenance::admit(
        policy.manifest_key.as_ref(),
        &manifest,
        object,
        request.trust_unsigned,
    )
    .map_err(|e| failed("manifest", e.one_line(), Some(name)))?;
    if provenance != Provenance::MadeHere {
        log.warn(
            "manifest",
            format!(
                "this backup is {}; reading it because the request says to trust it",
                provenance.describe()
            ),
        )
        .await;
    }
    let key = backup_keys::decryption_for(&inner.db, &inner.key, &manifest)
        .await
        .map_err(|e| failed("decrypt", e.to_string(), Some(name)))?;
    log.info(
        "manifest",
        format!(
            "{} backup of {} made {}, {} bytes, encryption {}",
            manifest.source.kind,
            manifest.databases.join(", "),
            manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            manifest.stored_bytes,
            manifest.encryption.kind
        ),
    )
    .await;
    let board = inner.board.clone();
    let progress: ProgressFn = Arc::new(move |p| board.update(execution_id, p));
    let outcome = match &request.target {
        None => {
            log.info(
                "verify",
                "reading the whole backup: checksum, decryption, decompression",
            )
            .await;
            pipeline::verify(&*destination, object, &key, &policy, Some(progress), cancel).await
        }
        Some(target) => {
            let (source_row, source) = adapter_open::open_source(&inner.db, &inner.key, target.source_id)
                .await
                .map_err(|e| failed("resolve", e.to_string(), Some(name)))?;
            log.info(
                "restore",
                format!(
                    "checking the checksum, then restoring into database {} of {}",
                    target.database, source_row.name
                ),
            )
            .await;
            pipeline::restore(
                &*destination,
                object,
                &key,
                &*source,
                &target.database,
                &policy,
                Some(progress),
                cancel,
            )
            .await
        }
    };
    match outcome {
        Ok(report) => Ok((name.to_string(), report)),
        Err(AdapterError::Cancelled) => Err(Failure::Cancelled),
        Err(e) => {
            let stage = if request.target.is_some() {
                "restore"
            } else {
                "verify"
            };
            Err(failed(stage, e.one_line(), Some(name)))
        }
    }
}

async fn fail(log: &ExecLog, stage: &str, reason: String) -> Record {
    log.error(stage, reason.clone()).await;
    Record::failed(reason)
}

/// The per-destination result in the same shape backups record.
fn results(request: &ReadRequest, destination: &str, ok: bool, error: Option<&str>) -> Value {
    json!([{
        "database": request.target.as_ref().map(|t| t.database.clone()).unwrap_or_default(),
        "object": request.object,
        "destinations": [{ "destination": destination, "ok": ok, "error": error }],
    }])
}
