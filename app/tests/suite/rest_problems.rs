//! Issue 14: every REST error is an RFC 9457 problem (`application/problem+json`), axum's
//! own refusals of a malformed path, query or body and the 404/405 fallbacks included,
//! and a validation error names the field it is about.

use crate::common;

use axum::body::Body;
use common::{Harness, Reply};
use http::{Request, StatusCode, header};
use serde_json::{Value, json};

fn problem(r: &Reply, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{}",
        r.body
    );
    let p = r.json();
    assert_eq!(p["type"], format!("urn:bulwark:problem:{code}"), "{p}");
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["status"], status.as_u16(), "{p}");
    assert!(!p["title"].as_str().unwrap().is_empty(), "{p}");
    assert!(!p["detail"].as_str().unwrap().is_empty(), "{p}");
    p
}

async fn raw(h: &Harness, method: &str, path: &str, key: &str, content_type: &str, body: &str) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .unwrap();
    h.send(req).await
}

#[tokio::test]
async fn every_refusal_is_a_problem_document() {
    let h = common::harness(None).await;
    let key = h.api_key("ops", &["*"]).await;

    let p = problem(
        &h.rest("GET", "/api/v1/jobs/abc", &key, None).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(p["errors"][0]["field"], "id", "{p}");
    let p = problem(
        &h.rest("GET", "/api/v1/jobs/99999999999999999999", &key, None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(p["errors"][0]["field"], "id", "{p}");

    let p = problem(
        &h.rest("GET", "/api/v1/executions?limit=ten", &key, None).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(p["errors"][0]["field"], "limit", "{p}");

    let p = problem(
        &h.rest(
            "POST",
            "/api/v1/groups",
            &key,
            Some(json!({"name": "Ops", "permissions": ["jobs:read", 7]})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(p["errors"][0]["field"], "permissions[1]", "{p}");
    let p = problem(
        &raw(
            &h,
            "POST",
            "/api/v1/groups",
            &key,
            "application/json",
            "{\"name\": ",
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(p.get("errors").is_none(), "a syntax error has no field: {p}");
    problem(
        &raw(&h, "POST", "/api/v1/groups", &key, "text/plain", "{}").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    problem(
        &h.rest("GET", "/api/v1/no-such-thing", &key, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let r = h.rest("PATCH", "/api/v1/jobs", &key, None).await;
    problem(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    problem(
        &h.rest("GET", "/api/v1/jobs", "bwk_not_a_key", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let reader = h.api_key("reader", &["jobs:read"]).await;
    problem(
        &h.rest("DELETE", "/api/v1/jobs/1", &reader, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    problem(
        &h.rest("GET", "/api/v1/jobs/424242", &key, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
