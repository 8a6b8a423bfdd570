//! The storage explorer: destinations, the backups in one, and verify, restore and
//! delete. Restores and verifies are queued as executions; their id is returned so the
//! console can open the live view.

use super::error::ApiError;
use super::storage_types::{StorageDestination, StorageListing};
use leptos::prelude::*;

#[server(endpoint = "storage_destinations")]
pub async fn storage_destinations() -> Result<Vec<StorageDestination>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::storage::destinations(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

#[server(endpoint = "list_backups")]
pub async fn list_backups(destination_id: i64) -> Result<StorageListing, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::storage::listing(&caller.ctx(), &caller.actor()?, destination_id).await
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
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::storage::verify(
            &caller.ctx(),
            &caller.actor()?,
            destination_id,
            &object,
            trust_unsigned.unwrap_or(false),
        )
        .await
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
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let replace = replace_confirmation
            .as_deref()
            .is_some_and(|typed| !typed.trim().is_empty() && typed.trim() == database.trim());
        let target = RestoreTarget {
            source_id,
            database,
            replace,
        };
        crate::core::storage::restore(
            &caller.ctx(),
            &caller.actor()?,
            destination_id,
            &object,
            target,
            trust_unsigned.unwrap_or(false),
        )
        .await
    })
    .await
}

/// Deletes a backup object and its manifest.
#[server(endpoint = "delete_backup")]
pub async fn delete_backup(destination_id: i64, object: String) -> Result<String, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let destination =
            crate::core::storage::delete(&caller.ctx(), &caller.actor()?, destination_id, &object).await?;
        Ok(format!("Deleted {object} from {destination}."))
    })
    .await
}
