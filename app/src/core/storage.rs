//! The storage explorer: the destinations, the backups in one, and download, verify,
//! restore and delete. Verify and restore are queued as executions; their id is returned
//! so a surface can follow the run.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::storage_types::{StorageDestination, StorageListing};
use crate::engine::RestoreTarget;
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::storage::{self, Abilities};
use adapters::ByteStream;

/// Whether the actor may verify or restore, for a surface to refuse a caller before it
/// parses their request. The use cases check it again.
pub fn may_restore(actor: &Actor) -> Result<()> {
    actor.require(Permission::StorageRestore)?;
    Ok(())
}

pub async fn destinations(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<StorageDestination>> {
    actor.require(Permission::StorageRead)?;
    storage::destinations(&ctx.state.db).await
}

/// The backups in a destination, with what the actor may do to them (which decides the
/// buttons; each operation checks again).
pub async fn listing(ctx: &Ctx<'_>, actor: &Actor, destination_id: i64) -> Result<StorageListing> {
    actor.require(Permission::StorageRead)?;
    let can = Abilities {
        download: actor.can(Permission::StorageDownload),
        restore: actor.can(Permission::StorageRestore),
        delete: actor.can(Permission::StorageDelete),
    };
    storage::listing(ctx.state, destination_id, can).await
}

/// A backup as it is stored (compressed, and encrypted when it was), ready to stream.
pub struct Download {
    pub reader: ByteStream,
    pub size: Option<u64>,
    pub sha256: String,
}

/// Opens a backup for download, after checking it is one; audited before a byte flows.
pub async fn download(ctx: &Ctx<'_>, actor: &Actor, destination_id: i64, object: &str) -> Result<Download> {
    actor.require(Permission::StorageDownload)?;
    let (row, destination, manifest) = storage::open_backup(ctx.state, destination_id, object).await?;
    let size = destination.stat(object).await.ok().map(|info| info.size);
    let reader = destination
        .read(object)
        .await
        .map_err(|e| ApiError::Invalid(format!("{}: {}", row.name, e.one_line())))?;
    audit_event::record(
        ctx,
        actor,
        AuditEvent::BackupDownload {
            destination_id,
            destination: &row.name,
            object,
        },
    )
    .await?;
    Ok(Download {
        reader,
        size,
        sha256: manifest.sha256,
    })
}

/// Queues a full read of a backup (checksum, decryption, decompression).
/// `trust_unsigned`: the actor confirmed reading a backup this installation did not sign.
pub async fn verify(
    ctx: &Ctx<'_>,
    actor: &Actor,
    destination_id: i64,
    object: &str,
    trust_unsigned: bool,
) -> Result<i64> {
    may_restore(actor)?;
    let (execution_id, destination) = storage::queue_read(
        ctx.state,
        destination_id,
        object,
        None,
        trust_unsigned,
        actor.trigger(),
        actor.user_id(),
    )
    .await?;
    audit_event::record(
        ctx,
        actor,
        AuditEvent::BackupVerify {
            destination_id,
            destination: &destination,
            object,
            execution_id,
        },
    )
    .await?;
    Ok(execution_id)
}

/// Queues a restore of a backup into `target`. A target that holds data is replaced only
/// when `target.replace` says so.
pub async fn restore(
    ctx: &Ctx<'_>,
    actor: &Actor,
    destination_id: i64,
    object: &str,
    target: RestoreTarget,
    trust_unsigned: bool,
) -> Result<i64> {
    may_restore(actor)?;
    let source_id = target.source_id;
    let database = target.database.trim().to_string();
    let (execution_id, destination) = storage::queue_read(
        ctx.state,
        destination_id,
        object,
        Some(target),
        trust_unsigned,
        actor.trigger(),
        actor.user_id(),
    )
    .await?;
    audit_event::record(
        ctx,
        actor,
        AuditEvent::BackupRestore {
            destination_id,
            destination: &destination,
            object,
            source_id,
            database: &database,
            execution_id,
        },
    )
    .await?;
    Ok(execution_id)
}

/// Deletes a backup object and its manifest; returns the destination's name.
pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, destination_id: i64, object: &str) -> Result<String> {
    actor.require(Permission::StorageDelete)?;
    let destination = storage::delete(ctx.state, destination_id, object).await?;
    audit_event::record(
        ctx,
        actor,
        AuditEvent::BackupDelete {
            destination_id,
            destination: &destination,
            object,
        },
    )
    .await?;
    Ok(destination)
}
