//! Users under `/api/v1/users`: list, create, read, edit, disable/enable, reset a
//! password, sign out everywhere: the use cases of `core::users` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use crate::core::users;
use crate::server::state::AppState;
use crate::server::users::NewUser;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    email: String,
    name: String,
    password: String,
    group_id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    name: String,
    group_id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    password: String,
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let rows = users::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "users": rows })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let row = users::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(json!(row)))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    let new = NewUser {
        email: input.email,
        name: input.name,
        password_confirm: input.password.clone(),
        password: input.password,
        group_id: input.group_id,
    };
    let row = users::create(&ctx(&state, &client), &actor, new).await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<UpdateBody>, RestError>,
) -> RestResult<StatusCode> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    users::update(&ctx(&state, &client), &actor, id, &input.name, input.group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    users::set_disabled(&ctx(&state, &client), &caller.actor(), id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    users::set_disabled(&ctx(&state, &client), &caller.actor(), id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<PasswordBody>, RestError>,
) -> RestResult<StatusCode> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    let password = &input.password;
    users::reset_password(&ctx(&state, &client), &actor, id, password, password).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn revoke_sessions(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let ended = users::revoke_sessions(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(json!({ "sessions_ended": ended })))
}
