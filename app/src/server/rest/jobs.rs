//! Jobs under `/api/v1/jobs`: list, read, run, and create/edit/enable/disable/delete
//! through the console's job store, with the same scheduling and audit entries.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::job_body::JobBody;
use crate::server::job_store;
use crate::server::job_store::stored::{self, StoredJob};
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use entity::job;
use http::StatusCode;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

fn body(stored: &StoredJob) -> Value {
    let (j, destinations, notifications) = (&stored.job, &stored.destinations, &stored.notifications);
    json!({
        "id": j.id,
        "name": j.name,
        "description": j.description,
        "cron": j.cron,
        "timezone": j.timezone,
        "enabled": j.enabled,
        "compression": j.compression,
        "compression_level": j.compression_level,
        "retention": j.retention,
        "source_id": j.source_id,
        "databases": j.databases,
        "encryption_profile_id": j.encryption_profile_id,
        "destinations": destinations.iter()
            .map(|d| json!({"destination_id": d.destination_id, "priority": d.priority}))
            .collect::<Vec<_>>(),
        "notifications": job_store::notifications::from_rows(notifications.iter().cloned())
            .iter()
            .map(|c| json!({"channel_id": c.channel_id, "filter": c.filter}))
            .collect::<Vec<_>>(),
        "last_run_at": j.last_run_at,
        "created_at": j.created_at,
        "updated_at": j.updated_at,
    })
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let jobs = crate::core::jobs::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "jobs": jobs.iter().map(body).collect::<Vec<_>>() })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let found = crate::core::jobs::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(body(&found)))
}

/// Queues a run now; the runner picks it up like any other.
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let execution_id = crate::core::jobs::run(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "execution_id": execution_id })),
    ))
}

/// The job as GET shows it, read back after a change.
async fn read_back(db: &DatabaseConnection, j: &job::Model) -> RestResult<Value> {
    Ok(body(&stored::one(db, j.id).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<JobBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let JsonBody(input) = input?;
    let input = input.into_input()?;
    let saved = crate::core::jobs::create(&ctx(&state, &client), &caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(read_back(&state.db, &saved.job).await?)))
}

/// A full replacement: fields left out take their defaults, as on create.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<JobBody>, RestError>,
) -> RestResult<Json<Value>> {
    let JsonBody(input) = input?;
    let input = input.into_input()?;
    let saved = crate::core::jobs::update(&ctx(&state, &client), &caller.actor(), id, &input).await?;
    Ok(Json(read_back(&state.db, &saved.job).await?))
}

async fn set_enabled(
    state: &AppState,
    caller: &Caller,
    client: &Client,
    id: i64,
    enabled: bool,
) -> RestResult<Json<Value>> {
    let job = crate::core::jobs::set_enabled(&ctx(state, client), &caller.actor(), id, enabled).await?;
    Ok(Json(read_back(&state.db, &job).await?))
}

pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    set_enabled(&state, &caller, &client, id, true).await
}

pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    set_enabled(&state, &caller, &client, id, false).await
}

/// Deletes the job and its destination links; its executions stay, detached.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    crate::core::jobs::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
