//! Runtime settings: read them all, change some. Every value is validated before any is
//! stored; a SuperAdmin's settings change only by a SuperAdmin.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::settings::SettingView;
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::settings as store;

pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<SettingView>> {
    actor.require(Permission::SettingsRead)?;
    views(ctx, actor).await
}

async fn views(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<SettingView>> {
    let superadmin = actor.superadmin();
    let all = store::all(&ctx.state.db).await?;
    Ok(all.iter().map(|(s, v)| store::view(s, *v, superadmin)).collect())
}

/// Whether the actor may change settings at all, checked before a request body is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::SettingsWrite)?)
}

/// Stores the values given as text by setting key; answers every setting after saving
/// (also to an actor who holds settings:write alone, as before).
pub async fn update(
    ctx: &Ctx<'_>,
    actor: &Actor,
    mut values: Vec<(String, String)>,
) -> Result<Vec<SettingView>> {
    may_write(actor)?;
    values.sort();
    let changes = store::update(&ctx.state.db, &values, actor.superadmin()).await?;
    if !changes.is_empty() {
        audit_event::record(ctx, actor, AuditEvent::SettingsUpdate { changes: &changes }).await?;
    }
    views(ctx, actor).await
}
