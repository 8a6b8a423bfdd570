//! Encryption profiles under `/api/v1/encryption-profiles`: list, create, read, delete and
//! extra recipients. The identity (the secret key) is never handed out here; its one-time
//! download stays in the console.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::openapi_types::Id;
use crate::api::encryption::ProfileRow;
use crate::core::encryption;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// Unique; surrounding spaces are dropped.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    /// An `age1…` X25519 public key (Bech32, checksum included).
    #[schema(pattern = r"^\s*age1[02-9ac-hj-np-z]{58}\s*$")]
    recipient: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    encryption_profiles: Vec<ProfileRow>,
}

#[utoipa::path(get, path = "/api/v1/encryption-profiles", tag = "encryption",
    summary = "List encryption profiles (permission encryption:read)",
    responses((status = 200, description = "Every profile", body = ProfileList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<ProfileList>> {
    let encryption_profiles = encryption::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(ProfileList { encryption_profiles }))
}

#[utoipa::path(get, path = "/api/v1/encryption-profiles/{id}", tag = "encryption", params(Id),
    summary = "One profile (permission encryption:read)",
    responses((status = 200, description = "The profile", body = ProfileRow),
        (status = 404, description = "No such profile")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<ProfileRow>> {
    Ok(Json(
        encryption::get(&ctx(&state, &client), &caller.actor(), id).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/encryption-profiles", tag = "encryption", request_body = ProfileBody,
    summary = "Create a profile with a fresh age identity, sealed on the server; the identity is never returned here (permission encryption:write)",
    responses((status = 201, description = "The new profile", body = ProfileRow),
        (status = 409, description = "A profile of that name exists")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<ProfileBody>, RestError>,
) -> RestResult<(StatusCode, Json<ProfileRow>)> {
    let actor = caller.actor();
    encryption::may_write(&actor)?;
    let JsonBody(input) = input?;
    let row = encryption::create(&ctx(&state, &client), &actor, &input.name, &input.description).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(delete, path = "/api/v1/encryption-profiles/{id}", tag = "encryption", params(Id),
    summary = "Delete a profile; refused with 409 while a job uses it (permission encryption:write)",
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such profile"),
        (status = 409, description = "A job uses it")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    encryption::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/encryption-profiles/{id}/recipients", tag = "encryption",
    params(Id), request_body = RecipientBody,
    summary = "Add an extra recipient every backup is also encrypted to (permission encryption:write)",
    responses((status = 200, description = "The profile", body = ProfileRow),
        (status = 404, description = "No such profile"),
        (status = 409, description = "Already a recipient of the profile")))]
pub async fn add_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<ProfileRow>> {
    let actor = caller.actor();
    encryption::may_write(&actor)?;
    let JsonBody(input) = input?;
    let row = encryption::add_recipient(&ctx(&state, &client), &actor, id, &input.recipient).await?;
    Ok(Json(row))
}

#[utoipa::path(delete, path = "/api/v1/encryption-profiles/{id}/recipients", tag = "encryption",
    params(Id), request_body = RecipientBody,
    summary = "Remove an extra recipient, named in the body (permission encryption:write)",
    responses((status = 200, description = "The profile", body = ProfileRow),
        (status = 404, description = "No such profile"),
        (status = 409, description = "The key is not one of its extra recipients")))]
pub async fn remove_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<ProfileRow>> {
    let actor = caller.actor();
    encryption::may_write(&actor)?;
    let JsonBody(input) = input?;
    let row = encryption::remove_recipient(&ctx(&state, &client), &actor, id, &input.recipient).await?;
    Ok(Json(row))
}
