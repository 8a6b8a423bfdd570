//! System-wide notifications (Settings): for each event, the channels told about it
//! whatever the job. Job outcomes also reach the channels chosen on each job.

use super::error::ApiError;
use super::notification_types::NotifyEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A notification channel as Settings lists it: never its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub id: i64,
    pub name: String,
    /// The adapter's label, e.g. "Slack".
    pub adapter_label: String,
}

/// One event and the channels subscribed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSubscriptions {
    pub event: NotifyEvent,
    pub label: String,
    pub channel_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(feature = "ssr")]
async fn current(db: &sea_orm::DatabaseConnection) -> crate::server::error::Result<SystemNotifications> {
    use crate::server::notify::system_channels;
    use adapters::registry;
    use entity::adapter_config;
    use entity::enums::AdapterKind;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let channels: Vec<ChannelOption> = adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(AdapterKind::Notification))
        .order_by_asc(adapter_config::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|a| ChannelOption {
            adapter_label: registry::find(&a.adapter_id)
                .map_or_else(|| a.adapter_id.clone(), |r| r.label.to_string()),
            id: a.id,
            name: a.name,
        })
        .collect();
    let mut stored = system_channels::load(db).await?;
    let events = NotifyEvent::SUBSCRIBABLE
        .into_iter()
        .map(|event| EventSubscriptions {
            event,
            label: event.label().to_string(),
            // A deleted channel's id stays in the setting until the next save; not shown.
            channel_ids: stored
                .remove(&event)
                .unwrap_or_default()
                .into_iter()
                .filter(|id| channels.iter().any(|c| c.id == *id))
                .collect(),
        })
        .collect();
    Ok(SystemNotifications { channels, events })
}

#[server(endpoint = "get_system_notifications")]
pub async fn get_system_notifications() -> Result<SystemNotifications, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::SettingsRead))?;
        current(&caller.state.db).await
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
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::notify::system_channels;
    respond(async move {
        let caller = guard(Need::Permission(Permission::SettingsWrite))?;
        let me = caller.user()?;
        let db = &caller.state.db;
        let after = system_channels::from_form(subs.keys().map(String::as_str))?;
        let known = current(db).await?;
        let name = |id: i64| known.channels.iter().find(|c| c.id == id).map(|c| c.name.clone());
        if let Some(id) = after.values().flatten().find(|id| name(**id).is_none()) {
            return Err(ApiError::invalid(format!("There is no notification channel #{id}.")).into());
        }
        let before = system_channels::load(db).await?;
        system_channels::save(db, &after).await?;
        let changes =
            system_channels::changes(&before, &after, |id| name(id).unwrap_or_else(|| format!("#{id}")));
        if !changes.is_empty() {
            audit::record(
                db,
                Actor::User(me),
                &caller.client,
                Entry {
                    action: "settings.notifications",
                    resource_type: "settings",
                    resource_id: None,
                    summary: format!("changed system notifications: {}", changes.join("; ")),
                    success: true,
                },
            )
            .await?;
        }
        current(db).await
    })
    .await
}
