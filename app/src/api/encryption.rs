//! Encryption profiles: list, create (a fresh age identity), extra recipients, the
//! one-time identity download, delete.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The identity (the secret key) is never part of the REST API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The profile's own `age1…` public key.
    pub recipient: String,
    /// Further `age1…` keys every backup is also encrypted to (an offline recovery key).
    pub extra_recipients: Vec<String>,
    /// When the identity was downloaded (`2026-12-07 15:00:00 UTC`); it can be
    /// downloaded only once.
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
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::encryption::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

#[server(endpoint = "create_encryption_profile")]
pub async fn create_encryption_profile(
    name: String,
    #[server(default)] description: String,
) -> Result<ProfileRow, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::encryption::create(&caller.ctx(), &caller.actor()?, &name, &description).await
    })
    .await
}

#[server(endpoint = "add_extra_recipient")]
pub async fn add_extra_recipient(id: i64, recipient: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::encryption::add_recipient(&caller.ctx(), &caller.actor()?, id, &recipient).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "remove_extra_recipient")]
pub async fn remove_extra_recipient(id: i64, recipient: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::encryption::remove_recipient(&caller.ctx(), &caller.actor()?, id, &recipient).await?;
        Ok(())
    })
    .await
}

/// Returns the secret identity the first time only; later calls get 409.
#[server(endpoint = "download_identity")]
pub async fn download_identity(id: i64) -> Result<IdentityFile, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (name, identity) =
            crate::core::encryption::take_identity(&caller.ctx(), &caller.actor()?, id).await?;
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
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::encryption::delete(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}
