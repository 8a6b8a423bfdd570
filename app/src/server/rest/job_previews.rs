//! What the job form shows before a job is saved, for API clients: a schedule's next
//! runs, a source's databases, and what a retention policy would delete.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::{Path, Query};
use super::job_body::Retention;
use super::openapi_types::Id;
use crate::api::job_types::{RetentionInput, RetentionReport, SchedulePreview};
use crate::core::jobs;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// Six fields with seconds, e.g. `0 0 3 * * *`.
    #[param(example = "0 0 3 * * *")]
    cron: String,
    /// An IANA zone; UTC unless given.
    timezone: Option<String>,
    /// The runs after this instant; now unless given.
    after: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct Databases {
    databases: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionQuestion {
    /// The job's name: its backups are the ones under the folder named after it.
    #[schema(min_length = 1, pattern = r"\S")]
    job_name: String,
    destination_id: i64,
    /// An IANA zone (the policy's days and weeks are the zone's); UTC unless given.
    #[serde(default)]
    timezone: Option<String>,
    retention: Retention,
}

#[utoipa::path(get, path = "/api/v1/schedule-preview", tag = "jobs", params(ScheduleQuery),
    summary = "A schedule in words and its next runs, as the scheduler will fire them (permission jobs:read)",
    responses((status = 200, description = "The schedule", body = SchedulePreview)))]
pub async fn schedule(caller: Caller, Query(q): Query<ScheduleQuery>) -> RestResult<Json<SchedulePreview>> {
    let timezone = q.timezone.unwrap_or_else(|| "UTC".into());
    let after = q.after.unwrap_or_else(Utc::now);
    Ok(Json(jobs::cron_preview(
        &caller.actor(),
        &q.cron,
        &timezone,
        after,
    )?))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/databases", tag = "jobs", params(Id),
    summary = "The databases a source holds; connects to it (permission jobs:write)",
    responses((status = 200, description = "Its databases", body = Databases),
        (status = 404, description = "No such source"),
        (status = 502, description = "The source could not be reached")))]
pub async fn databases(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Databases>> {
    let databases = jobs::source_databases(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(Databases { databases }))
}

#[utoipa::path(post, path = "/api/v1/retention-preview", tag = "jobs", request_body = RetentionQuestion,
    summary = "What a retention policy would keep and delete among the backups a job already has in a destination; deletes nothing (permission jobs:write)",
    responses((status = 200, description = "Each backup and what the policy would do with it", body = RetentionReport),
        (status = 404, description = "No such destination")))]
pub async fn retention(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<RetentionQuestion>, RestError>,
) -> RestResult<Json<RetentionReport>> {
    let actor = caller.actor();
    jobs::may_write(&actor)?;
    let JsonBody(q) = input?;
    let timezone = q.timezone.unwrap_or_else(|| "UTC".into());
    let retention = RetentionInput::from(q.retention);
    let report = jobs::retention_preview(
        &ctx(&state, &client),
        &actor,
        &q.job_name,
        q.destination_id,
        &timezone,
        &retention,
    )
    .await?;
    Ok(Json(report))
}
