//! A local HTTP capture server for notifier tests: it records every request and answers
//! 200 `{"ok":true}`, except under `/status/{code}/…` (that status, body "receiver says
//! no") and `/hang/…` (never answers).

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    /// The path and query, e.g. `/bot123:abc/sendMessage`.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Captured {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct CaptureServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    seen: Arc<Mutex<Vec<Captured>>>,
}

impl CaptureServer {
    pub async fn start() -> CaptureServer {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("capture server") });
        CaptureServer { base, seen }
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.seen.lock().unwrap().clone()
    }

    /// The only request received; fails the test if there were none or several.
    pub fn single(&self) -> Captured {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().unwrap()
    }
}

async fn record(
    State(seen): State<Arc<Mutex<Vec<Captured>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let path = uri.path().to_string();
    seen.lock().unwrap().push(Captured {
        method: method.to_string(),
        uri: uri.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if path.starts_with("/hang/") {
        std::future::pending::<()>().await;
    }
    if let Some(code) = path
        .strip_prefix("/status/")
        .and_then(|rest| rest.split('/').next())
    {
        let status = code.parse().ok().and_then(|c| StatusCode::from_u16(c).ok());
        return (
            status.unwrap_or(StatusCode::IM_A_TEAPOT),
            "receiver says no".into(),
        );
    }
    (StatusCode::OK, r#"{"ok":true}"#.into())
}
