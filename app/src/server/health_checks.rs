//! Background health checks: every `health_check_interval_secs`, each source and
//! destination is probed (read only, at most 15 s, at most 4 at once) and the result
//! recorded as its health and in `health_check_logs`.
//!
//! Several instances may share a database: before checking an adapter, an instance
//! claims it with a conditional update of `last_check_at` (only if the last check is
//! older than the interval), so each adapter is checked about once per interval in all.

use super::adapter_health;
use super::adapter_store::time_text;
use super::error::Result;
use super::notify::messages;
use super::secrets;
use super::settings;
use super::state::AppState;
use crate::api::adapter_types::{AdapterKind, Health};
use crate::api::health_log::HealthCheckRow;
use chrono::{DateTime, Utc};
use entity::{adapter_config, enums, health_check_log};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// At most this many checks run at the same time.
pub const PARALLEL: usize = 4;
/// How often the loop looks at the (possibly changed) interval setting.
const POLL: Duration = Duration::from_secs(5);

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub checked: usize,
    pub failed: usize,
}

fn api_kind(kind: enums::AdapterKind) -> Option<AdapterKind> {
    match kind {
        enums::AdapterKind::Source => Some(AdapterKind::Source),
        enums::AdapterKind::Destination => Some(AdapterKind::Destination),
        // Checking a channel would send a message; deliveries record its health instead.
        enums::AdapterKind::Notification => None,
    }
}

/// Checks every source and destination now, whenever it was last checked.
pub async fn run_health_checks_once(state: &AppState) -> Result<Round> {
    run_round(state, None).await
}

/// Checks the adapters whose last check is older than `due_before` (all when `None`).
async fn run_round(state: &AppState, due_before: Option<DateTime<Utc>>) -> Result<Round> {
    let adapters = adapter_config::Entity::find()
        .filter(
            adapter_config::Column::Kind.is_in([enums::AdapterKind::Source, enums::AdapterKind::Destination]),
        )
        .order_by_asc(adapter_config::Column::Id)
        .all(&state.db)
        .await?;
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let mut checks = JoinSet::new();
    for stored in adapters {
        let Some(kind) = api_kind(stored.kind) else {
            continue;
        };
        if let Some(cutoff) = due_before
            && !claim(&state.db, stored.id, cutoff).await?
        {
            continue;
        }
        let state = state.clone();
        let gate = gate.clone();
        checks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            check_one(&state, kind, stored).await
        });
    }
    let mut round = Round::default();
    while let Some(done) = checks.join_next().await {
        match done {
            Ok(Ok(ok)) => {
                round.checked += 1;
                round.failed += usize::from(!ok);
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "could not record a health check"),
            Err(e) => tracing::error!(error = %e, "a health check panicked"),
        }
    }
    Ok(round)
}

/// Takes the adapter for this round unless another instance checked it since `cutoff`.
async fn claim(db: &impl ConnectionTrait, id: i64, cutoff: DateTime<Utc>) -> Result<bool> {
    let taken = adapter_config::Entity::update_many()
        .col_expr(adapter_config::Column::LastCheckAt, Expr::value(Utc::now()))
        .filter(adapter_config::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(adapter_config::Column::LastCheckAt.is_null())
                .add(adapter_config::Column::LastCheckAt.lt(cutoff)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Probes one adapter and records the outcome; `Ok(true)` when it answered.
async fn check_one(state: &AppState, kind: AdapterKind, stored: adapter_config::Model) -> Result<bool> {
    let (outcome, took) = match secrets::open(&state.master_key, &stored.config_encrypted) {
        Ok(config) => adapter_health::probe(kind, &stored.adapter_id, &config).await,
        Err(e) => (
            Err(format!("cannot read the stored configuration: {e}")),
            Duration::ZERO,
        ),
    };
    if let Err(e) = &outcome {
        tracing::info!(adapter = %stored.name, kind = kind.as_str(), error = %e, "health check failed");
    }
    let ok = outcome.is_ok();
    let (before, name) = (stored.health_status, stored.name.clone());
    let report = adapter_health::record(&state.db, stored, outcome, took).await?;
    let after = report.health.unwrap_or(Health::Unknown);
    if let Some(went_offline) = health_change(before, after) {
        let error = went_offline.then_some(report.message.as_str());
        let notice = messages::adapter_health_changed(&state.outbox, kind.as_str(), &name, error);
        state.outbox.emit(notice);
    }
    Ok(ok)
}

/// `Some(true)` when a check took an adapter offline, `Some(false)` when it brought an
/// offline one back online, `None` otherwise (degraded is not news yet).
pub fn health_change(before: enums::HealthStatus, after: Health) -> Option<bool> {
    match (before, after) {
        (enums::HealthStatus::Offline, Health::Online) => Some(false),
        (enums::HealthStatus::Offline, _) => None,
        (_, Health::Offline) => Some(true),
        _ => None,
    }
}

/// Runs a round whenever the interval setting says one is due, until `stop` fires.
/// The interval is re-read every few seconds, so a change applies without a restart.
pub fn spawn(state: AppState, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_round: Option<tokio::time::Instant> = None;
        loop {
            let interval = match settings::get(&state.db, &settings::HEALTH_CHECK_INTERVAL_SECS).await {
                Ok(secs) => Duration::from_secs(secs.unsigned_abs()),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the health-check interval");
                    Duration::from_secs(settings::HEALTH_CHECK_INTERVAL_SECS.default.unsigned_abs())
                }
            };
            if last_round.is_none_or(|t| t.elapsed() >= interval) {
                last_round = Some(tokio::time::Instant::now());
                // A little under the interval, so a round that started late still counts.
                let slack = chrono::Duration::from_std(interval.mul_f64(0.9)).unwrap_or_default();
                let round = tokio::select! {
                    r = run_round(&state, Some(Utc::now() - slack)) => r,
                    () = stop.cancelled() => break,
                };
                match round {
                    Ok(r) if r.checked > 0 => {
                        tracing::debug!(checked = r.checked, failed = r.failed, "health checks done");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "health-check round failed"),
                }
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = stop.cancelled() => break,
            }
        }
        tracing::debug!("health checks stopped");
    })
}

/// The last `limit` checks of one adapter, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    kind: AdapterKind,
    id: i64,
    limit: u64,
) -> Result<Vec<HealthCheckRow>> {
    super::adapter_store::find(db, kind, id).await?;
    let rows = health_check_log::Entity::find()
        .filter(health_check_log::Column::AdapterConfigId.eq(id))
        .order_by_desc(health_check_log::Column::CheckedAt)
        .order_by_desc(health_check_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| HealthCheckRow {
            checked_at: time_text(r.checked_at),
            ok: r.ok,
            latency_ms: r.latency_ms,
            error: r.error,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use enums::HealthStatus as Before;

    #[test]
    fn only_going_offline_and_coming_back_are_news() {
        let table = [
            (Before::Online, Health::Offline, Some(true)),
            (Before::Degraded, Health::Offline, Some(true)),
            (Before::Unknown, Health::Offline, Some(true)),
            (Before::Offline, Health::Online, Some(false)),
            (Before::Offline, Health::Offline, None),
            (Before::Offline, Health::Degraded, None),
            (Before::Online, Health::Degraded, None),
            (Before::Degraded, Health::Online, None),
        ];
        for (before, after, expected) in table {
            assert_eq!(health_change(before, after), expected, "{before:?} → {after:?}");
        }
    }
}
