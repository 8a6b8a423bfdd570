//! The storage explorer: destinations, the backups in one, and verify, restore and
//! delete. Restores and verifies are queued as executions; their id is returned so the
//! console can open the live view.

use super::error::ApiError;
use super::storage_types::{StorageDestination, StorageListing};
use leptos::prelude::*;

#[server(endpoint = "storage_destinations")]
pub async fn storage_destinations() -> Result<Vec<StorageDestination>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::storage;
    respond(async move {
        let caller = guard(Need::Permission(Permission::StorageRead))?;
        storage::destinations(&caller.state.db).await
    })
    .await
}

#[server(endpoint = "list_backups")]
pub async fn list_backups(destination_id: i64) -> Result<StorageListing, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::storage::{self, Abilities};
    respond(async move {
        let caller = guard(Need::Permission(Permission::StorageRead))?;
        let me = caller.user()?;
        let can = Abilities {
            download: me.can(Permission::StorageDownload),
            restore: me.can(Permission::StorageRestore),
            delete: me.can(Permission::StorageDelete),
        };
        storage::listing(&caller.state, destination_id, can).await
    })
    .await
}

/// Queues a full read of a backup (checksum, decryption, decompression).
/// `trust_unsigned`: the user confirmed reading a backup this installation did not sign.
#[server(endpoint = "verify_backup")]
pub async fn verify_backup(
    destination_id: i64,
    object: String,
    trust_unsigned: Option<bool>,
) -> Result<i64, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::storage;
    use entity::enums::ExecutionTrigger;
    respond(async move {
        let caller = guard(Need::Permission(Permission::StorageRestore))?;
        let me = caller.user()?;
        let (id, destination) = storage::queue_read(
            &caller.state,
            destination_id,
            &object,
            None,
            trust_unsigned.unwrap_or(false),
            ExecutionTrigger::Manual,
            Some(me.user_id),
        )
        .await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "backup.verify",
                resource_type: "destination",
                resource_id: Some(destination_id.to_string()),
                summary: format!("queued a verify of {object} in {destination} (execution #{id})"),
                success: true,
            },
        )
        .await?;
        Ok(id)
    })
    .await
}

/// Queues a restore of a backup into `database` of source `source_id`. A target that
/// holds data is replaced only when `replace_confirmation` repeats its name.
#[server(endpoint = "restore_backup")]
pub async fn restore_backup(
    destination_id: i64,
    object: String,
    source_id: i64,
    database: String,
    replace_confirmation: Option<String>,
    trust_unsigned: Option<bool>,
) -> Result<i64, ApiError> {
    use crate::engine::RestoreTarget;
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::storage;
    use entity::enums::ExecutionTrigger;
    respond(async move {
        let caller = guard(Need::Permission(Permission::StorageRestore))?;
        let me = caller.user()?;
        let replace = replace_confirmation
            .as_deref()
            .is_some_and(|typed| !typed.trim().is_empty() && typed.trim() == database.trim());
        let target = RestoreTarget {
            source_id,
            database: database.clone(),
            replace,
        };
        let (id, destination) = storage::queue_read(
            &caller.state,
            destination_id,
            &object,
            Some(target),
            trust_unsigned.unwrap_or(false),
            ExecutionTrigger::Manual,
            Some(me.user_id),
        )
        .await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "backup.restore",
                resource_type: "destination",
                resource_id: Some(destination_id.to_string()),
                summary: format!(
                    "queued a restore of {object} from {destination} into database {} of source #{source_id} (execution #{id})",
                    database.trim()
                ),
                success: true,
            },
        )
        .await?;
        Ok(id)
    })
    .await
}

/// Deletes a backup object and its manifest.
#[server(endpoint = "delete_backup")]
pub async fn delete_backup(destination_id: i64, object: String) -> Result<String, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::storage;
    respond(async move {
        let caller = guard(Need::Permission(Permission::StorageDelete))?;
        let me = caller.user()?;
        let destination = storage::delete(&caller.state, destination_id, &object).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "backup.delete",
                resource_type: "destination",
                resource_id: Some(destination_id.to_string()),
                summary: format!("deleted {object} from {destination}"),
                success: true,
            },
        )
        .await?;
        Ok(format!("Deleted {object} from {destination}."))
    })
    .await
}
