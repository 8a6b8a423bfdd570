//! `GET /api/v1/notification-log`: every delivery, newest first, with the console's
//! filters and keyset pages, and `GET /api/v1/notification-log/{id}` for what one sent.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::error::RestResult;
use super::extract::{Path, Query};
use crate::api::notification_types::{NotificationLogPage, NotificationPreview};
use crate::server::notify::log_query::LogFilter;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    event: Option<String>,
    status: Option<String>,
    channel_id: Option<i64>,
    before_id: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(q): Query<LogQuery>,
) -> RestResult<Json<NotificationLogPage>> {
    let filter = LogFilter {
        event: q.event,
        status: q.status,
        channel_id: q.channel_id,
        before_id: q.before_id,
    };
    let page = crate::core::notifications::log(&ctx(&state, &client), &caller.actor(), &filter).await?;
    Ok(Json(page))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<NotificationPreview>> {
    let preview = crate::core::notifications::preview(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(preview))
}
