//! Writing one delivery to `notification_logs`: the payload as sent (or the reason
//! nothing could be sent), its status and error.

use super::Notice;
use crate::server::error::Result;
use adapters::notify::{Delivery, Rendered};
use chrono::Utc;
use entity::enums::DeliveryStatus;
use entity::{adapter_config, notification_log};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

pub async fn insert(
    db: &impl ConnectionTrait,
    channel: &adapter_config::Model,
    notice: &Notice,
    rendered: Option<&Rendered>,
    delivery: &Delivery,
) -> Result<i64> {
    let row = notification_log::ActiveModel {
        created_at: Set(Utc::now()),
        event: Set(notice.event.as_str().to_string()),
        channel: Set(channel.adapter_id.clone()),
        adapter_config_id: Set(Some(channel.id)),
        execution_id: Set(notice.execution_id),
        status: Set(if delivery.result.is_ok() {
            DeliveryStatus::Sent
        } else {
            DeliveryStatus::Failed
        }),
        title: Set(notice.message.title.clone()),
        message: Set(notice.message.summary.clone()),
        payload: Set(rendered.map(|r| r.payload.clone()).unwrap_or_default()),
        html: Set(rendered.and_then(|r| r.html.clone())),
        error: Set(delivery.result.clone().err()),
        attempts: Set(i32::try_from(delivery.attempts).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}
