//! The backups in a destination: list, download, verify, restore and delete.
//! Verify and restore answer 202 with the id of the execution that does the work.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::{Path, Query};
use super::openapi_types::Id;
use crate::api::storage_types::StorageListing;
use crate::core::storage;
use crate::engine::RestoreTarget;
use crate::server::state::AppState;
use crate::server::storage_download;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectQuery {
    /// The backup's key in the destination (`object` of the listing).
    #[param(min_length = 1, pattern = r"\S")]
    pub object: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The backup's key in the destination (`object` of the listing).
    #[schema(min_length = 1, pattern = r"\S")]
    pub object: String,
    /// Read it even though this installation did not sign its manifest (409 otherwise).
    #[serde(default)]
    pub trust_unsigned: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// The backup's key in the destination (`object` of the listing).
    #[schema(min_length = 1, pattern = r"\S")]
    pub object: String,
    /// A source of the backup's kind.
    pub source_id: i64,
    /// The target database; a new name creates it.
    #[schema(min_length = 1, pattern = r"\S")]
    pub database: String,
    /// Replace a database that exists and holds data (409 otherwise).
    #[serde(default)]
    pub replace: bool,
    /// Restore a backup whose manifest this installation did not sign (409 otherwise).
    #[serde(default)]
    pub trust_unsigned: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Queued {
    /// Poll `/api/v1/executions/{execution_id}`.
    execution_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Deleted {
    deleted: String,
}

#[utoipa::path(get, path = "/api/v1/destinations/{id}/backups", tag = "storage", params(Id),
    summary = "The backups in a destination, read from their manifests, newest first, at most 500 (permission storage:read)",
    responses((status = 200, description = "The listing", body = StorageListing),
        (status = 404, description = "No such destination"),
        (status = 502, description = "The destination could not be read")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<StorageListing>> {
    Ok(Json(
        storage::listing(&ctx(&state, &client), &caller.actor(), id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/destinations/{id}/backups/download", tag = "storage",
    params(Id, ObjectQuery),
    summary = "The backup object as stored (compressed, encrypted when it was); its SHA-256 in `x-bulwark-sha256` (permission storage:download)",
    responses((status = 200, description = "The object's bytes", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "No such destination or backup"),
        (status = 502, description = "The destination could not be read")))]
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

#[utoipa::path(post, path = "/api/v1/destinations/{id}/backups/verify", tag = "storage", params(Id),
    request_body = VerifyBody,
    summary = "Queue a verify (checksum, decryption, decompression) as an execution (permission storage:restore)",
    responses((status = 202, description = "Queued", body = Queued),
        (status = 404, description = "No such destination or backup"),
        (status = 409, description = "This installation did not sign the backup and `trust_unsigned` is not set"),
        (status = 502, description = "The destination could not be read")))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    body: Result<JsonBody<VerifyBody>, RestError>,
) -> RestResult<(StatusCode, Json<Queued>)> {
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
    Ok((StatusCode::ACCEPTED, Json(Queued { execution_id })))
}

#[utoipa::path(post, path = "/api/v1/destinations/{id}/backups/restore", tag = "storage", params(Id),
    request_body = RestoreBody,
    summary = "Queue a restore into a database of a source of the backup's kind; a new name creates it (permission storage:restore)",
    responses((status = 202, description = "Queued", body = Queued),
        (status = 404, description = "No such destination or backup"),
        (status = 409, description = "The target holds data and `replace` is not set, or the backup is unsigned here and `trust_unsigned` is not set"),
        (status = 502, description = "The destination could not be read")))]
pub async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    body: Result<JsonBody<RestoreBody>, RestError>,
) -> RestResult<(StatusCode, Json<Queued>)> {
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
    Ok((StatusCode::ACCEPTED, Json(Queued { execution_id })))
}

#[utoipa::path(delete, path = "/api/v1/destinations/{id}/backups", tag = "storage",
    params(Id, ObjectQuery),
    summary = "Delete a backup: the object, then its manifest (permission storage:delete)",
    responses((status = 200, description = "Deleted", body = Deleted),
        (status = 404, description = "No such destination or backup"),
        (status = 502, description = "The destination could not be reached")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    Query(q): Query<ObjectQuery>,
) -> RestResult<Json<Deleted>> {
    storage::delete(&ctx(&state, &client), &caller.actor(), id, &q.object).await?;
    Ok(Json(Deleted { deleted: q.object }))
}
