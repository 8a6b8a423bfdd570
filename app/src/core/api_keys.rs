//! API keys: list, create (the key is shown once), revoke. Keys are made by console users
//! only: a key belongs to the user who made it and never holds more than they do, so a
//! key cannot mint another.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::api_keys::{ApiKeyRow, CreatedKey};
use crate::api::error::ApiError;
use crate::permissions::Permission;
use crate::server::api_keys::{self as store, NewKey};
use crate::server::error::Result;
use chrono::Utc;

pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<ApiKeyRow>> {
    actor.require(Permission::ApiKeysRead)?;
    store::list(&ctx.state.db, Utc::now()).await
}

/// A new key holding `requested` (each held by the user), expiring after `expires_in_days`
/// (empty: never).
pub async fn create(
    ctx: &Ctx<'_>,
    actor: &Actor,
    name: &str,
    requested: &[String],
    expires_in_days: &str,
) -> Result<CreatedKey> {
    actor.require(Permission::ApiKeysWrite)?;
    let Actor::User(me) = actor else {
        return Err(ApiError::Forbidden {
            permission: "api_keys:write (keys are made in the console, by a user)".into(),
        }
        .into());
    };
    let db = &ctx.state.db;
    let now = Utc::now();
    let granted = store::grantable(me, requested)?;
    let expires_at = store::expiry(expires_in_days, now)?;
    let name = store::check_name(db, name).await?;
    let new = NewKey {
        name,
        permissions: granted.clone(),
        created_by_user_id: Some(me.user_id),
        expires_at,
    };
    let (model, key) = store::create(db, new, now).await?;
    let event = AuditEvent::ApiKeyCreate {
        key: &model,
        granted: &granted,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(CreatedKey {
        id: model.id,
        name: model.name,
        prefix: model.prefix,
        key,
    })
}

pub async fn revoke(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Permission::ApiKeysWrite)?;
    let revoked = store::revoke(&ctx.state.db, id, Utc::now()).await?;
    audit_event::record(ctx, actor, AuditEvent::ApiKeyRevoke { key: &revoked }).await
}
