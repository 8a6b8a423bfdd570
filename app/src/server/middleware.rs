//! Runs before every request: records the client, resolves the session, refuses
//! cross-site writes and sends pages to setup or sign-in when they must go there.

use super::auth::{AuthUser, ClientInfo};
use super::session;
use super::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use http::{HeaderMap, Method, StatusCode};
use std::net::SocketAddr;

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let client = ClientInfo {
        ip: req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string()),
        user_agent: req
            .headers()
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    };
    req.extensions_mut().insert(client);
    if path == "/healthz" || is_static_file(&path) {
        return next.run(req).await;
    }
    if !is_safe_method(req.method()) && !same_origin(req.headers()) {
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "forbidden",
            "cross-site request refused",
        );
    }

    let user = match session::token_from_headers(req.headers()) {
        None => None,
        Some(token) => match session::resolve(&state.db, &token, Utc::now()).await {
            Ok(found) => found.map(|(s, u, g)| AuthUser {
                user_id: u.id,
                session_id: s.id,
                email: u.email,
                name: u.name,
                group_name: g.name,
                superadmin: g.protected,
                permissions: serde_json::from_value(g.permissions).unwrap_or_default(),
            }),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return refuse(
                    &path,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is unavailable; try again shortly",
                );
            }
        },
    };
    let signed_in = user.is_some();
    if let Some(user) = user {
        req.extensions_mut().insert(user);
    }
    // Server functions check their own permission (see `auth::guard`).
    if path.starts_with("/api/") || !is_safe_method(req.method()) {
        return next.run(req).await;
    }
    let setup_needed = match state.setup_needed().await {
        Ok(needed) => needed,
        Err(e) => {
            tracing::error!(error = %e, "setup check failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable; try again shortly",
            )
                .into_response();
        }
    };
    match page_redirect(&path, setup_needed, signed_in) {
        Some(target) => Redirect::to(target).into_response(),
        None => next.run(req).await,
    }
}

/// A refusal in the REST API's problem format under `/api/v1`, in plain text elsewhere.
fn refuse(path: &str, status: StatusCode, code: &'static str, detail: &str) -> Response {
    if path == "/api/v1" || path.starts_with("/api/v1/") {
        super::rest::problem::Problem::new(status, code, detail).into_response()
    } else {
        (status, detail.to_string()).into_response()
    }
}

/// Where a page request must go instead, if anywhere.
pub fn page_redirect(path: &str, setup_needed: bool, signed_in: bool) -> Option<&'static str> {
    match (setup_needed, path, signed_in) {
        (true, "/setup", _) => None,
        (true, _, _) => Some("/setup"),
        (false, "/setup", _) => Some("/login"),
        (false, "/login" | "/login/verify", true) => Some("/"),
        (false, "/login" | "/login/verify", false) => None,
        (false, _, false) => Some("/login"),
        (false, _, true) => None,
    }
}

/// Files of the built site (`/pkg/…`, `/bulwark.css`); console routes never have a dot.
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A write must come from the console's own pages: browsers send `Origin` on
/// cross-site POSTs, and `Sec-Fetch-Site` where they support it.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site").is_some_and(|s| s == "cross-site") {
        return false;
    }
    match (header("origin"), header("host")) {
        (None, _) => true,
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/').eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn redirect_table() {
        let cases = [
            ("/", true, false, Some("/setup")),
            ("/login", true, false, Some("/setup")),
            ("/setup", true, false, None),
            ("/setup", false, false, Some("/login")),
            ("/setup", false, true, Some("/login")),
            ("/", false, false, Some("/login")),
            ("/jobs", false, false, Some("/login")),
            ("/login", false, false, None),
            ("/login", false, true, Some("/")),
            ("/jobs", false, true, None),
            ("/login/verify", false, false, None),
            ("/login/verify", false, true, Some("/")),
            ("/login/verify", true, false, Some("/setup")),
        ];
        for (path, setup, signed_in, expected) in cases {
            assert_eq!(
                page_redirect(path, setup, signed_in),
                expected,
                "{path} setup={setup} in={signed_in}"
            );
        }
    }

    #[test]
    fn static_files() {
        assert!(is_static_file("/pkg/bulwark.wasm"));
        assert!(is_static_file("/bulwark.css"));
        assert!(!is_static_file("/jobs"));
        assert!(!is_static_file("/"));
    }

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("127.0.0.1:3000"));
        assert!(
            same_origin(&h),
            "no Origin header: same-site form or non-browser client"
        );
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:3000"));
        assert!(same_origin(&h));
        h.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h));
        h.insert("origin", HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:3000"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
    }
}
