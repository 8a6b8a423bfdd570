//! REST errors, answered as problem details (`application/problem+json`) with the
//! matching HTTP status.

use super::problem::{FieldError, Problem};
use crate::api::error::ApiError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

#[derive(Debug)]
pub struct RestError {
    pub error: ApiError,
    /// A status other than the error's own (413, 415 for a body axum refused).
    pub status: Option<StatusCode>,
    pub fields: Vec<FieldError>,
}

pub type RestResult<T> = Result<T, RestError>;

impl RestError {
    pub fn new(error: ApiError) -> Self {
        RestError {
            error,
            status: None,
            fields: Vec::new(),
        }
    }

    /// A request input refused: 400 unless `status` says otherwise.
    pub fn rejected(status: StatusCode, detail: String, fields: Vec<FieldError>) -> Self {
        RestError {
            error: ApiError::Invalid(detail),
            status: (status != StatusCode::BAD_REQUEST).then_some(status),
            fields,
        }
    }

    pub fn code(&self) -> &'static str {
        match self.status {
            Some(StatusCode::PAYLOAD_TOO_LARGE) => return "payload_too_large",
            Some(StatusCode::UNSUPPORTED_MEDIA_TYPE) => return "unsupported_media_type",
            _ => {}
        }
        match &self.error {
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

    pub fn problem(&self) -> Problem {
        let status = self.status.unwrap_or_else(|| {
            StatusCode::from_u16(self.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        });
        let detail = match &self.error {
            ApiError::Unauthenticated => {
                "missing or invalid API key: send `Authorization: Bearer bwk_…`".to_string()
            }
            other => other.to_string(),
        };
        let mut problem = Problem::new(status, self.code(), detail);
        problem.errors = self.fields.clone();
        problem
    }
}

impl<E: Into<ApiError>> From<E> for RestError {
    fn from(e: E) -> Self {
        RestError::new(e.into())
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        self.problem().into_response()
    }
}
