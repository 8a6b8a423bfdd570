//! The backups in a destination: list, download, verify, restore and delete.
//! Verify and restore answer 202 with the id of the execution that does the work.

use super::audit::{self, Client};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::engine::RestoreTarget;
use crate::permissions::Permission;
use crate::server::audit::{Actor, Entry};
use crate::server::state::AppState;
use crate::server::storage::{self, Abilities};
use crate::server::storage_download;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use entity::enums::ExecutionTrigger;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct ObjectQuery {
    /// Missing reads as empty, which is refused with a JSON error like any bad key.
    #[serde(default)]
    pub object: String,
}

#[derive(Debug, Deserialize)]
pub struct VerifyBody {
    pub object: String,
    /// Read it even though this installation did not sign its manifest.
    #[serde(default)]
    pub trust_unsigned: bool,
}

#[derive(Debug, Deserialize)]
pub struct RestoreBody {
    pub object: String,
    pub source_id: i64,
    pub database: String,
    /// Replace what the target database holds (refused without it).
    #[serde(default)]
    pub replace: bool,
    #[serde(default)]
    pub trust_unsigned: bool,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let key = caller.require(Permission::StorageRead)?;
    let can = Abilities {
        download: key.can(Permission::StorageDownload),
        restore: key.can(Permission::StorageRestore),
        delete: key.can(Permission::StorageDelete),
    };
    let listing = storage::listing(&state, id, can).await?;
    Ok(Json(serde_json::to_value(listing).unwrap_or_default()))
}

pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    Query(q): Query<ObjectQuery>,
) -> RestResult<Response> {
    let key = caller.require(Permission::StorageDownload)?;
    let actor = format!("api-key:{}", key.name);
    Ok(storage_download::stream(&state, Actor::Anonymous(&actor), &client.0, id, &q.object).await?)
}

pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    body: Result<JsonBody<VerifyBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let key = caller.require(Permission::StorageRestore)?;
    let JsonBody(body) = body?;
    let (execution_id, destination) = storage::queue_read(
        &state,
        id,
        &body.object,
        None,
        body.trust_unsigned,
        ExecutionTrigger::Api,
        None,
    )
    .await?;
    audit::record(
        &state,
        key,
        &client,
        Entry {
            action: "backup.verify",
            resource_type: "destination",
            resource_id: Some(id.to_string()),
            summary: format!(
                "queued a verify of {} in {destination} (execution #{execution_id})",
                body.object
            ),
            success: true,
        },
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "execution_id": execution_id })),
    ))
}

pub async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    body: Result<JsonBody<RestoreBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let key = caller.require(Permission::StorageRestore)?;
    let JsonBody(body) = body?;
    let target = RestoreTarget {
        source_id: body.source_id,
        database: body.database.clone(),
        replace: body.replace,
    };
    let (execution_id, destination) = storage::queue_read(
        &state,
        id,
        &body.object,
        Some(target),
        body.trust_unsigned,
        ExecutionTrigger::Api,
        None,
    )
    .await?;
    audit::record(
        &state,
        key,
        &client,
        Entry {
            action: "backup.restore",
            resource_type: "destination",
            resource_id: Some(id.to_string()),
            summary: format!(
                "queued a restore of {} from {destination} into database {} of source #{} (execution #{execution_id})",
                body.object,
                body.database.trim(),
                body.source_id
            ),
            success: true,
        },
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "execution_id": execution_id })),
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    Query(q): Query<ObjectQuery>,
) -> RestResult<Json<Value>> {
    let key = caller.require(Permission::StorageDelete)?;
    let destination = storage::delete(&state, id, &q.object).await?;
    audit::record(
        &state,
        key,
        &client,
        Entry {
            action: "backup.delete",
            resource_type: "destination",
            resource_id: Some(id.to_string()),
            summary: format!("deleted {} from {destination}", q.object),
            success: true,
        },
    )
    .await?;
    Ok(Json(json!({ "deleted": q.object })))
}
