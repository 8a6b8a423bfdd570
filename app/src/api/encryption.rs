//! Encryption profiles: list, create (a fresh age identity), extra recipients, the
//! one-time identity download, delete.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The profile's own `age1…` public key.
    pub recipient: String,
    /// Further `age1…` keys every backup is also encrypted to (an offline recovery key).
    pub extra_recipients: Vec<String>,
    /// When the identity was downloaded; it can be downloaded only once.
    pub identity_downloaded_at: Option<String>,
}

/// The secret identity, handed out once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityFile {
    pub file_name: String,
    pub contents: String,
}

#[server(endpoint = "list_encryption_profiles")]
pub async fn list_encryption_profiles() -> Result<Vec<ProfileRow>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Permission(Permission::EncryptionRead))?;
        crate::server::encryption_profiles::list(&caller.state.db).await
    })
    .await
}

#[server(endpoint = "create_encryption_profile")]
pub async fn create_encryption_profile(
    name: String,
    #[server(default)] description: String,
) -> Result<ProfileRow, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::encryption_profiles as profiles;
    respond(async move {
        let caller = guard(Need::Permission(Permission::EncryptionWrite))?;
        let me = caller.user()?;
        let state = &caller.state;
        let created = profiles::create(&state.db, &state.master_key, &name, &description).await?;
        audit::record(
            &state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "encryption_profile.create",
                resource_type: "encryption_profile",
                resource_id: Some(created.id.to_string()),
                summary: format!(
                    "created encryption profile {} ({})",
                    created.name, created.recipient
                ),
                success: true,
            },
        )
        .await?;
        Ok(profiles::row(created))
    })
    .await
}

#[server(endpoint = "add_extra_recipient")]
pub async fn add_extra_recipient(id: i64, recipient: String) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::encryption_profiles as profiles;
    respond(async move {
        let caller = guard(Need::Permission(Permission::EncryptionWrite))?;
        let me = caller.user()?;
        let (profile, added) = profiles::add_recipient(&caller.state.db, id, &recipient).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "encryption_profile.add_recipient",
                resource_type: "encryption_profile",
                resource_id: Some(id.to_string()),
                summary: format!("added recipient {added} to encryption profile {}", profile.name),
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "remove_extra_recipient")]
pub async fn remove_extra_recipient(id: i64, recipient: String) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::encryption_profiles as profiles;
    respond(async move {
        let caller = guard(Need::Permission(Permission::EncryptionWrite))?;
        let me = caller.user()?;
        let profile = profiles::remove_recipient(&caller.state.db, id, &recipient).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "encryption_profile.remove_recipient",
                resource_type: "encryption_profile",
                resource_id: Some(id.to_string()),
                summary: format!(
                    "removed recipient {} from encryption profile {}",
                    recipient.trim(),
                    profile.name
                ),
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Returns the secret identity the first time only; later calls get 409.
#[server(endpoint = "download_identity")]
pub async fn download_identity(id: i64) -> Result<IdentityFile, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::encryption_profiles as profiles;
    respond(async move {
        let caller = guard(Need::Permission(Permission::EncryptionWrite))?;
        let me = caller.user()?;
        let state = &caller.state;
        let (name, identity) = profiles::take_identity(&state.db, &state.master_key, id).await?;
        audit::record(
            &state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "encryption_profile.download_identity",
                resource_type: "encryption_profile",
                resource_id: Some(id.to_string()),
                summary: format!("downloaded the identity of encryption profile {name}"),
                success: true,
            },
        )
        .await?;
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        Ok(IdentityFile {
            file_name: format!("bulwark-{slug}.age-identity.txt"),
            contents: format!("# Bulwark encryption profile: {name}\n{identity}\n"),
        })
    })
    .await
}

#[server(endpoint = "delete_encryption_profile")]
pub async fn delete_encryption_profile(id: i64) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::encryption_profiles as profiles;
    respond(async move {
        let caller = guard(Need::Permission(Permission::EncryptionWrite))?;
        let me = caller.user()?;
        let deleted = profiles::delete(&caller.state.db, id).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "encryption_profile.delete",
                resource_type: "encryption_profile",
                resource_id: Some(id.to_string()),
                summary: format!("deleted encryption profile {}", deleted.name),
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}
