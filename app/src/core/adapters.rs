//! Sources, destinations and notification channels: list, read, create, edit, delete and
//! "Test connection" (a test message for a channel). Secrets go in, never out.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::adapter_types::{AdapterKind, AdapterType, ConnectionReport};
use crate::api::error::ApiError;
use crate::api::health_log::HealthCheckRow;
use crate::server::adapter_forms;
use crate::server::error::Result;
use crate::server::host_access::HostAccess;
use crate::server::{adapter_health, adapter_store, secrets};
use adapters::registry;
use entity::adapter_config;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// An adapter's settings as a surface received them.
pub enum Config {
    /// The console form's text by field name.
    Form(HashMap<String, String>),
    /// Typed JSON (REST). A bool left out takes its schema default.
    Json(Map<String, Value>),
    /// Keep the stored settings (an edit that only renames).
    Keep,
}

/// The write permission of `kind`, for a surface to refuse a caller before it even parses
/// their input (so that a caller without it learns nothing from validation errors). The
/// use cases check it again.
pub fn may_write(actor: &Actor, kind: AdapterKind) -> Result<()> {
    actor.require(kind.write_permission())?;
    Ok(())
}

pub fn types(actor: &Actor, kind: AdapterKind) -> Result<Vec<AdapterType>> {
    actor.require(kind.read_permission())?;
    Ok(adapter_store::types(kind))
}

pub async fn list(ctx: &Ctx<'_>, actor: &Actor, kind: AdapterKind) -> Result<Vec<adapter_config::Model>> {
    actor.require(kind.read_permission())?;
    Ok(adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(adapter_store::entity_kind(kind)))
        .order_by_asc(adapter_config::Column::Name)
        .all(&ctx.state.db)
        .await?)
}

/// The last `limit` (1–100) recorded health checks of adapter `id`, newest first.
pub async fn health_log(
    ctx: &Ctx<'_>,
    actor: &Actor,
    kind: AdapterKind,
    id: i64,
    limit: u64,
) -> Result<Vec<HealthCheckRow>> {
    actor.require(kind.read_permission())?;
    crate::server::health_checks::recent(&ctx.state.db, kind, id, limit.clamp(1, 100)).await
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, kind: AdapterKind, id: i64) -> Result<adapter_config::Model> {
    actor.require(kind.read_permission())?;
    adapter_store::find(&ctx.state.db, kind, id).await
}

/// The settings as form text. Typed JSON is held to its adapter's schema first; for an
/// adapter id that names nothing, the store reports that instead.
fn form_text(kind: AdapterKind, adapter_id: &str, config: Config) -> Result<HashMap<String, String>> {
    Ok(match config {
        Config::Form(form) => form,
        Config::Json(json) => {
            match registry::find(adapter_id).filter(|a| a.kind() == adapter_store::registry_kind(kind)) {
                Some(adapter) => {
                    adapter_forms::form_from_json(&(adapter.schema)(), &json).map_err(|problems| {
                        ApiError::Invalid(format!("The settings were not accepted: {problems}."))
                    })?
                }
                None => json
                    .iter()
                    .map(|(k, v)| (k.clone(), adapter_forms::as_text(v)))
                    .collect(),
            }
        }
        Config::Keep => HashMap::new(),
    })
}

pub async fn create(
    ctx: &Ctx<'_>,
    actor: &Actor,
    kind: AdapterKind,
    adapter_id: &str,
    name: &str,
    config: Config,
) -> Result<adapter_config::Model> {
    actor.require(kind.write_permission())?;
    let state = ctx.state;
    let form = form_text(kind, adapter_id, config)?;
    let access = HostAccess::new(&state.config, actor.superadmin());
    let created = adapter_store::create(
        &state.db,
        &state.master_key,
        &access,
        kind,
        adapter_id,
        name,
        &form,
    )
    .await?;
    let event = AuditEvent::AdapterCreate {
        kind,
        id: created.id,
        name: &created.name,
        adapter_id: &created.adapter_id,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(created)
}

/// `adapter_id`, when given, must be the stored one: an adapter's type never changes.
/// `name: None` keeps the name.
pub async fn update(
    ctx: &Ctx<'_>,
    actor: &Actor,
    kind: AdapterKind,
    id: i64,
    adapter_id: Option<&str>,
    name: Option<&str>,
    config: Config,
) -> Result<adapter_config::Model> {
    actor.require(kind.write_permission())?;
    let state = ctx.state;
    let stored = adapter_store::find(&state.db, kind, id).await?;
    if adapter_id.is_some_and(|a| a != stored.adapter_id) {
        return Err(ApiError::invalid(format!(
            "The adapter of a {} cannot be changed; create a new {} instead.",
            kind.as_str(),
            kind.as_str()
        ))
        .into());
    }
    let form = match config {
        Config::Keep => adapter_store::row(kind, stored.clone())
            .values
            .into_iter()
            .collect(),
        given => form_text(kind, &stored.adapter_id, given)?,
    };
    let name = name.unwrap_or(&stored.name).to_string();
    let access = HostAccess::new(&state.config, actor.superadmin());
    let (updated, replaced) =
        adapter_store::update(&state.db, &state.master_key, &access, kind, id, &name, &form).await?;
    let event = AuditEvent::AdapterUpdate {
        kind,
        id,
        name: &updated.name,
        replaced: &replaced,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(updated)
}

pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, kind: AdapterKind, id: i64) -> Result<()> {
    actor.require(kind.write_permission())?;
    let deleted = adapter_store::delete(&ctx.state.db, kind, id).await?;
    let event = AuditEvent::AdapterDelete {
        kind,
        id,
        name: &deleted.name,
        adapter_id: &deleted.adapter_id,
    };
    audit_event::record(ctx, actor, event).await
}

/// Tests the stored config and records the outcome as the adapter's health; a channel
/// gets a test message. It makes the server connect out, so it needs the write permission.
pub async fn test(ctx: &Ctx<'_>, actor: &Actor, kind: AdapterKind, id: i64) -> Result<ConnectionReport> {
    actor.require(kind.write_permission())?;
    let state = ctx.state;
    let stored = adapter_store::find(&state.db, kind, id).await?;
    if kind == AdapterKind::Notification {
        return crate::server::notify::test_send::stored(&state.outbox, &stored, &actor.label()).await;
    }
    let config = secrets::open(&state.master_key, &stored.config_encrypted)?;
    let (outcome, took) = adapter_health::probe(kind, &stored.adapter_id, &config).await;
    adapter_health::record(&state.db, stored, outcome, took).await
}

/// Tests settings before they are saved; nothing is recorded. With `id`, secret fields
/// left empty take the stored values (unless the edit changes where they would be sent).
pub async fn test_unsaved(
    ctx: &Ctx<'_>,
    actor: &Actor,
    kind: AdapterKind,
    adapter_id: &str,
    id: Option<i64>,
    config: Config,
) -> Result<ConnectionReport> {
    actor.require(kind.write_permission())?;
    let state = ctx.state;
    let (adapter_id, stored) = match id {
        Some(id) => {
            let stored = adapter_store::find(&state.db, kind, id).await?;
            let old = secrets::open(&state.master_key, &stored.config_encrypted)?;
            (stored.adapter_id, Some(old))
        }
        None => (adapter_id.to_string(), None),
    };
    let info = adapter_store::info(kind, &adapter_id)?;
    let schema = (info.schema)();
    let edit = adapter_forms::config_from_form(&schema, &form_text(kind, &adapter_id, config)?);
    let config = match &stored {
        Some(old) => secrets::merge_edit(&schema, old, &edit),
        None => edit.clone(),
    };
    adapter_store::check_config(kind, info, &config)?;
    if let Some(old) = &stored {
        secrets::check_secrets_stay(&schema, old, &edit)?;
    }
    let access = HostAccess::new(&state.config, actor.superadmin());
    crate::server::host_access::check(&access, &schema, stored.as_ref(), &config)?;
    if kind == AdapterKind::Notification {
        let name = "an unsaved channel";
        let by = actor.label();
        return Ok(
            crate::server::notify::test_send::unsaved(&state.outbox, info.id, name, config, &by).await,
        );
    }
    let (outcome, took) = adapter_health::probe(kind, info.id, &config).await;
    let millis = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
    Ok(adapter_health::report(outcome, millis, None))
}
