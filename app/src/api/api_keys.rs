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
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Permission(Permission::ApiKeysRead))?;
        crate::server::api_keys::list(&caller.state.db, chrono::Utc::now()).await
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
    use crate::permissions::Permission;
    use crate::server::api_keys::{self, NewKey};
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::ApiKeysWrite))?;
        let me = caller.user()?;
        let db = &caller.state.db;
        let now = chrono::Utc::now();
        let granted = api_keys::grantable(me, &permissions)?;
        let expires_at = api_keys::expiry(&expires_in_days, now)?;
        let name = api_keys::check_name(db, &name).await?;
        let (model, key) = api_keys::create(
            db,
            NewKey {
                name,
                permissions: granted.clone(),
                created_by_user_id: Some(me.user_id),
                expires_at,
            },
            now,
        )
        .await?;
        audit::record(
            db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "api_key.create",
                resource_type: "api_key",
                resource_id: Some(model.id.to_string()),
                summary: format!(
                    "created API key {} ({}…) with {}{}",
                    model.name,
                    model.prefix,
                    granted.join(", "),
                    model
                        .expires_at
                        .map(|e| format!(", expiring {}", e.format("%Y-%m-%d %H:%M UTC")))
                        .unwrap_or_default()
                ),
                success: true,
            },
        )
        .await?;
        Ok(CreatedKey {
            id: model.id,
            name: model.name,
            prefix: model.prefix,
            key,
        })
    })
    .await
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::ApiKeysWrite))?;
        let me = caller.user()?;
        let db = &caller.state.db;
        let revoked = crate::server::api_keys::revoke(db, id, chrono::Utc::now()).await?;
        audit::record(
            db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "api_key.revoke",
                resource_type: "api_key",
                resource_id: Some(id.to_string()),
                summary: format!("revoked API key {} ({}…)", revoked.name, revoked.prefix),
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}
