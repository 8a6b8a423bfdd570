//! The REST API under `/api/v1`, for scripts and provisioning. API-key authenticated,
//! JSON errors, described by `/api/v1/openapi.json`.

pub mod auth;
pub mod error;
pub mod executions;
pub mod jobs;
pub mod openapi;

use super::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes relative to `/api/v1` (the caller nests them).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/executions", get(executions::list))
        .route("/executions/{id}", get(executions::get))
        .route("/executions/{id}/cancel", post(executions::cancel))
        .route("/jobs", get(jobs::list))
        .route("/jobs/{id}", get(jobs::get))
        .route("/jobs/{id}/run", post(jobs::run))
        .fallback(|| async {
            error::RestError(crate::api::error::ApiError::NotFound(
                "no such API route; see /api/v1/openapi.json".into(),
            ))
        })
}
