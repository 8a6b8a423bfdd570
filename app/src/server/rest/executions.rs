//! `GET /api/v1/executions` and `GET /api/v1/executions/{id}`.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::error::{RestError, RestResult};
use super::extract::{Path, Query};
use crate::api::error::ApiError;
use crate::core::executions;
use crate::server::execution_models::PageQuery;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use entity::execution;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub job_id: Option<i64>,
    pub status: Option<String>,
    /// Rows with an id below this (keyset pagination: pass the last id of a page).
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

fn summary(e: &execution::Model) -> Value {
    json!({
        "id": e.id,
        "job_id": e.job_id,
        "kind": e.kind,
        "status": e.status,
        "trigger": e.trigger,
        "created_at": e.created_at,
        "started_at": e.started_at,
        "finished_at": e.finished_at,
        "raw_bytes": e.raw_bytes,
        "stored_bytes": e.stored_bytes,
        "checksum_sha256": e.checksum_sha256,
        "error": e.error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(q): Query<ListQuery>,
) -> RestResult<Json<Value>> {
    let actor = caller.actor();
    let status = match &q.status {
        Some(status) => Some(
            serde_json::from_value(json!(status))
                .map_err(|_| RestError::new(ApiError::Invalid(format!("unknown status `{status}`"))))?,
        ),
        None => None,
    };
    let query = PageQuery {
        job_id: q.job_id,
        status,
        before: q.before,
        limit: q.limit,
    };
    let (rows, next) = executions::models(&ctx(&state, &client), &actor, &query).await?;
    Ok(Json(json!({
        "executions": rows.iter().map(summary).collect::<Vec<_>>(),
        "next_before": next,
    })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let (found, log) = executions::model(&ctx(&state, &client), &caller.actor(), id).await?;
    let mut body = summary(&found);
    body["destination_results"] = found.destination_results.clone();
    body["metadata"] = found.metadata.clone();
    body["log"] = json!(
        log.iter()
            .map(|l| json!({"seq": l.seq, "at": l.created_at, "level": l.level, "stage": l.stage, "message": l.message}))
            .collect::<Vec<_>>()
    );
    Ok(Json(body))
}

/// Cancels a pending execution at once, or asks the running one to stop.
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    client: Option<axum::Extension<crate::server::auth::ClientInfo>>,
    Path(id): Path<i64>,
) -> RestResult<(http::StatusCode, Json<Value>)> {
    use crate::engine::CancelOutcome;
    let client = client.map(|axum::Extension(c)| c).unwrap_or_default();
    let ctx = crate::core::Ctx {
        state: &state,
        client: &client,
    };
    let outcome = match crate::core::executions::cancel(&ctx, &caller.actor(), id).await? {
        CancelOutcome::CancelledPending => "cancelled",
        CancelOutcome::Requested => "requested",
        CancelOutcome::AlreadyFinished => "already_finished",
    };
    Ok((
        http::StatusCode::ACCEPTED,
        Json(json!({ "execution_id": id, "outcome": outcome })),
    ))
}
