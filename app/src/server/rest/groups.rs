//! Permission groups under `/api/v1/groups`: list, create, read, edit, delete: the use
//! cases of `core::groups` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use crate::core::groups;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// A group's settings; `permissions` replaces the group's whole set.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    permissions: Vec<String>,
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let rows = groups::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "groups": rows })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let row = groups::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(json!(row)))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<GroupBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let actor = caller.actor();
    groups::may_write(&actor)?;
    let JsonBody(g) = input?;
    let row = groups::create(
        &ctx(&state, &client),
        &actor,
        &g.name,
        &g.description,
        &g.permissions,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<GroupBody>, RestError>,
) -> RestResult<StatusCode> {
    let actor = caller.actor();
    groups::may_write(&actor)?;
    let JsonBody(g) = input?;
    groups::update(
        &ctx(&state, &client),
        &actor,
        id,
        &g.name,
        &g.description,
        &g.permissions,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    groups::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
