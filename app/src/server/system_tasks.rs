//! System tasks: once at start and then hourly, purge execution logs, health-check logs,
//! notification logs and audit logs past their retention settings. Rows go in id ranges
//! of at most `BATCH`, one short statement each, so a huge table never locks for long.
//! Several instances may purge at the same time; deletes of the same rows are harmless.

use super::error::Result;
use super::settings::{self, Spec};
use super::state::AppState;
use chrono::{DateTime, Utc};
use entity::{audit_log, execution, execution_log, health_check_log, notification_log};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The widest id range one delete statement covers.
pub const BATCH: i64 = 10_000;
pub const EVERY: Duration = Duration::from_secs(3600);

/// Rows deleted per table, and how many delete statements it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub execution_logs: u64,
    pub health_check_logs: u64,
    pub notification_logs: u64,
    pub audit_logs: u64,
    pub batches: u64,
}

impl PurgeReport {
    pub fn total(&self) -> u64 {
        self.execution_logs + self.health_check_logs + self.notification_logs + self.audit_logs
    }
}

/// Purges everything past its retention as of `now`.
pub async fn run_system_tasks_once(state: &AppState, now: DateTime<Utc>) -> Result<PurgeReport> {
    purge_all(&state.db, now, BATCH).await
}

async fn cutoff(db: &impl ConnectionTrait, spec: &Spec, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    Ok(now - chrono::Duration::days(settings::get(db, spec).await?))
}

/// `purge` with a chosen batch size (tests use a small one).
pub async fn purge_all(db: &impl ConnectionTrait, now: DateTime<Utc>, batch: i64) -> Result<PurgeReport> {
    let mut report = PurgeReport::default();

    let before = cutoff(db, &settings::EXECUTION_LOGS_DAYS, now).await?;
    let finished = Query::select()
        .column(execution::Column::Id)
        .from(execution::Entity)
        .and_where(execution::Column::FinishedAt.lt(before))
        .to_owned();
    let (n, b) = purge::<execution_log::Entity>(
        db,
        execution_log::Column::Id,
        Condition::all().add(execution_log::Column::ExecutionId.in_subquery(finished)),
        batch,
    )
    .await?;
    (report.execution_logs, report.batches) = (n, report.batches + b);

    let before = cutoff(db, &settings::HEALTH_CHECK_LOGS_DAYS, now).await?;
    let (n, b) = purge::<health_check_log::Entity>(
        db,
        health_check_log::Column::Id,
        Condition::all().add(health_check_log::Column::CheckedAt.lt(before)),
        batch,
    )
    .await?;
    (report.health_check_logs, report.batches) = (n, report.batches + b);

    let before = cutoff(db, &settings::NOTIFICATION_LOGS_DAYS, now).await?;
    let (n, b) = purge::<notification_log::Entity>(
        db,
        notification_log::Column::Id,
        Condition::all().add(notification_log::Column::CreatedAt.lt(before)),
        batch,
    )
    .await?;
    (report.notification_logs, report.batches) = (n, report.batches + b);

    let before = cutoff(db, &settings::AUDIT_LOGS_DAYS, now).await?;
    let (n, b) = purge::<audit_log::Entity>(
        db,
        audit_log::Column::Id,
        Condition::all().add(audit_log::Column::CreatedAt.lt(before)),
        batch,
    )
    .await?;
    (report.audit_logs, report.batches) = (n, report.batches + b);

    if report.total() > 0 {
        tracing::info!(
            execution_logs = report.execution_logs,
            health_check_logs = report.health_check_logs,
            notification_logs = report.notification_logs,
            audit_logs = report.audit_logs,
            "purged rows past their retention"
        );
    }
    Ok(report)
}

/// Deletes the rows of `E` matching `cond`, `batch` ids at a time from the lowest
/// matching id. Returns (rows deleted, statements run).
async fn purge<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    cond: Condition,
    batch: i64,
) -> std::result::Result<(u64, u64), DbErr> {
    let (mut rows, mut batches) = (0, 0);
    loop {
        let lowest: Option<i64> = E::find()
            .select_only()
            .column_as(Expr::expr(Func::min(Expr::col(id))), "lowest")
            .filter(cond.clone())
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        let Some(lowest) = lowest else { break };
        let done = E::delete_many()
            .filter(cond.clone())
            .filter(id.gte(lowest))
            .filter(id.lt(lowest.saturating_add(batch)))
            .exec(db)
            .await?;
        rows += done.rows_affected;
        batches += 1;
        // Let other work (and other connections) in between batches.
        tokio::task::yield_now().await;
    }
    Ok((rows, batches))
}

/// Purges at once, then every hour, until `stop` fires.
pub fn spawn(state: AppState, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let run = tokio::select! {
                r = run_system_tasks_once(&state, Utc::now()) => r,
                () = stop.cancelled() => break,
            };
            if let Err(e) = run {
                tracing::warn!(error = %e, "purging old logs failed");
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                () = stop.cancelled() => break,
            }
        }
        tracing::debug!("system tasks stopped");
    })
}
