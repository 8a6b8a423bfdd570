//! `GET /healthz`: is the process up and can it reach its database?

use super::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;
use std::time::Duration;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const DB_TIMEOUT: Duration = Duration::from_secs(3);

pub async fn healthz(State(state): State<AppState>) -> Response {
    let failure = match tokio::time::timeout(DB_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => {
            return Json(json!({"status": "ok", "db": "ok", "version": VERSION})).into_response();
        }
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("the database did not answer within {} s", DB_TIMEOUT.as_secs()),
    };
    tracing::warn!(reason = %failure, "health check: database unreachable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "error", "db": "unreachable", "reason": failure, "version": VERSION})),
    )
        .into_response()
}
