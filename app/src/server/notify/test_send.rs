//! "Send test": a test message through a stored channel (delivered, logged and recorded
//! as the channel's health like any other) or through the settings in the form (only
//! delivered).

use super::{Outbox, messages};
use crate::api::adapter_types::ConnectionReport;
use crate::server::adapter_store;
use adapters::notify::Delivery;
use entity::adapter_config;
use serde_json::Value;
use std::time::Instant;

fn report(
    delivery: Delivery,
    started: Instant,
    health: Option<crate::api::adapter_types::Health>,
) -> ConnectionReport {
    let attempts = delivery.attempts;
    ConnectionReport {
        ok: delivery.result.is_ok(),
        message: match delivery.result {
            Ok(()) => "Test message delivered".to_string(),
            Err(e) if attempts > 1 => format!("{e} (after {attempts} attempts)"),
            Err(e) => e,
        },
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        health,
    }
}

pub async fn stored(
    outbox: &Outbox,
    channel: &adapter_config::Model,
    by: &str,
) -> crate::server::error::Result<ConnectionReport> {
    let started = Instant::now();
    let notice = messages::test(outbox, &channel.name, by);
    let (delivery, _) = outbox.send_to(channel, &notice).await;
    let after = adapter_store::find(
        outbox.db(),
        crate::api::adapter_types::AdapterKind::Notification,
        channel.id,
    )
    .await?;
    Ok(report(
        delivery,
        started,
        Some(adapter_store::health(after.health_status)),
    ))
}

pub async fn unsaved(
    outbox: &Outbox,
    adapter_id: &str,
    name: &str,
    config: Value,
    by: &str,
) -> ConnectionReport {
    let started = Instant::now();
    let notice = messages::test(outbox, name, by);
    let (delivery, _) = outbox.attempt(adapter_id, Ok(config), &notice.message).await;
    report(delivery, started, None)
}
