//! One backup execution: resolve the job into adapters, run the pipeline per database,
//! apply retention where the upload succeeded, and record the outcome.

use super::log::ExecLog;
use super::{Inner, retention_apply};
use crate::server::adapter_open;
use crate::server::notify::messages;
use adapters::pipeline::naming::slug;
use adapters::pipeline::{
    self, BackupOutcome, BackupSpec, Compression, Encryption, ProgressFn, Target, Unit,
};
use adapters::retention::Policy;
use adapters::{AdapterError, Source};
use chrono::Utc;
use chrono_tz::Tz;
use entity::enums::{AdapterKind, ExecutionStatus};
use entity::execution::{self, Column};
use entity::{encryption_profile, job, job_destination};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub(crate) struct Record {
    pub status: ExecutionStatus,
    pub error: Option<String>,
    pub raw_bytes: Option<i64>,
    pub stored_bytes: Option<i64>,
    pub checksum: Option<String>,
    pub destination_results: Value,
    pub metadata: Value,
}

impl Record {
    pub fn failed(error: String) -> Self {
        Record {
            status: ExecutionStatus::Failed,
            error: Some(error),
            raw_bytes: None,
            stored_bytes: None,
            checksum: None,
            destination_results: json!([]),
            metadata: json!({}),
        }
    }
}

/// A job turned into things that can run.
struct Plan {
    job: job::Model,
    source: Arc<dyn Source>,
    globals: bool,
    targets: Vec<Target>,
    spec: BackupSpec,
    databases: Vec<String>,
    policy: Option<Policy>,
    tz: Tz,
}

pub(crate) async fn run(
    inner: &Arc<Inner>,
    execution: &execution::Model,
    cancel: &CancellationToken,
    log: &ExecLog,
) -> Record {
    let Some(job_id) = execution.job_id else {
        log.error("resolve", "the job was deleted").await;
        return Record::failed("the job was deleted".into());
    };
    let plan = match resolve(inner, job_id, log).await {
        Ok(plan) => plan,
        Err(reason) => {
            log.error("resolve", reason.clone()).await;
            return Record::failed(reason);
        }
    };
    let databases = if plan.databases.is_empty() {
        match plan.source.list_databases().await {
            Ok(all) => all,
            Err(e) => {
                let reason = format!("cannot list the source's databases: {}", e.one_line());
                log.error("resolve", reason.clone()).await;
                return Record::failed(reason);
            }
        }
    } else {
        plan.databases.clone()
    };
    let mut units: Vec<(String, Unit<'_>)> =
        databases.iter().map(|d| (d.clone(), Unit::Database(d))).collect();
    if plan.globals {
        units.push(("globals".into(), Unit::Globals));
    }
    log.info(
        "start",
        format!(
            "backing up {} from {} to {}",
            databases.join(", "),
            plan.source.kind(),
            plan.targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .await;

    let signer = inner.key.manifest_key();
    let mut outcomes: Vec<(String, BackupOutcome)> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for (label, unit) in units {
        if cancel.is_cancelled() {
            return cancelled(inner, log).await;
        }
        log.info("dump", format!("dumping database {label}")).await;
        let board = inner.board.clone();
        let id = execution.id;
        let progress: ProgressFn = Arc::new(move |p| board.update(id, p));
        match pipeline::backup(
            &*plan.source,
            unit,
            &plan.targets,
            &plan.spec,
            Some(progress),
            cancel,
        )
        .await
        {
            Ok(outcome) => {
                log_outcome(log, &label, &outcome).await;
                for d in outcome.destinations.iter().filter(|d| d.ok) {
                    if let (Some(policy), Some(target)) = (
                        &plan.policy,
                        plan.targets.iter().find(|t| t.name == d.destination),
                    ) {
                        let owner = retention_apply::Owner {
                            job_id: plan.job.id,
                            key: &signer,
                        };
                        retention_apply::apply(
                            target,
                            &owner,
                            &plan.spec.dir,
                            &outcome.manifest.object,
                            policy,
                            plan.tz,
                            log,
                        )
                        .await;
                    }
                }
                outcomes.push((label, outcome));
            }
            Err(AdapterError::Cancelled) => return cancelled(inner, log).await,
            Err(e) => {
                let reason = format!("{label}: {}", e.one_line());
                log.error("dump", format!("backup of {reason}")).await;
                failures.push(reason);
            }
        }
    }
    let record = summarise(&plan.job, outcomes, failures);
    log.write(
        if record.status == ExecutionStatus::Success {
            entity::enums::LogLevel::Info
        } else {
            entity::enums::LogLevel::Error
        },
        "done",
        match &record.error {
            Some(e) => format!("finished {:?}: {e}", record.status).to_lowercase(),
            None => "finished: success".into(),
        },
    )
    .await;
    record
}

pub(crate) async fn cancelled(inner: &Inner, log: &ExecLog) -> Record {
    let reason = if inner.shutdown.is_cancelled() {
        "server shutting down"
    } else {
        "cancelled by request"
    };
    log.warn("cancel", format!("{reason}: upload aborted")).await;
    Record {
        status: ExecutionStatus::Cancelled,
        ..Record::failed(reason.into())
    }
}

async fn log_outcome(log: &ExecLog, label: &str, outcome: &BackupOutcome) {
    let m = &outcome.manifest;
    log.info(
        "dump",
        format!(
            "{label}: {} bytes dumped, {} bytes stored, sha256 {}",
            m.raw_bytes, m.stored_bytes, m.sha256
        ),
    )
    .await;
    for d in &outcome.destinations {
        if d.ok {
            log.info("upload", format!("{}: stored {}", d.destination, m.object))
                .await;
        } else {
            log.error(
                "upload",
                format!("{}: {}", d.destination, d.error.as_deref().unwrap_or("failed")),
            )
            .await;
        }
    }
}

fn summarise(job: &job::Model, outcomes: Vec<(String, BackupOutcome)>, failures: Vec<String>) -> Record {
    let destination_failures: Vec<String> = outcomes
        .iter()
        .flat_map(|(label, o)| {
            o.destinations.iter().filter(|d| !d.ok).map(move |d| {
                format!(
                    "{label} → {}: {}",
                    d.destination,
                    d.error.as_deref().unwrap_or("failed")
                )
            })
        })
        .collect();
    let status = if !failures.is_empty() || outcomes.is_empty() {
        ExecutionStatus::Failed
    } else if !destination_failures.is_empty() {
        ExecutionStatus::Partial
    } else {
        ExecutionStatus::Success
    };
    let errors: Vec<String> = failures.into_iter().chain(destination_failures).collect();
    let raw: u64 = outcomes.iter().map(|(_, o)| o.manifest.raw_bytes).sum();
    let stored: u64 = outcomes.iter().map(|(_, o)| o.manifest.stored_bytes).sum();
    let results: Vec<Value> = outcomes
        .iter()
        .map(|(label, o)| {
            json!({
                "database": label,
                "object": o.manifest.object,
                "sha256": o.manifest.sha256,
                "raw_bytes": o.manifest.raw_bytes,
                "stored_bytes": o.manifest.stored_bytes,
                "destinations": o.destinations,
            })
        })
        .collect();
    let manifests: Vec<&pipeline::Manifest> = outcomes.iter().map(|(_, o)| &o.manifest).collect();
    Record {
        status,
        error: (!errors.is_empty()).then(|| errors.join("; ")),
        raw_bytes: (!outcomes.is_empty()).then_some(raw as i64),
        stored_bytes: (!outcomes.is_empty()).then_some(stored as i64),
        checksum: outcomes.first().map(|(_, o)| o.manifest.sha256.clone()),
        destination_results: Value::Array(results),
        metadata: json!({ "job": job.name, "manifests": manifests }),
    }
}

async fn resolve(inner: &Inner, job_id: i64, log: &ExecLog) -> Result<Plan, String> {
    let db = &inner.db;
    let job = job::Entity::find_by_id(job_id)
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or_else(|| "the job was deleted".to_string())?;
    let source_row = adapter_open::row(db, job.source_id, AdapterKind::Source)
        .await
        .map_err(|e| e.to_string())?;
    let source = adapter_open::source(&inner.key, &source_row).map_err(|e| e.to_string())?;
    let globals =
        source.kind() == "postgres" && source_row.metadata["include_globals"].as_bool() == Some(true);

    let links = job_destination::Entity::find()
        .filter(job_destination::Column::JobId.eq(job.id))
        .order_by_asc(job_destination::Column::Priority)
        .order_by_asc(job_destination::Column::Id)
        .all(db)
        .await
        .map_err(db_error)?;
    if links.is_empty() {
        return Err("the job has no destination".into());
    }
    let mut targets = Vec::with_capacity(links.len());
    for link in links {
        let (row, destination) = adapter_open::open_destination(db, &inner.key, link.destination_id)
            .await
            .map_err(|e| e.to_string())?;
        targets.push(Target {
            name: row.name,
            destination,
        });
    }

    let encryption = match job.encryption_profile_id {
        Some(profile_id) => {
            let profile = encryption_profile::Entity::find_by_id(profile_id)
                .one(db)
                .await
                .map_err(db_error)?
                .ok_or_else(|| format!("encryption profile #{profile_id} does not exist"))?;
            let mut recipients = vec![profile.recipient.clone()];
            recipients.extend(strings(&profile.extra_recipients));
            Encryption::recipients(&recipients)
                .map_err(|e| format!("encryption profile {}: {}", profile.name, e.one_line()))?
        }
        None => {
            log.warn(
                "resolve",
                "no encryption profile: this backup is stored unencrypted",
            )
            .await;
            Encryption::None
        }
    };
    let compression = match job.compression {
        entity::enums::Compression::Zstd => Compression::Zstd,
        entity::enums::Compression::Gzip => Compression::Gzip,
        entity::enums::Compression::Brotli => Compression::Brotli,
        entity::enums::Compression::None => Compression::None,
    };
    let policy = match serde_json::from_value::<Policy>(job.retention.clone()) {
        Ok(p) => Some(p),
        Err(e) => {
            log.warn(
                "retention",
                format!("the retention policy is unreadable ({e}); nothing will be deleted"),
            )
            .await;
            None
        }
    };
    let tz = match job.timezone.parse::<Tz>() {
        Ok(tz) => tz,
        Err(_) => {
            log.warn(
                "resolve",
                format!("unknown time zone {:?}; using UTC", job.timezone),
            )
            .await;
            Tz::UTC
        }
    };
    Ok(Plan {
        spec: BackupSpec {
            dir: slug(&job.name),
            job: Some(job.name.clone()),
            job_id: Some(job.id),
            signer: Some(inner.key.manifest_key()),
            compression,
            level: job.compression_level,
            encryption,
        },
        databases: strings(&job.databases),
        source,
        globals,
        targets,
        policy,
        tz,
        job,
    })
}

/// A JSON array of strings; anything else reads as empty ("all databases", "no extra
/// recipients").
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn db_error(e: DbErr) -> String {
    format!("database: {e}")
}

/// Stores the outcome, if this instance still owns the execution, and tells the channels
/// subscribed to it (in the background: delivery never holds up or changes the outcome).
pub(crate) async fn finish(inner: &Inner, execution_id: i64, record: Record) -> Result<(), DbErr> {
    let now = Utc::now();
    let result = execution::Entity::update_many()
        .set(execution::ActiveModel {
            status: Set(record.status),
            finished_at: Set(Some(now)),
            raw_bytes: Set(record.raw_bytes),
            stored_bytes: Set(record.stored_bytes),
            checksum_sha256: Set(record.checksum),
            destination_results: Set(record.destination_results),
            metadata: Set(record.metadata),
            error: Set(record.error),
            heartbeat_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(Column::Id.eq(execution_id))
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .filter(Column::ClaimedBy.eq(inner.instance_id.as_str()))
        .exec(&inner.db)
        .await?;
    if result.rows_affected == 0 {
        tracing::warn!(
            execution = execution_id,
            "the execution was taken over (marked interrupted?) before it finished"
        );
        return Ok(());
    }
    let Some(execution) = execution::Entity::find_by_id(execution_id).one(&inner.db).await? else {
        return Ok(());
    };
    announce(inner, &execution).await;
    if let Some(job_id) = execution.job_id {
        let update = job::ActiveModel {
            id: Set(job_id),
            last_run_at: Set(Some(now)),
            ..Default::default()
        };
        if let Err(e) = update.update(&inner.db).await {
            tracing::warn!(job = job_id, error = %e, "cannot record the job's last run");
        }
    }
    Ok(())
}

/// Tells the channels subscribed to a finished execution how it ended (in the background).
pub(crate) async fn announce(inner: &Inner, run: &execution::Model) {
    let job = match run.job_id {
        Some(id) => job::Entity::find_by_id(id)
            .one(&inner.db)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(execution = run.id, error = %e, "cannot read the job to notify about");
                None
            }),
        None => None,
    };
    if let Some(notice) = messages::execution_finished(&inner.outbox, run, job.as_ref()) {
        inner.outbox.emit(notice);
    }
}
