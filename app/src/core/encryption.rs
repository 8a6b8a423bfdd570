//! Encryption profile operations: list, read, create, extra recipients, the one-time
//! identity download, delete.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::encryption::ProfileRow;
use crate::permissions::Permission;
use crate::server::encryption_profiles as profiles;
use crate::server::error::Result;

/// Whether the actor may change profiles, asked before their input is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::EncryptionWrite)?)
}

pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<ProfileRow>> {
    actor.require(Permission::EncryptionRead)?;
    profiles::list(&ctx.state.db).await
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<ProfileRow> {
    actor.require(Permission::EncryptionRead)?;
    Ok(profiles::row(profiles::find(&ctx.state.db, id).await?))
}

/// A new profile with a fresh age identity, sealed with the master key.
pub async fn create(ctx: &Ctx<'_>, actor: &Actor, name: &str, description: &str) -> Result<ProfileRow> {
    actor.require(Permission::EncryptionWrite)?;
    let state = ctx.state;
    let created = profiles::create(&state.db, &state.master_key, name, description).await?;
    let event = AuditEvent::EncryptionProfileCreate {
        profile_id: created.id,
        name: &created.name,
        recipient: &created.recipient,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(profiles::row(created))
}

pub async fn add_recipient(ctx: &Ctx<'_>, actor: &Actor, id: i64, recipient: &str) -> Result<ProfileRow> {
    actor.require(Permission::EncryptionWrite)?;
    let (profile, added) = profiles::add_recipient(&ctx.state.db, id, recipient).await?;
    let event = AuditEvent::EncryptionRecipientAdd {
        profile_id: id,
        name: &profile.name,
        recipient: &added,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(profiles::row(profile))
}

pub async fn remove_recipient(ctx: &Ctx<'_>, actor: &Actor, id: i64, recipient: &str) -> Result<ProfileRow> {
    actor.require(Permission::EncryptionWrite)?;
    let profile = profiles::remove_recipient(&ctx.state.db, id, recipient).await?;
    let event = AuditEvent::EncryptionRecipientRemove {
        profile_id: id,
        name: &profile.name,
        recipient: recipient.trim(),
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(profiles::row(profile))
}

/// The profile's name and secret identity, the first time only; later calls get 409.
pub async fn take_identity(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<(String, String)> {
    actor.require(Permission::EncryptionWrite)?;
    let state = ctx.state;
    let (name, identity) = profiles::take_identity(&state.db, &state.master_key, id).await?;
    let event = AuditEvent::EncryptionIdentityDownload {
        profile_id: id,
        name: &name,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok((name, identity))
}

pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Permission::EncryptionWrite)?;
    let deleted = profiles::delete(&ctx.state.db, id).await?;
    let event = AuditEvent::EncryptionProfileDelete {
        profile_id: id,
        name: &deleted.name,
    };
    audit_event::record(ctx, actor, event).await
}
