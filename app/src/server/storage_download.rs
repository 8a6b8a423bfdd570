//! Downloading a stored backup as it is stored (compressed, and encrypted when it was),
//! streamed from the destination: `GET /storage/{destination_id}/download?object=KEY`
//! for a signed-in session with `storage:download`. The REST API reuses `stream`.

use super::audit::{self, Actor, Entry};
use super::auth::{AuthUser, ClientInfo};
use super::state::AppState;
use super::storage;
use crate::api::error::ApiError;
use crate::permissions::Permission;
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
    if !user.can(Permission::StorageDownload) {
        return plain(ApiError::Forbidden {
            permission: Permission::StorageDownload.as_str().into(),
        });
    }
    let client = client.map(|Extension(c)| c).unwrap_or_default();
    match stream(&state, Actor::User(&user), &client, destination_id, &q.object).await {
        Ok(response) => response,
        Err(e) => plain(e),
    }
}

fn plain(e: ApiError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// The object as an attachment, after checking it is a backup; audited.
pub async fn stream(
    state: &AppState,
    actor: Actor<'_>,
    client: &ClientInfo,
    destination_id: i64,
    object: &str,
) -> Result<Response, ApiError> {
    let (row, destination, manifest) = storage::open_backup(state, destination_id, object)
        .await
        .map_err(ApiError::from)?;
    let size = destination.stat(object).await.ok().map(|info| info.size);
    let reader = destination
        .read(object)
        .await
        .map_err(|e| ApiError::Invalid(format!("{}: {}", row.name, e.one_line())))?;
    audit::record(
        &state.db,
        actor,
        client,
        Entry {
            action: "backup.download",
            resource_type: "destination",
            resource_id: Some(destination_id.to_string()),
            summary: format!("downloaded {object} from {}", row.name),
            success: true,
        },
    )
    .await
    .map_err(ApiError::from)?;
    let file_name = attachment_name(object);
    let mut response = Body::from_stream(ReaderStream::with_capacity(reader, 256 * 1024)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Some(size) = size {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&manifest.sha256) {
        headers.insert("x-bulwark-sha256", v);
    }
    Ok(response)
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
