//! "Test connection": builds an adapter from a config, asks it to connect (read only,
//! at most 15 s), and records the outcome as the adapter's health.

use super::error::Result;
use crate::api::adapter_types::{AdapterKind, ConnectionReport};
use adapters::registry;
use chrono::Utc;
use entity::enums::HealthStatus;
use entity::{adapter_config, health_check_log};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;
use std::time::{Duration, Instant};

pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// The health after a check: one or two failures in a row are DEGRADED, three or more
/// OFFLINE, any success ONLINE.
pub fn status_after(consecutive_failures: i32) -> HealthStatus {
    match consecutive_failures {
        0 => HealthStatus::Online,
        1 | 2 => HealthStatus::Degraded,
        _ => HealthStatus::Offline,
    }
}

/// Connects with the adapter `adapter_id` built from `config`; never panics, never
/// writes. The error is the adapter's own words ("authentication failed: …").
pub async fn probe(
    kind: AdapterKind,
    adapter_id: &str,
    config: &Value,
) -> (std::result::Result<(), String>, Duration) {
    let started = Instant::now();
    let attempt = async {
        match kind {
            AdapterKind::Source => registry::source(adapter_id, config)?.test_connection().await,
            AdapterKind::Destination => registry::destination(adapter_id, config)?.test_connection().await,
            // Checking a channel means sending a message: see `notify::test_send`.
            AdapterKind::Notification => Err(adapters::AdapterError::Other(
                "notification channels are checked by sending a test message".to_string(),
            )),
        }
    };
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "host unreachable: no answer within {} s",
            CHECK_TIMEOUT.as_secs()
        )),
    };
    (outcome, started.elapsed())
}

/// Records a check of a stored adapter and returns the report the console shows.
pub async fn record(
    db: &impl ConnectionTrait,
    stored: adapter_config::Model,
    outcome: std::result::Result<(), String>,
    took: Duration,
) -> Result<ConnectionReport> {
    let now = Utc::now();
    let millis = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
    let failures = match &outcome {
        Ok(()) => 0,
        Err(_) => stored.consecutive_failures.saturating_add(1),
    };
    let status = status_after(failures);
    let id = stored.id;
    let mut model: adapter_config::ActiveModel = stored.into();
    model.health_status = Set(status);
    model.consecutive_failures = Set(failures);
    model.last_check_at = Set(Some(now));
    model.last_error = Set(outcome.as_ref().err().cloned());
    model.update(db).await?;
    health_check_log::ActiveModel {
        adapter_config_id: Set(id),
        checked_at: Set(now),
        ok: Set(outcome.is_ok()),
        latency_ms: Set(i32::try_from(millis).unwrap_or(i32::MAX)),
        error: Set(outcome.as_ref().err().cloned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(report(
        outcome,
        millis,
        Some(super::adapter_store::health(status)),
    ))
}

pub fn report(
    outcome: std::result::Result<(), String>,
    millis: u64,
    health: Option<crate::api::adapter_types::Health>,
) -> ConnectionReport {
    ConnectionReport {
        ok: outcome.is_ok(),
        message: outcome.err().unwrap_or_else(|| "Connection OK".to_string()),
        millis,
        health,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_in_a_row_degrade_then_take_offline() {
        let table = [
            (0, HealthStatus::Online),
            (1, HealthStatus::Degraded),
            (2, HealthStatus::Degraded),
            (3, HealthStatus::Offline),
            (40, HealthStatus::Offline),
        ];
        for (failures, expected) in table {
            assert_eq!(status_after(failures), expected, "{failures} failures");
        }
    }
}
