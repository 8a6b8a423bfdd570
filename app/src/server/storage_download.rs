//! Downloading a stored backup as it is stored (compressed, and encrypted when it was),
//! streamed from the destination: `GET /storage/{destination_id}/download?object=KEY`
//! for a signed-in session with `storage:download`. The REST API reuses `respond`.

use super::auth::{AuthUser, ClientInfo};
use super::state::AppState;
use crate::api::error::ApiError;
use crate::core::storage::{self, Download};
use crate::core::{Actor, Ctx};
use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use tokio_util::io::ReaderStream;

#[derive(Debug, Deserialize)]
pub struct ObjectQuery {
    pub object: String,
}

pub async fn download(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    client: Option<Extension<ClientInfo>>,
    Path(destination_id): Path<i64>,
    Query(q): Query<ObjectQuery>,
) -> Response {
    let Some(Extension(user)) = user else {
        return plain(ApiError::Unauthenticated);
    };
    let client = client.map(|Extension(c)| c).unwrap_or_default();
    let ctx = Ctx {
        state: &state,
        client: &client,
    };
    match storage::download(&ctx, &Actor::User(user), destination_id, &q.object).await {
        Ok(download) => respond(download, &q.object),
        Err(e) => plain(e.into()),
    }
}

fn plain(e: ApiError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// The backup as an attachment, streamed through a bounded buffer.
pub fn respond(download: Download, object: &str) -> Response {
    let file_name = attachment_name(object);
    let mut response =
        Body::from_stream(ReaderStream::with_capacity(download.reader, 256 * 1024)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(size) = download.size {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&download.sha256) {
        headers.insert("x-bulwark-sha256", v);
    }
    response
}

/// The last path segment, reduced to characters safe in a quoted header value.
fn attachment_name(object: &str) -> String {
    let last = object.rsplit('/').next().unwrap_or(object);
    let safe: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() { "backup".into() } else { safe }
}

#[cfg(test)]
mod tests {
    use super::attachment_name;

    #[test]
    fn attachment_names_are_header_safe() {
        assert_eq!(
            attachment_name("nightly/2026-11-22T030000Z_postgres_app.dump.zst.age"),
            "2026-11-22T030000Z_postgres_app.dump.zst.age"
        );
        assert_eq!(attachment_name("a/\"x\"\r\n.dump"), "_x___.dump");
        assert_eq!(attachment_name("dir/"), "backup");
    }
}
