//! Sources and destinations under `/api/v1/sources` and `/api/v1/destinations`: the
//! console's adapter store behind JSON. Secrets go in, never out: responses say only
//! whether each secret field is set.

use super::audit::{self, Client};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::api::adapter_types::AdapterKind;
use crate::api::error::ApiError;
use crate::server::adapter_forms::as_text;
use crate::server::audit::Entry;
use crate::server::host_access::HostAccess;
use crate::server::state::AppState;
use crate::server::{adapter_health, adapter_store, secrets};
use adapters::ConfigField;
use adapters::registry;
use axum::Json;
use axum::extract::{Path, State};
use entity::adapter_config;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Which collection a handler serves; the routes pick `Sources` or `Destinations`.
pub trait Kind: Send + Sync + 'static {
    const KIND: AdapterKind;
}

pub struct Sources;
pub struct Destinations;

impl Kind for Sources {
    const KIND: AdapterKind = AdapterKind::Source;
}

impl Kind for Destinations {
    const KIND: AdapterKind = AdapterKind::Destination;
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    adapter_id: String,
    name: String,
    #[serde(default)]
    config: Map<String, Value>,
}

/// Every field is optional: a missing `name` keeps the name, a missing `config` keeps the
/// whole config. A given `config` replaces the stored one, except that a secret field left
/// out, empty or `"set"` keeps its stored value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    adapter_id: Option<String>,
    name: Option<String>,
    config: Option<Map<String, Value>>,
}

fn schema_of(kind: AdapterKind, adapter_id: &str) -> Vec<ConfigField> {
    registry::find(adapter_id)
        .filter(|a| a.kind() == adapter_store::registry_kind(kind))
        .map(|a| (a.schema)())
        .unwrap_or_default()
}

/// The stored adapter as JSON: typed public settings plus `"set"`/`"unset"` per secret.
pub fn body(kind: AdapterKind, model: adapter_config::Model) -> Value {
    let schema = schema_of(kind, &model.adapter_id);
    let mut config = Map::new();
    let mut secret_state = Map::new();
    for field in &schema {
        let value = model.metadata.get(field.name);
        if field.secret {
            let word = if value.is_some() { "set" } else { "unset" };
            secret_state.insert(field.name.to_string(), json!(word));
        } else if let Some(v) = value {
            config.insert(field.name.to_string(), v.clone());
        }
    }
    let (created_at, updated_at) = (model.created_at, model.updated_at);
    let last_check_at = model.last_check_at;
    let row = adapter_store::row(kind, model);
    json!({
        "id": row.id,
        "kind": kind.as_str(),
        "name": row.name,
        "adapter_id": row.adapter_id,
        "adapter_label": row.adapter_label,
        "config": config,
        "secrets": secret_state,
        "health": row.health,
        "last_check_at": last_check_at,
        "last_error": row.last_error,
        "created_at": created_at,
        "updated_at": updated_at,
    })
}

/// JSON config as the form text the store reads. A bool left out takes its schema default
/// (the console's form always sends every checkbox; an API client should not have to).
fn form_text(schema: &[ConfigField], config: &Map<String, Value>) -> HashMap<String, String> {
    let mut form: HashMap<String, String> = config.iter().map(|(k, v)| (k.clone(), as_text(v))).collect();
    for field in schema {
        if field.field_type == adapters::FieldType::Bool
            && !form.contains_key(field.name)
            && let Some(default) = &field.default
        {
            form.insert(field.name.to_string(), as_text(default));
        }
    }
    form
}

pub async fn list<K: Kind>(State(state): State<AppState>, caller: Caller) -> RestResult<Json<Value>> {
    caller.require(K::KIND.read_permission())?;
    let rows = adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(adapter_store::entity_kind(K::KIND)))
        .order_by_asc(adapter_config::Column::Name)
        .all(&state.db)
        .await?;
    let key = format!("{}s", K::KIND.as_str());
    let out: Vec<Value> = rows.into_iter().map(|m| body(K::KIND, m)).collect();
    Ok(Json(json!({ key: out })))
}

pub async fn get<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    caller.require(K::KIND.read_permission())?;
    let found = adapter_store::find(&state.db, K::KIND, id).await?;
    Ok(Json(body(K::KIND, found)))
}

pub async fn create<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let kind = K::KIND;
    let key = caller.require(kind.write_permission())?;
    let JsonBody(input) = input?;
    let schema = schema_of(kind, &input.adapter_id);
    let form = form_text(&schema, &input.config);
    let access = HostAccess::new(&state.config, key.superadmin());
    let created = adapter_store::create(
        &state.db,
        &state.master_key,
        &access,
        kind,
        &input.adapter_id,
        &input.name,
        &form,
    )
    .await?;
    audit::record(
        &state,
        key,
        &client,
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
    Ok((StatusCode::CREATED, Json(body(kind, created))))
}

pub async fn update<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<UpdateBody>, RestError>,
) -> RestResult<Json<Value>> {
    let kind = K::KIND;
    let key = caller.require(kind.write_permission())?;
    let JsonBody(input) = input?;
    let stored = adapter_store::find(&state.db, kind, id).await?;
    if input.adapter_id.as_ref().is_some_and(|a| *a != stored.adapter_id) {
        return Err(RestError(ApiError::invalid(format!(
            "The adapter of a {} cannot be changed; create a new {} instead.",
            kind.as_str(),
            kind.as_str()
        ))));
    }
    let schema = schema_of(kind, &stored.adapter_id);
    let form = match &input.config {
        Some(config) => form_text(&schema, config),
        None => adapter_store::row(kind, stored.clone())
            .values
            .into_iter()
            .collect(),
    };
    let name = input.name.unwrap_or_else(|| stored.name.clone());
    let access = HostAccess::new(&state.config, key.superadmin());
    let (updated, replaced) =
        adapter_store::update(&state.db, &state.master_key, &access, kind, id, &name, &form).await?;
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
        &state,
        key,
        &client,
        Entry {
            action: &format!("{}.update", kind.as_str()),
            resource_type: kind.as_str(),
            resource_id: Some(id.to_string()),
            summary,
            success: true,
        },
    )
    .await?;
    Ok(Json(body(kind, updated)))
}

pub async fn delete<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    let kind = K::KIND;
    let key = caller.require(kind.write_permission())?;
    let deleted = adapter_store::delete(&state.db, kind, id).await?;
    audit::record(
        &state,
        key,
        &client,
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
    Ok(StatusCode::NO_CONTENT)
}

/// Tests the stored config and records the outcome as the adapter's health, as the
/// console's "Test connection" does. It makes the server connect out, so it needs the
/// write permission. A failed connection answers 502 with the adapter's own error.
pub async fn test<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let kind = K::KIND;
    caller.require(kind.write_permission())?;
    let stored = adapter_store::find(&state.db, kind, id).await?;
    let config = secrets::open(&state.master_key, &stored.config_encrypted)?;
    let (outcome, took) = adapter_health::probe(kind, &stored.adapter_id, &config).await;
    let report = adapter_health::record(&state.db, stored, outcome, took).await?;
    if report.ok {
        return Ok((
            StatusCode::OK,
            Json(
                json!({"ok": true, "message": report.message, "millis": report.millis, "health": report.health}),
            ),
        ));
    }
    Ok((
        StatusCode::BAD_GATEWAY,
        Json(json!({"error": {
            "code": "connection_failed",
            "message": report.message,
            "millis": report.millis,
            "health": report.health,
        }})),
    ))
}

/// The adapter types the key may see, with their config fields.
pub async fn types(caller: Caller) -> RestResult<Json<Value>> {
    let sources = caller.0.can(AdapterKind::Source.read_permission());
    let destinations = caller.0.can(AdapterKind::Destination.read_permission());
    if !sources && !destinations {
        caller.require(AdapterKind::Source.read_permission())?;
    }
    let mut out = Map::new();
    if sources {
        out.insert("sources".into(), json!(adapter_store::types(AdapterKind::Source)));
    }
    if destinations {
        out.insert(
            "destinations".into(),
            json!(adapter_store::types(AdapterKind::Destination)),
        );
    }
    Ok(Json(Value::Object(out)))
}
