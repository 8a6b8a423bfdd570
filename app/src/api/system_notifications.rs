//! System-wide notifications (Settings): for each event, the channels told about it
//! whatever the job. Job outcomes also reach the channels chosen on each job.

use super::error::ApiError;
use super::notification_types::NotifyEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A notification channel as Settings lists it: never its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelOption {
    pub id: i64,
    pub name: String,
    /// The adapter's label, e.g. "Slack".
    pub adapter_label: String,
}

/// One event and the channels subscribed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventSubscriptions {
    pub event: NotifyEvent,
    pub label: String,
    pub channel_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemNotifications {
    /// Every notification channel, by name.
    pub channels: Vec<ChannelOption>,
    /// Every subscribable event, in the console's order.
    pub events: Vec<EventSubscriptions>,
}

/// The form's checkbox name for `event` × `channel_id`.
pub fn checkbox_key(event: NotifyEvent, channel_id: i64) -> String {
    format!("{}:{channel_id}", event.as_str())
}

#[server(endpoint = "get_system_notifications")]
pub async fn get_system_notifications() -> Result<SystemNotifications, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::system_notifications::get(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// `subs` holds the checked boxes, keyed `event:channel_id` (`subs[backup_failure:3]=on`;
/// the value is ignored). The whole set is replaced: a box left out is unsubscribed.
/// Refuses unknown events and ids that are not notification channels before storing
/// anything; returns the subscriptions after saving.
#[server(endpoint = "save_system_notifications")]
pub async fn save_system_notifications(
    #[server(default)] subs: HashMap<String, String>,
) -> Result<SystemNotifications, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let boxes: Vec<String> = subs.into_keys().collect();
        crate::core::system_notifications::save(&caller.ctx(), &caller.actor()?, &boxes).await
    })
    .await
}
