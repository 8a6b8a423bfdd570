//! RFC 9457 problem details: the one shape of every REST error, served as
//! `application/problem+json`. `type` names the problem (`urn:bulwark:problem:CODE`),
//! `code` repeats its last part for scripts, and `errors` lists the fields a validation
//! error is about.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde_json::{Map, Value};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One input a request got wrong: a body field (`destinations[0]`), a query or a path
/// parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Members particular to one problem (a failed connection test's timing).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:bulwark:problem:{code}"),
            title: title(code, status),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            errors: Vec::new(),
            extra: Map::new(),
        }
    }
}

/// A short, fixed summary of the problem kind.
fn title(code: &str, status: StatusCode) -> &'static str {
    match code {
        "unauthenticated" => "Not authenticated",
        "forbidden" => "Permission denied",
        "invalid" => "Invalid request",
        "conflict" => "Conflict with existing data",
        "rate_limited" => "Too many requests",
        "reauthentication_required" => "Reauthentication required",
        "not_found" => "Not found",
        "method_not_allowed" => "Method not allowed",
        "payload_too_large" => "Request body too large",
        "unsupported_media_type" => "Unsupported media type",
        "connection_failed" => "Connection test failed",
        "bad_gateway" => "Upstream failure",
        "unavailable" => "Service unavailable",
        "internal" => "Internal server error",
        _ => status.canonical_reason().unwrap_or("Error"),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_has_the_rfc_9457_members() {
        let mut p = Problem::new(StatusCode::BAD_REQUEST, "invalid", "limit must be at most 500");
        p.errors.push(FieldError {
            field: "limit".into(),
            detail: "at most 500".into(),
        });
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "urn:bulwark:problem:invalid");
        assert_eq!(v["title"], "Invalid request");
        assert_eq!(v["status"], 400);
        assert_eq!(v["detail"], "limit must be at most 500");
        assert_eq!(v["code"], "invalid");
        assert_eq!(v["errors"][0]["field"], "limit");
        let plain = serde_json::to_value(Problem::new(StatusCode::NOT_FOUND, "not_found", "x")).unwrap();
        assert!(plain.get("errors").is_none());
        let r = p.into_response();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.headers()[header::CONTENT_TYPE], CONTENT_TYPE);
    }
}
