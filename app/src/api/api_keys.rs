//! API keys for the REST API: list, create (the key is shown once), revoke.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a key stands: only active keys open the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyState {
    Active,
    Expired,
    Revoked,
}

impl KeyState {
    pub fn label(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Expired => "expired",
            KeyState::Revoked => "revoked",
        }
    }
}

/// One key in the list. Never the key nor its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// The first characters of the key (`bwk_` and six more), to tell keys apart.
    pub prefix: String,
    pub permissions: Vec<String>,
    /// The email of the user who created it, if it was created by one who still exists.
    pub created_by: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub state: KeyState,
}

/// A key just created: the plain key exists only in this answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub key: String,
}

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::api_keys::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// `permissions`: permission strings (or `*` for all of them), each one held by the
/// caller; `expires_in_days`: empty for a key that never expires, else 1–3650.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] expires_in_days: String,
) -> Result<CreatedKey, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        crate::core::api_keys::create(&ctx, &actor, &name, &permissions, &expires_in_days).await
    })
    .await
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::api_keys::revoke(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}
