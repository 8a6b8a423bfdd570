//! Sources, destinations and notification channels under `/api/v1/sources`,
//! `/api/v1/destinations` and `/api/v1/notification-channels`: the use cases of
//! `core::adapters` behind JSON. Secrets go in, never out: responses say only whether each
//! secret field is set.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::{Path, Query};
use super::problem::Problem;
use crate::api::adapter_types::{AdapterKind, ConnectionReport};
use crate::core::adapters::{self as uc, Config};
use crate::server::adapter_store;
use crate::server::state::AppState;
use adapters::ConfigField;
use adapters::registry;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use entity::adapter_config;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Which collection a handler serves; the routes pick `Sources`, `Destinations` or `Channels`.
pub trait Kind: Send + Sync + 'static {
    const KIND: AdapterKind;
    /// The list answer's key.
    const COLLECTION: &'static str;
}

pub struct Sources;
pub struct Destinations;
pub struct Channels;

impl Kind for Sources {
    const KIND: AdapterKind = AdapterKind::Source;
    const COLLECTION: &'static str = "sources";
}

impl Kind for Destinations {
    const KIND: AdapterKind = AdapterKind::Destination;
    const COLLECTION: &'static str = "destinations";
}

impl Kind for Channels {
    const KIND: AdapterKind = AdapterKind::Notification;
    const COLLECTION: &'static str = "notification_channels";
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

pub async fn list<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<Value>> {
    let rows = uc::list(&ctx(&state, &client), &caller.actor(), K::KIND).await?;
    let out: Vec<Value> = rows.into_iter().map(|m| body(K::KIND, m)).collect();
    Ok(Json(json!({ K::COLLECTION: out })))
}

pub async fn get<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let found = uc::get(&ctx(&state, &client), &caller.actor(), K::KIND, id).await?;
    Ok(Json(body(K::KIND, found)))
}

pub async fn create<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    uc::may_write(&caller.actor(), K::KIND)?;
    let JsonBody(input) = input?;
    let config = Config::Json(input.config);
    let created = uc::create(
        &ctx(&state, &client),
        &caller.actor(),
        K::KIND,
        &input.adapter_id,
        &input.name,
        config,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(body(K::KIND, created))))
}

pub async fn update<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<UpdateBody>, RestError>,
) -> RestResult<Json<Value>> {
    uc::may_write(&caller.actor(), K::KIND)?;
    let JsonBody(input) = input?;
    let config = input.config.map_or(Config::Keep, Config::Json);
    let updated = uc::update(
        &ctx(&state, &client),
        &caller.actor(),
        K::KIND,
        id,
        input.adapter_id.as_deref(),
        input.name.as_deref(),
        config,
    )
    .await?;
    Ok(Json(body(K::KIND, updated)))
}

pub async fn delete<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    uc::delete(&ctx(&state, &client), &caller.actor(), K::KIND, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tests the stored config and records the outcome as the adapter's health, as the
/// console's "Test connection" does (a channel gets a test message). A failed connection
/// answers 502 with the adapter's own error.
pub async fn test<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Response> {
    let report = uc::test(&ctx(&state, &client), &caller.actor(), K::KIND, id).await?;
    Ok(tested(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsavedBody {
    adapter_id: String,
    #[serde(default)]
    config: Map<String, Value>,
}

/// Tests settings before they are saved (the form's "Test connection"); stores nothing.
pub async fn test_unsaved<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<UnsavedBody>, RestError>,
) -> RestResult<Response> {
    let actor = caller.actor();
    uc::may_write(&actor, K::KIND)?;
    let JsonBody(input) = input?;
    let config = Config::Json(input.config);
    let report = uc::test_unsaved(
        &ctx(&state, &client),
        &actor,
        K::KIND,
        &input.adapter_id,
        None,
        config,
    )
    .await?;
    Ok(tested(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthQuery {
    limit: Option<u64>,
}

/// The latest health checks, newest first.
pub async fn health_log<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    Query(q): Query<HealthQuery>,
) -> RestResult<Json<Value>> {
    let limit = super::paging::limit_up_to(q.limit, 100)?.unwrap_or(10);
    let checks = uc::health_log(&ctx(&state, &client), &caller.actor(), K::KIND, id, limit).await?;
    Ok(Json(json!({ "checks": checks })))
}

/// A connection test's answer: 200 when it connected, 502 with the adapter's own error.
fn tested(report: ConnectionReport) -> Response {
    if report.ok {
        return Json(
            json!({"ok": true, "message": report.message, "millis": report.millis, "health": report.health}),
        )
        .into_response();
    }
    let mut failed = Problem::new(StatusCode::BAD_GATEWAY, "connection_failed", report.message);
    failed.extra.insert("millis".into(), json!(report.millis));
    failed.extra.insert("health".into(), json!(report.health));
    failed.into_response()
}

/// The adapter types the key may see, with their config fields.
pub async fn types(caller: Caller) -> RestResult<Json<Value>> {
    let actor = caller.actor();
    let kinds = [
        (AdapterKind::Source, "sources"),
        (AdapterKind::Destination, "destinations"),
        (AdapterKind::Notification, "notification_channels"),
    ];
    let mut out = Map::new();
    let mut refused = None;
    for (kind, key) in kinds {
        match uc::types(&actor, kind) {
            Ok(types) => {
                out.insert(key.into(), json!(types));
            }
            Err(e) => refused = refused.or(Some(e)),
        }
    }
    match refused {
        Some(e) if out.is_empty() => Err(e.into()),
        _ => Ok(Json(Value::Object(out))),
    }
}
