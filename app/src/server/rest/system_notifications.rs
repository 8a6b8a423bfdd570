//! `GET` and `PUT /api/v1/system-notifications`: for each event, the channels told about
//! it whatever the job (the Settings page's table), through `core::system_notifications`.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::api::notification_types::NotifyEvent;
use crate::api::system_notifications::{SystemNotifications, checkbox_key};
use crate::core::system_notifications;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionsBody {
    /// Replaces every subscription: an event left out is told to no channel.
    events: Vec<EventChannels>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventChannels {
    #[schema(schema_with = subscribable)]
    event: NotifyEvent,
    /// Notification channels' ids.
    channel_ids: Vec<i64>,
}

/// The events a channel can be subscribed to (not `test`).
fn subscribable() -> impl Into<RefOr<Schema>> {
    let names: Vec<&str> = NotifyEvent::SUBSCRIBABLE.iter().map(|e| e.as_str()).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
}

#[utoipa::path(get, path = "/api/v1/system-notifications", tag = "notifications",
    summary = "For each event, the channels told about it whatever the job (permission settings:read)",
    responses((status = 200, description = "The channels and every event's subscriptions", body = SystemNotifications)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<SystemNotifications>> {
    Ok(Json(
        system_notifications::get(&ctx(&state, &client), &caller.actor()).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/system-notifications", tag = "notifications",
    request_body = SubscriptionsBody,
    summary = "Replace every event's channels; nothing is stored unless every id is a notification channel (permission settings:write)",
    responses((status = 200, description = "The subscriptions as stored", body = SystemNotifications)))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<SubscriptionsBody>, RestError>,
) -> RestResult<Json<SystemNotifications>> {
    let actor = caller.actor();
    system_notifications::may_write(&actor)?;
    let JsonBody(body) = input?;
    let boxes: Vec<String> = body
        .events
        .iter()
        .flat_map(|e| e.channel_ids.iter().map(|id| checkbox_key(e.event, *id)))
        .collect();
    Ok(Json(
        system_notifications::save(&ctx(&state, &client), &actor, &boxes).await?,
    ))
}
