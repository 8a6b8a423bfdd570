//! Permission groups under `/api/v1/groups`: list, create, read, edit, delete: the use
//! cases of `core::groups` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::openapi_types::{Id, permission_names};
use crate::api::groups::GroupRow;
use crate::core::groups;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A group's settings; `permissions` replaces the group's whole set.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    /// Unique; surrounding spaces are dropped.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    description: String,
    /// Each one the caller holds (`*` is the SuperAdmin group's alone).
    #[serde(default)]
    #[schema(schema_with = permission_names)]
    permissions: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupList {
    groups: Vec<GroupRow>,
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    summary = "List groups with member counts (permission groups:read)",
    responses((status = 200, description = "Every group", body = GroupList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<GroupList>> {
    let groups = groups::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(GroupList { groups }))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", params(Id),
    summary = "One group (permission groups:read)",
    responses((status = 200, description = "The group", body = GroupRow),
        (status = 404, description = "No such group")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<GroupRow>> {
    Ok(Json(
        groups::get(&ctx(&state, &client), &caller.actor(), id).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = GroupBody,
    summary = "Create a group holding permissions the caller holds (permission groups:write)",
    responses((status = 201, description = "The new group", body = GroupRow),
        (status = 409, description = "A group of that name exists")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<GroupBody>, RestError>,
) -> RestResult<(StatusCode, Json<GroupRow>)> {
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
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/groups/{id}", tag = "groups", params(Id), request_body = GroupBody,
    summary = "Replace a group's name, description and permissions (permission groups:write)",
    responses((status = 204, description = "Saved"), (status = 404, description = "No such group"),
        (status = 409, description = "A group of that name exists, or the group is the protected SuperAdmin group")))]
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

#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups", params(Id),
    summary = "Delete a group without members (permission groups:write)",
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such group"),
        (status = 409, description = "The group has members, or is the protected SuperAdmin group")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    groups::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
