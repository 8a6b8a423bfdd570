//! Jobs under `/api/v1/jobs`: list, read, run, and create/edit/enable/disable/delete
//! through the console's job store, with the same scheduling and audit entries.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::job_answer::{Job, JobList, RunQueued};
use super::job_body::JobBody;
use super::openapi_types::Id;
use crate::server::job_store::stored;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use entity::job;
use http::StatusCode;
use sea_orm::DatabaseConnection;

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    summary = "List jobs by name (permission jobs:read)",
    responses((status = 200, description = "Every job", body = JobList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<JobList>> {
    let jobs = crate::core::jobs::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(JobList {
        jobs: jobs.iter().map(Job::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(Id),
    summary = "One job with its destinations (permission jobs:read)",
    responses((status = 200, description = "The job", body = Job),
        (status = 404, description = "No such job")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Job>> {
    let found = crate::core::jobs::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(Job::from(&found)))
}

/// Queues a run now; the runner picks it up like any other.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/run", tag = "jobs", params(Id),
    summary = "Queue a run of the job now (permission jobs:execute); poll /api/v1/executions/{execution_id}",
    responses((status = 202, description = "Queued", body = RunQueued),
        (status = 404, description = "No such job")))]
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<(StatusCode, Json<RunQueued>)> {
    let execution_id = crate::core::jobs::run(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok((StatusCode::ACCEPTED, Json(RunQueued { execution_id })))
}

/// The job as GET shows it, read back after a change.
async fn read_back(db: &DatabaseConnection, j: &job::Model) -> RestResult<Job> {
    Ok(Job::from(&stored::one(db, j.id).await?))
}

#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = JobBody,
    summary = "Create a job and schedule it when enabled (permission jobs:write)",
    responses((status = 201, description = "The new job", body = Job),
        (status = 409, description = "A job of that name exists")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<JobBody>, RestError>,
) -> RestResult<(StatusCode, Json<Job>)> {
    let actor = caller.actor();
    crate::core::jobs::may_write(&actor)?;
    let JsonBody(input) = input?;
    let input = input.into_input()?;
    let saved = crate::core::jobs::create(&ctx(&state, &client), &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(read_back(&state.db, &saved.job).await?)))
}

/// A full replacement: fields left out take their defaults, as on create.
#[utoipa::path(put, path = "/api/v1/jobs/{id}", tag = "jobs", params(Id), request_body = JobBody,
    summary = "Replace the job's settings and reschedule it (permission jobs:write)",
    responses((status = 200, description = "The job as stored", body = Job),
        (status = 404, description = "No such job"),
        (status = 409, description = "Another job has that name")))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<JobBody>, RestError>,
) -> RestResult<Json<Job>> {
    let actor = caller.actor();
    crate::core::jobs::may_write(&actor)?;
    let JsonBody(input) = input?;
    let input = input.into_input()?;
    let saved = crate::core::jobs::update(&ctx(&state, &client), &actor, id, &input).await?;
    Ok(Json(read_back(&state.db, &saved.job).await?))
}

async fn set_enabled(
    state: &AppState,
    caller: &Caller,
    client: &Client,
    id: i64,
    enabled: bool,
) -> RestResult<Json<Job>> {
    let job = crate::core::jobs::set_enabled(&ctx(state, client), &caller.actor(), id, enabled).await?;
    Ok(Json(read_back(&state.db, &job).await?))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/enable", tag = "jobs", params(Id),
    summary = "Enable the job and schedule it (permission jobs:write)",
    responses((status = 200, description = "The job as stored", body = Job),
        (status = 404, description = "No such job")))]
pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Job>> {
    set_enabled(&state, &caller, &client, id, true).await
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/disable", tag = "jobs", params(Id),
    summary = "Disable the job and unschedule it (permission jobs:write)",
    responses((status = 200, description = "The job as stored", body = Job),
        (status = 404, description = "No such job")))]
pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Job>> {
    set_enabled(&state, &caller, &client, id, false).await
}

/// Deletes the job and its destination links; its executions stay, detached.
#[utoipa::path(delete, path = "/api/v1/jobs/{id}", tag = "jobs", params(Id),
    summary = "Unschedule and delete the job; its executions stay (permission jobs:write)",
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such job")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    crate::core::jobs::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
