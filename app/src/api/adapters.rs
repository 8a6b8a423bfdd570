//! Sources and destinations: the adapter types with their form fields, the configured
//! ones, create/edit/delete and "Test connection". Secrets go in, never out.

use super::adapter_types::{AdapterKind, AdapterRow, AdapterType, ConnectionReport};
use super::error::ApiError;
use leptos::prelude::*;
use std::collections::HashMap;

#[server(endpoint = "adapter_types")]
pub async fn adapter_types(kind: AdapterKind) -> Result<Vec<AdapterType>, ApiError> {
    use crate::server::adapter_store;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        guard(Need::Permission(kind.read_permission()))?;
        Ok(adapter_store::types(kind))
    })
    .await
}

#[server(endpoint = "list_adapters")]
pub async fn list_adapters(kind: AdapterKind) -> Result<Vec<AdapterRow>, ApiError> {
    use crate::server::adapter_store;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(kind.read_permission()))?;
        adapter_store::list(&caller.state.db, kind).await
    })
    .await
}

/// `config` holds the form's text by field name (`config[host]=…`).
#[server(endpoint = "create_adapter")]
pub async fn create_adapter(
    kind: AdapterKind,
    adapter_id: String,
    name: String,
    #[server(default)] config: HashMap<String, String>,
) -> Result<i64, ApiError> {
    use crate::server::adapter_store;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(kind.write_permission()))?;
        let me = caller.user()?;
        let state = &caller.state;
        let access = crate::server::host_access::HostAccess::new(&state.config, me.superadmin);
        let created = adapter_store::create(
            &state.db,
            &state.master_key,
            &access,
            kind,
            &adapter_id,
            &name,
            &config,
        )
        .await?;
        audit::record(
            &state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: &format!("{}.create", kind.as_str()),
                resource_type: kind.as_str(),
                resource_id: Some(created.id.to_string()),
                summary: format!(
                    "created {} {} ({})",
                    kind.as_str(),
                    created.name,
                    created.adapter_id
                ),
                success: true,
            },
        )
        .await?;
        Ok(created.id)
    })
    .await
}

/// Secret fields left empty keep their stored value.
#[server(endpoint = "update_adapter")]
pub async fn update_adapter(
    kind: AdapterKind,
    id: i64,
    name: String,
    #[server(default)] config: HashMap<String, String>,
) -> Result<(), ApiError> {
    use crate::server::adapter_store;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(kind.write_permission()))?;
        let me = caller.user()?;
        let state = &caller.state;
        let access = crate::server::host_access::HostAccess::new(&state.config, me.superadmin);
        let (updated, replaced) =
            adapter_store::update(&state.db, &state.master_key, &access, kind, id, &name, &config).await?;
        let summary = if replaced.is_empty() {
            format!("edited {} {}", kind.as_str(), updated.name)
        } else {
            format!(
                "edited {} {} (replaced secrets: {})",
                kind.as_str(),
                updated.name,
                replaced.join(", ")
            )
        };
        audit::record(
            &state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: &format!("{}.update", kind.as_str()),
                resource_type: kind.as_str(),
                resource_id: Some(id.to_string()),
                summary,
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "delete_adapter")]
pub async fn delete_adapter(kind: AdapterKind, id: i64) -> Result<(), ApiError> {
    use crate::server::adapter_store;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(kind.write_permission()))?;
        let me = caller.user()?;
        let deleted = adapter_store::delete(&caller.state.db, kind, id).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: &format!("{}.delete", kind.as_str()),
                resource_type: kind.as_str(),
                resource_id: Some(id.to_string()),
                summary: format!(
                    "deleted {} {} ({})",
                    kind.as_str(),
                    deleted.name,
                    deleted.adapter_id
                ),
                success: true,
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Tests a stored adapter with its stored config and records the result as its health.
/// It makes the server connect out, so it needs the write permission.
#[server(endpoint = "test_adapter")]
pub async fn test_adapter(kind: AdapterKind, id: i64) -> Result<ConnectionReport, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::{adapter_health, adapter_store, secrets};
    respond(async move {
        let caller = guard(Need::Permission(kind.write_permission()))?;
        let state = &caller.state;
        let stored = adapter_store::find(&state.db, kind, id).await?;
        if kind == AdapterKind::Notification {
            let me = caller.user()?;
            return crate::server::notify::test_send::stored(&state.outbox, &stored, &me.email).await;
        }
        let config = secrets::open(&state.master_key, &stored.config_encrypted)?;
        let (outcome, took) = adapter_health::probe(kind, &stored.adapter_id, &config).await;
        adapter_health::record(&state.db, stored, outcome, took).await
    })
    .await
}

/// Tests the config in the form before it is saved. With `id`, secret fields left empty
/// take the stored values (unless the form changes where they would be sent). Nothing is recorded.
#[server(endpoint = "test_adapter_form")]
pub async fn test_adapter_form(
    kind: AdapterKind,
    adapter_id: String,
    #[server(default)] id: Option<i64>,
    #[server(default)] config: HashMap<String, String>,
) -> Result<ConnectionReport, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::{adapter_forms, adapter_health, adapter_store, secrets};
    respond(async move {
        let caller = guard(Need::Permission(kind.write_permission()))?;
        let state = &caller.state;
        let (adapter_id, stored) = match id {
            Some(id) => {
                let stored = adapter_store::find(&state.db, kind, id).await?;
                let old = secrets::open(&state.master_key, &stored.config_encrypted)?;
                (stored.adapter_id, Some(old))
            }
            None => (adapter_id, None),
        };
        let info = adapter_store::info(kind, &adapter_id)?;
        let schema = (info.schema)();
        let edit = adapter_forms::config_from_form(&schema, &config);
        let config = match &stored {
            Some(old) => secrets::merge_edit(&schema, old, &edit),
            None => edit.clone(),
        };
        adapter_store::check_config(kind, info, &config)?;
        if let Some(old) = &stored {
            secrets::check_secrets_stay(&schema, old, &edit)?;
        }
        let access = crate::server::host_access::HostAccess::new(&state.config, caller.user()?.superadmin);
        crate::server::host_access::check(&access, &schema, stored.as_ref(), &config)?;
        if kind == AdapterKind::Notification {
            let me = caller.user()?;
            let name = "an unsaved channel";
            return Ok(crate::server::notify::test_send::unsaved(
                &state.outbox,
                info.id,
                name,
                config,
                &me.email,
            )
            .await);
        }
        let (outcome, took) = adapter_health::probe(kind, info.id, &config).await;
        Ok(adapter_health::report(
            outcome,
            u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            None,
        ))
    })
    .await
}
