//! `GET /api/v1/executions`, `GET /api/v1/executions/{id}` and
//! `POST /api/v1/executions/{id}/cancel`: the use cases of `core::executions` as JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::error::RestResult;
use super::extract::{Path, Query};
use super::openapi_types::Id;
use crate::core::executions;
use crate::engine::CancelOutcome;
use crate::server::execution_models::PageQuery;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger, LogLevel};
use entity::{execution, execution_log};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this job's executions.
    job_id: Option<i64>,
    #[param(inline)]
    status: Option<ExecutionStatus>,
    /// Keyset pagination: the `next_before` of the previous page.
    before: Option<i64>,
    /// Rows per page; 50 unless given.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u64>,
}

/// One execution as listed.
#[derive(Serialize, ToSchema)]
pub struct Execution {
    id: i64,
    /// Absent once the job is deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<i64>,
    kind: ExecutionKind,
    status: ExecutionStatus,
    trigger: ExecutionTrigger,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    raw_bytes: Option<i64>,
    stored_bytes: Option<i64>,
    checksum_sha256: Option<String>,
    error: Option<String>,
}

impl From<&execution::Model> for Execution {
    fn from(e: &execution::Model) -> Self {
        Execution {
            id: e.id,
            job_id: e.job_id,
            kind: e.kind,
            status: e.status,
            trigger: e.trigger,
            created_at: e.created_at,
            started_at: e.started_at,
            finished_at: e.finished_at,
            raw_bytes: e.raw_bytes,
            stored_bytes: e.stored_bytes,
            checksum_sha256: e.checksum_sha256.clone(),
            error: e.error.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExecutionPage {
    executions: Vec<Execution>,
    /// The `before` of the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_before: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LogLine {
    seq: i32,
    at: DateTime<Utc>,
    level: LogLevel,
    stage: String,
    message: String,
}

impl From<&execution_log::Model> for LogLine {
    fn from(l: &execution_log::Model) -> Self {
        LogLine {
            seq: l.seq,
            at: l.created_at,
            level: l.level,
            stage: l.stage.clone(),
            message: l.message.clone(),
        }
    }
}

/// One execution with what each destination did, its manifest and its log.
#[derive(Serialize, ToSchema)]
pub struct ExecutionDetail {
    #[serde(flatten)]
    execution: Execution,
    /// Per destination: its id, whether it stored the backup, the object and any error.
    destination_results: Value,
    /// What the run recorded (the manifest of a backup, the target of a restore).
    metadata: Value,
    log: Vec<LogLine>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cancelled {
    /// It had not started: it is cancelled.
    Cancelled,
    /// It is running: it was asked to stop and stops at its next step.
    Requested,
    AlreadyFinished,
}

#[derive(Serialize, ToSchema)]
pub struct CancelAnswer {
    execution_id: i64,
    outcome: Cancelled,
}

#[utoipa::path(get, path = "/api/v1/executions", tag = "executions", params(ListQuery),
    summary = "List executions, newest first (permission executions:read)",
    responses((status = 200, description = "A page of executions", body = ExecutionPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(q): Query<ListQuery>,
) -> RestResult<Json<ExecutionPage>> {
    let query = PageQuery {
        job_id: q.job_id,
        status: q.status,
        before: q.before,
        limit: super::paging::limit(q.limit)?,
    };
    let (rows, next) = executions::models(&ctx(&state, &client), &caller.actor(), &query).await?;
    Ok(Json(ExecutionPage {
        executions: rows.iter().map(Execution::from).collect(),
        next_before: next,
    }))
}

#[utoipa::path(get, path = "/api/v1/executions/{id}", tag = "executions", params(Id),
    summary = "One execution with its per-destination results and log (permission executions:read)",
    responses((status = 200, description = "The execution", body = ExecutionDetail),
        (status = 404, description = "No such execution")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<ExecutionDetail>> {
    let (found, log) = executions::model(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(ExecutionDetail {
        execution: Execution::from(&found),
        destination_results: found.destination_results.clone(),
        metadata: found.metadata.clone(),
        log: log.iter().map(LogLine::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/executions/{id}/cancel", tag = "executions", params(Id),
    summary = "Cancel a pending execution, or ask a running one to stop (permission executions:cancel)",
    responses((status = 202, description = "Accepted", body = CancelAnswer),
        (status = 404, description = "No such execution")))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<(http::StatusCode, Json<CancelAnswer>)> {
    let outcome = match executions::cancel(&ctx(&state, &client), &caller.actor(), id).await? {
        CancelOutcome::CancelledPending => Cancelled::Cancelled,
        CancelOutcome::Requested => Cancelled::Requested,
        CancelOutcome::AlreadyFinished => Cancelled::AlreadyFinished,
    };
    Ok((
        http::StatusCode::ACCEPTED,
        Json(CancelAnswer {
            execution_id: id,
            outcome,
        }),
    ))
}
