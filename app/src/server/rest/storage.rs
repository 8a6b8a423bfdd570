//! The backups in a destination: list, download, verify, restore and delete.
//! Verify and restore answer 202 with the id of the execution that does the work.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::{Path, Query};
use crate::core::storage;
use crate::engine::RestoreTarget;
use crate::server::state::AppState;
use crate::server::storage_download;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
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
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let listing = storage::listing(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(serde_json::to_value(listing).unwrap_or_default()))
}

pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    Query(q): Query<ObjectQuery>,
) -> RestResult<Response> {
    let download = storage::download(&ctx(&state, &client), &caller.actor(), id, &q.object).await?;
    Ok(storage_download::respond(download, &q.object))
}

pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    body: Result<JsonBody<VerifyBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let actor = caller.actor();
    storage::may_restore(&actor)?;
    let JsonBody(body) = body?;
    let execution_id = storage::verify(
        &ctx(&state, &client),
        &actor,
        id,
        &body.object,
        body.trust_unsigned,
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
    let actor = caller.actor();
    storage::may_restore(&actor)?;
    let JsonBody(body) = body?;
    let target = RestoreTarget {
        source_id: body.source_id,
        database: body.database,
        replace: body.replace,
    };
    let execution_id = storage::restore(
        &ctx(&state, &client),
        &actor,
        id,
        &body.object,
        target,
        body.trust_unsigned,
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
    storage::delete(&ctx(&state, &client), &caller.actor(), id, &q.object).await?;
    Ok(Json(json!({ "deleted": q.object })))
}
