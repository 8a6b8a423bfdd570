//! The storage explorer's server side: the backups in a destination (from their
//! manifests), deleting one, and queueing restores and verifies. Only objects with a
//! manifest beside them count as backups; anything else in a destination is never
//! offered for download or deletion.

use super::adapter_open;
use super::backup_keys;
use super::error::Result;
use super::state::AppState;
use crate::api::error::ApiError;
use crate::api::storage_types::{BackupRow, SourceChoice, StorageDestination, StorageListing};
use crate::engine::{ReadRequest, RestoreTarget};
use adapters::pipeline::manifest::{SUFFIX, key_for};
use adapters::pipeline::restore::check_target;
use adapters::pipeline::{Manifest, Provenance, provenance, read_manifest};
use adapters::{AdapterError, Destination};
use entity::enums::{AdapterKind, ExecutionTrigger, HealthStatus};
use entity::{adapter_config, job};
use futures::StreamExt;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;

/// Manifests read for one listing, newest first; older ones are counted, not shown.
pub const MAX_LISTED: usize = 500;
/// Manifests read at once.
const PARALLEL_READS: usize = 8;

/// What the caller may do, which decides the buttons (the server checks again on use).
#[derive(Debug, Clone, Copy, Default)]
pub struct Abilities {
    pub download: bool,
    pub restore: bool,
    pub delete: bool,
}

pub async fn destinations(db: &impl ConnectionTrait) -> Result<Vec<StorageDestination>> {
    let rows = adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(AdapterKind::Destination))
        .order_by_asc(adapter_config::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| StorageDestination {
            id: r.id,
            name: r.name,
            adapter_id: r.adapter_id,
            health: match r.health_status {
                HealthStatus::Online => "online",
                HealthStatus::Degraded => "degraded",
                HealthStatus::Offline => "offline",
                HealthStatus::Unknown => "unknown",
            }
            .into(),
        })
        .collect())
}

/// A destination adapter error, worded for the console.
/// A destination that answers "no such object" is a 404; one that cannot be read at all
/// (unreachable, refused credentials, a broken listing) is the destination's failure,
/// not the caller's: 502.
fn adapter_error(destination: &str, e: AdapterError) -> ApiError {
    match e {
        AdapterError::NotFound(m) => ApiError::NotFound(format!("{destination}: {m}")),
        AdapterError::InvalidConfig(m) => {
            ApiError::Invalid(format!("{destination}: invalid configuration: {m}"))
        }
        other => ApiError::Transport(format!("{destination}: {}", other.one_line())),
    }
}

pub async fn listing(state: &AppState, destination_id: i64, can: Abilities) -> Result<StorageListing> {
    let (row, destination) = adapter_open::open_destination(&state.db, &state.master_key, destination_id)
        .await
        .map_err(ApiError::from)?;
    let objects = destination
        .list("")
        .await
        .map_err(|e| adapter_error(&row.name, e))?;
    let keys: HashSet<&str> = objects.iter().map(|o| o.path.as_str()).collect();
    let mut manifests: Vec<_> = objects.iter().filter(|o| o.path.ends_with(SUFFIX)).collect();
    let other_files = objects
        .iter()
        .filter(|o| !o.path.ends_with(SUFFIX) && !keys.contains(key_for(&o.path).as_str()))
        .count();
    let total_manifests = manifests.len();
    // Newest first: by modification time where the destination knows it, else by key
    // (backup names carry their timestamp).
    manifests.sort_by(|a, b| b.modified_unix.cmp(&a.modified_unix).then(b.path.cmp(&a.path)));
    let wanted: Vec<String> = manifests
        .iter()
        .take(MAX_LISTED)
        .map(|m| m.path.trim_end_matches(SUFFIX).to_string())
        .collect();

    let read: Vec<(String, adapters::Result<Manifest>)> = futures::stream::iter(wanted)
        .map(|object| {
            let destination = destination.clone();
            async move {
                let manifest = read_manifest(&*destination, &object).await;
                (object, manifest)
            }
        })
        .buffer_unordered(PARALLEL_READS)
        .collect()
        .await;

    let sources = if can.restore {
        source_choices(&state.db).await?
    } else {
        Vec::new()
    };
    let jobs = job::Entity::find().all(&state.db).await?;
    let signing_key = state.master_key.manifest_key();
    let mut backups = Vec::new();
    let mut unreadable = Vec::new();
    for (object, manifest) in read {
        match manifest {
            Ok(m) => {
                let key_profile = backup_keys::profile_for(&state.db, &m).await?.map(|p| p.name);
                let problem = if !keys.contains(object.as_str()) {
                    Some("the backup object is missing; only its manifest is left".to_string())
                } else if m.encryption.kind == "age-x25519" && key_profile.is_none() {
                    Some("no encryption profile here holds its key; restore it with the CLI".to_string())
                } else if m.encryption.kind == "age-passphrase" {
                    Some("protected by a passphrase; restore it with the CLI".to_string())
                } else {
                    None
                };
                let made_here = provenance::check(Some(&signing_key), &m, &object);
                let untrusted = (made_here != Provenance::MadeHere).then(|| made_here.describe().to_string());
                let default_source_id = m
                    .job_id
                    .filter(|_| made_here == Provenance::MadeHere)
                    .and_then(|id| jobs.iter().find(|j| j.id == id))
                    .map(|j| j.source_id)
                    .filter(|id| {
                        sources
                            .iter()
                            .any(|s| s.id == *id && s.adapter_id == m.source.kind)
                    })
                    .or_else(|| {
                        sources
                            .iter()
                            .find(|s| s.adapter_id == m.source.kind)
                            .map(|s| s.id)
                    });
                backups.push(BackupRow {
                    job: m.job.clone(),
                    source_kind: m.source.kind.clone(),
                    default_database: m.databases.first().cloned().unwrap_or_default(),
                    databases: m.databases.clone(),
                    created_at: m.created_at.to_rfc3339(),
                    stored_bytes: m.stored_bytes,
                    raw_bytes: m.raw_bytes,
                    sha256: m.sha256.clone(),
                    compression: format!("{:?}", m.compression).to_lowercase(),
                    encryption: m.encryption.kind.clone(),
                    key_profile,
                    problem,
                    untrusted,
                    default_source_id,
                    object,
                });
            }
            Err(e) => unreadable.push((key_for(&object), e.one_line())),
        }
    }
    backups.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.object.cmp(&a.object)));
    unreadable.sort();
    Ok(StorageListing {
        destination_id,
        destination: row.name,
        location: destination.describe(),
        backups,
        unreadable,
        other_files,
        total_manifests,
        sources,
        can_download: can.download,
        can_restore: can.restore,
        can_delete: can.delete,
    })
}

async fn source_choices(db: &impl ConnectionTrait) -> Result<Vec<SourceChoice>> {
    Ok(adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(AdapterKind::Source))
        .order_by_asc(adapter_config::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| SourceChoice {
            id: r.id,
            name: r.name,
            adapter_id: r.adapter_id,
        })
        .collect())
}

/// Opens a destination and checks that `object` is a backup there (its manifest exists).
pub async fn open_backup(
    state: &AppState,
    destination_id: i64,
    object: &str,
) -> Result<(adapter_config::Model, std::sync::Arc<dyn Destination>, Manifest)> {
    let object = object.trim();
    if object.is_empty() || object.ends_with(SUFFIX) || object.split('/').any(|p| p == "..") {
        return Err(ApiError::invalid(format!("{object:?} is not a backup object key")).into());
    }
    let (row, destination) = adapter_open::open_destination(&state.db, &state.master_key, destination_id)
        .await
        .map_err(ApiError::from)?;
    let manifest = read_manifest(&*destination, object)
        .await
        .map_err(|e| adapter_error(&row.name, e))?;
    Ok((row, destination, manifest))
}

/// Deletes a backup: the object first, then its manifest, so a failure half-way leaves
/// a manifest that still says what is missing rather than an unlabelled object.
pub async fn delete(state: &AppState, destination_id: i64, object: &str) -> Result<String> {
    let (row, destination, _) = open_backup(state, destination_id, object).await?;
    match destination.delete(object).await {
        Ok(()) | Err(AdapterError::NotFound(_)) => {}
        Err(e) => return Err(adapter_error(&row.name, e).into()),
    }
    destination
        .delete(&key_for(object))
        .await
        .map_err(|e| adapter_error(&row.name, e))?;
    Ok(row.name)
}

/// Checks the request against the stored backup, then queues it. Returns the
/// execution id and the destination's name.
pub async fn queue_read(
    state: &AppState,
    destination_id: i64,
    object: &str,
    target: Option<RestoreTarget>,
    trust_unsigned: bool,
    trigger: ExecutionTrigger,
    user_id: Option<i64>,
) -> Result<(i64, String)> {
    let (row, _, manifest) = open_backup(state, destination_id, object).await?;
    let provenance = provenance::admit(
        Some(&state.master_key.manifest_key()),
        &manifest,
        object,
        trust_unsigned,
    )
    .map_err(|e| ApiError::Conflict(e.one_line()))?;
    if let Some(t) = &target {
        let source = adapter_open::row(&state.db, t.source_id, AdapterKind::Source)
            .await
            .map_err(ApiError::from)?;
        if source.adapter_id != manifest.source.kind {
            return Err(ApiError::invalid(format!(
                "this is a {} backup; {} is a {} source",
                manifest.source.kind, source.name, source.adapter_id
            ))
            .into());
        }
        if t.database.trim().is_empty() {
            return Err(ApiError::invalid("Name the database to restore into.").into());
        }
        // A SQLite "database" is a file: from the console it may only be a name beside
        // the source's own file, never a path elsewhere on the server.
        if manifest.source.kind == "sqlite" && (t.database.contains(['/', '\\']) || t.database.trim() == "..")
        {
            return Err(ApiError::invalid(
                "A SQLite backup restores beside the source's file: give a file name, not a path.",
            )
            .into());
        }
        let (_, opened) = adapter_open::open_source(&state.db, &state.master_key, t.source_id)
            .await
            .map_err(ApiError::from)?;
        check_target(&*opened, t.database.trim(), t.replace)
            .await
            .map_err(|e| match e {
                AdapterError::TargetNotEmpty(m) => {
                    ApiError::Conflict(format!("the restore target is not empty: {m}"))
                }
                other => ApiError::Invalid(format!("{}: {}", source.name, other.one_line())),
            })?;
    }
    // Only a signed manifest's job id is believed: a planted one could name any job.
    let job_id = match manifest.job_id {
        Some(id) if provenance == Provenance::MadeHere => {
            job::Entity::find_by_id(id).one(&state.db).await?.map(|j| j.id)
        }
        _ => None,
    };
    let request = ReadRequest {
        destination_id,
        object: object.trim().to_string(),
        target: target.map(|t| RestoreTarget {
            source_id: t.source_id,
            database: t.database.trim().to_string(),
            replace: t.replace,
        }),
        trust_unsigned,
    };
    let id = state
        .engine
        .enqueue_read(&request, job_id, trigger, user_id)
        .await
        .map_err(ApiError::from)?;
    Ok((id, row.name))
}
