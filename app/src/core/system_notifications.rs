//! System-wide notifications (Settings): for each event, the channels told about it
//! whatever the job.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::notification_types::NotifyEvent;
use crate::api::system_notifications::{ChannelOption, EventSubscriptions, SystemNotifications};
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::notify::system_channels;

async fn current(db: &sea_orm::DatabaseConnection) -> Result<SystemNotifications> {
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

/// Whether the actor may change the subscriptions, asked before their input is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::SettingsWrite)?)
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor) -> Result<SystemNotifications> {
    actor.require(Permission::SettingsRead)?;
    current(&ctx.state.db).await
}

/// Replaces every subscription with `boxes` (`event:channel_id` each); refuses unknown
/// events and ids that are not notification channels before storing anything.
pub async fn save(ctx: &Ctx<'_>, actor: &Actor, boxes: &[String]) -> Result<SystemNotifications> {
    actor.require(Permission::SettingsWrite)?;
    let db = &ctx.state.db;
    let after = system_channels::from_form(boxes.iter().map(String::as_str))?;
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
        let event = AuditEvent::SystemNotificationsUpdate { changes: &changes };
        audit_event::record(ctx, actor, event).await?;
    }
    current(db).await
}
