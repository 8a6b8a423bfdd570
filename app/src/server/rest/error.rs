//! REST errors: `{"error": {"code": …, "message": …}}` with the matching HTTP status.

use crate::api::error::ApiError;
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

#[derive(Debug)]
pub struct RestError(pub ApiError);

pub type RestResult<T> = Result<T, RestError>;

impl RestError {
    pub fn code(&self) -> &'static str {
        match &self.0 {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::Invalid(_) => "invalid",
            ApiError::Conflict(_) => "conflict",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Reauthenticate(_) => "reauthentication_required",
            ApiError::NotFound(_) => "not_found",
            ApiError::Internal { .. } => "internal",
            ApiError::Transport(_) => "bad_gateway",
        }
    }
}

impl<E: Into<ApiError>> From<E> for RestError {
    fn from(e: E) -> Self {
        RestError(e.into())
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match &self.0 {
            ApiError::Unauthenticated => {
                "missing or invalid API key: send `Authorization: Bearer bwk_…`".to_string()
            }
            other => other.to_string(),
        };
        (
            status,
            Json(json!({"error": {"code": self.code(), "message": message}})),
        )
            .into_response()
    }
}
