//! Encryption profiles under `/api/v1/encryption-profiles`: list, create, read, delete and
//! extra recipients. The identity (the secret key) is never handed out here; its one-time
//! download stays in the console.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use crate::core::encryption;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    recipient: String,
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let rows = encryption::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "encryption_profiles": rows })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let row = encryption::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(json!(row)))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let JsonBody(input) = input?;
    let row = encryption::create(
        &ctx(&state, &client),
        &caller.actor(),
        &input.name,
        &input.description,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    encryption::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<Value>> {
    let JsonBody(input) = input?;
    let row = encryption::add_recipient(&ctx(&state, &client), &caller.actor(), id, &input.recipient).await?;
    Ok(Json(json!(row)))
}

pub async fn remove_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<Value>> {
    let JsonBody(input) = input?;
    let row =
        encryption::remove_recipient(&ctx(&state, &client), &caller.actor(), id, &input.recipient).await?;
    Ok(Json(json!(row)))
}
