//! Sources and destinations: the adapter types with their form fields, the configured
//! ones, create/edit/delete and "Test connection". Secrets go in, never out.

use super::adapter_types::{AdapterKind, AdapterRow, AdapterType, ConnectionReport};
use super::error::ApiError;
use leptos::prelude::*;
use std::collections::HashMap;

#[server(endpoint = "adapter_types")]
pub async fn adapter_types(kind: AdapterKind) -> Result<Vec<AdapterType>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::adapters::types(&caller.actor()?, kind)
    })
    .await
}

#[server(endpoint = "list_adapters")]
pub async fn list_adapters(kind: AdapterKind) -> Result<Vec<AdapterRow>, ApiError> {
    use crate::server::adapter_store;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let rows = crate::core::adapters::list(&caller.ctx(), &caller.actor()?, kind).await?;
        Ok(rows.into_iter().map(|m| adapter_store::row(kind, m)).collect())
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
    use crate::core::adapters::{self, Config};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        let created = adapters::create(&ctx, &actor, kind, &adapter_id, &name, Config::Form(config)).await?;
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
    use crate::core::adapters::{self, Config};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        adapters::update(&ctx, &actor, kind, id, None, Some(&name), Config::Form(config)).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "delete_adapter")]
pub async fn delete_adapter(kind: AdapterKind, id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::adapters::delete(&caller.ctx(), &caller.actor()?, kind, id).await
    })
    .await
}

/// Tests a stored adapter with its stored config and records the result as its health.
#[server(endpoint = "test_adapter")]
pub async fn test_adapter(kind: AdapterKind, id: i64) -> Result<ConnectionReport, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::adapters::test(&caller.ctx(), &caller.actor()?, kind, id).await
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
    use crate::core::adapters::{self, Config};
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        adapters::test_unsaved(&ctx, &actor, kind, &adapter_id, id, Config::Form(config)).await
    })
    .await
}
