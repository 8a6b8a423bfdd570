//! Reading the notification log for the console: filtered, keyset-paginated pages
//! (newest first, `id < before`) with each channel's current name, and one delivery's
//! payload for the preview.

use crate::api::error::ApiError;
use crate::api::notification_types::{
    NotificationLogPage, NotificationLogRow, NotificationPreview, NotifyEvent,
};
use crate::server::error::Result;
use entity::enums::DeliveryStatus;
use entity::{adapter_config, notification_log};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

pub const PAGE_SIZE: u64 = 50;

/// What the log page filters by; empty strings count as "no filter".
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub event: Option<String>,
    /// `sent` or `failed`.
    pub status: Option<String>,
    pub channel_id: Option<i64>,
    pub before_id: Option<i64>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn status(value: &str) -> Result<DeliveryStatus> {
    match value {
        "sent" => Ok(DeliveryStatus::Sent),
        "failed" => Ok(DeliveryStatus::Failed),
        other => Err(ApiError::Invalid(format!("unknown status `{other}` (sent or failed)")).into()),
    }
}

pub async fn list(db: &impl ConnectionTrait, filter: &LogFilter) -> Result<NotificationLogPage> {
    let mut find = notification_log::Entity::find().order_by_desc(notification_log::Column::Id);
    if let Some(event) = given(&filter.event) {
        let event =
            NotifyEvent::parse(event).ok_or_else(|| ApiError::Invalid(format!("unknown event `{event}`")))?;
        find = find.filter(notification_log::Column::Event.eq(event.as_str()));
    }
    if let Some(value) = given(&filter.status) {
        find = find.filter(notification_log::Column::Status.eq(status(value)?));
    }
    if let Some(channel) = filter.channel_id {
        find = find.filter(notification_log::Column::AdapterConfigId.eq(channel));
    }
    if let Some(before) = filter.before_id {
        find = find.filter(notification_log::Column::Id.lt(before));
    }
    let found = find.limit(PAGE_SIZE).all(db).await?;
    let next_before = (found.len() as u64 == PAGE_SIZE)
        .then(|| found.last().map(|r| r.id))
        .flatten();
    let names = channel_names(db, &found).await?;
    Ok(NotificationLogPage {
        rows: found.into_iter().map(|r| row(r, &names)).collect(),
        next_before,
    })
}

/// The current names of the channels `rows` went through, by id.
async fn channel_names(
    db: &impl ConnectionTrait,
    rows: &[notification_log::Model],
) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.adapter_config_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let names: Vec<(i64, String)> = adapter_config::Entity::find()
        .select_only()
        .column(adapter_config::Column::Id)
        .column(adapter_config::Column::Name)
        .filter(adapter_config::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.into_iter().collect())
}

fn row(r: notification_log::Model, names: &HashMap<i64, String>) -> NotificationLogRow {
    let event_label = NotifyEvent::parse(&r.event).map_or_else(|| r.event.clone(), |e| e.label().to_string());
    NotificationLogRow {
        id: r.id,
        created_at: r.created_at.to_rfc3339(),
        event: r.event,
        event_label,
        channel_name: r.adapter_config_id.and_then(|id| names.get(&id).cloned()),
        channel: r.channel,
        channel_id: r.adapter_config_id,
        execution_id: r.execution_id,
        sent: r.status == DeliveryStatus::Sent,
        attempts: r.attempts,
        title: r.title,
        error: r.error,
    }
}

pub async fn preview(db: &impl ConnectionTrait, id: i64) -> Result<NotificationPreview> {
    let r = notification_log::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no notification #{id} in the log.")))?;
    Ok(NotificationPreview {
        id: r.id,
        channel: r.channel,
        payload: r.payload,
        html: r.html,
        error: r.error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_and_others_are_refused() {
        assert_eq!(status("sent").unwrap(), DeliveryStatus::Sent);
        assert_eq!(status("failed").unwrap(), DeliveryStatus::Failed);
        assert!(status("lost").is_err());
    }
}
