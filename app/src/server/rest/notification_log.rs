//! `GET /api/v1/notification-log`: every delivery, newest first, with the console's
//! filters and keyset pages, and `GET /api/v1/notification-log/{id}` for what one sent.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::error::RestResult;
use super::extract::{Path, Query};
use super::openapi_types::Id;
use crate::api::notification_types::{NotificationLogPage, NotificationPreview, NotifyEvent};
use crate::server::notify::log_query::LogFilter;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use entity::enums::DeliveryStatus;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    #[param(inline)]
    event: Option<NotifyEvent>,
    #[param(inline)]
    status: Option<DeliveryStatus>,
    /// Only this channel's deliveries.
    channel_id: Option<i64>,
    /// Keyset pagination: the `next_before` of the previous page.
    before_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/notification-log", tag = "notifications", params(LogQuery),
    summary = "Every notification delivery, newest first, 50 a page (permission notifications:read)",
    responses((status = 200, description = "A page of deliveries", body = NotificationLogPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(q): Query<LogQuery>,
) -> RestResult<Json<NotificationLogPage>> {
    let filter = LogFilter {
        event: q.event.map(|e| e.as_str().to_string()),
        status: q.status.map(|s| match s {
            DeliveryStatus::Sent => "sent".to_string(),
            DeliveryStatus::Failed => "failed".to_string(),
        }),
        channel_id: q.channel_id,
        before_id: q.before_id,
    };
    let page = crate::core::notifications::log(&ctx(&state, &client), &caller.actor(), &filter).await?;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/api/v1/notification-log/{id}", tag = "notifications", params(Id),
    summary = "What one delivery sent (permission notifications:read)",
    responses((status = 200, description = "The payload as sent", body = NotificationPreview),
        (status = 404, description = "No such delivery")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<NotificationPreview>> {
    let preview = crate::core::notifications::preview(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(preview))
}
