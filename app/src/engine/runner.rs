//! The runner: claims pending executions and runs each on its own task, plus the
//! housekeeping that keeps claims alive (heartbeats, cancel requests, orphan sweeps).

use super::claim::{self, Claim};
use super::log::ExecLog;
use super::progress::Event;
use super::{Inner, execute, instance, read_run, recovery};
use chrono::Utc;
use entity::enums::{ExecutionKind, ExecutionStatus};
use entity::execution::{self, Column};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::sync::Arc;
use std::time::Duration;

/// Other instances queue work too; their notifications do not reach us.
const POLL: Duration = Duration::from_secs(1);
const HEARTBEAT_EVERY: u32 = 10;
const SWEEP_EVERY: u32 = 15;

pub(crate) fn spawn(inner: Arc<Inner>) {
    tokio::spawn(claim_loop(inner.clone()));
    tokio::spawn(housekeeping(inner));
}

async fn claim_loop(inner: Arc<Inner>) {
    loop {
        claim_all(&inner).await;
        tokio::select! {
            _ = inner.shutdown.cancelled() => return,
            _ = inner.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

async fn claim_all(inner: &Arc<Inner>) {
    let _one_at_a_time = inner.claim_lock.lock().await;
    while !inner.shutdown.is_cancelled() {
        match claim::next(&inner.db, &inner.instance_id).await {
            Ok(Claim::Claimed(execution)) => start(inner.clone(), *execution),
            Ok(Claim::Idle) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim pending executions");
                return;
            }
        }
    }
}

fn start(inner: Arc<Inner>, execution: execution::Model) {
    let token = inner.shutdown.child_token();
    inner
        .running
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(execution.id, token.clone());
    inner.board.send(Event::Status {
        execution_id: execution.id,
        status: ExecutionStatus::Running,
    });
    tokio::spawn(async move {
        let id = execution.id;
        let log = Arc::new(ExecLog::open(&inner.db, inner.board.clone(), id).await);
        // The pipeline runs on a task of its own so that a panic there is still recorded.
        let work = tokio::spawn({
            let (inner, log, token) = (inner.clone(), log.clone(), token.clone());
            async move {
                match execution.kind {
                    ExecutionKind::Backup => execute::run(&inner, &execution, &token, &log).await,
                    ExecutionKind::Restore | ExecutionKind::Verify => {
                        read_run::run(&inner, &execution, &token, &log).await
                    }
                }
            }
        });
        let record = match work.await {
            Ok(record) => record,
            Err(e) => {
                log.error("engine", format!("the execution crashed: {e}")).await;
                execute::Record::failed(format!("internal error: {e}"))
            }
        };
        let status = record.status;
        // Once the outcome is stored nobody may still read live progress for it.
        inner.board.clear(id);
        if let Err(e) = execute::finish(&inner, id, record).await {
            tracing::error!(execution = id, error = %e, "cannot record the outcome of an execution");
        }
        inner
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        inner.board.send(Event::Status {
            execution_id: id,
            status,
        });
        inner.wake.notify_one();
    });
}

async fn housekeeping(inner: Arc<Inner>) {
    let mut tick: u32 = 0;
    loop {
        tokio::select! {
            _ = inner.shutdown.cancelled() => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        tick = tick.wrapping_add(1);
        forward_cancel_requests(&inner).await;
        if tick.is_multiple_of(HEARTBEAT_EVERY) {
            heartbeat(&inner).await;
        }
        if tick.is_multiple_of(SWEEP_EVERY) {
            match recovery::sweep(&inner.db, &inner.instance_id).await {
                Ok(runs) if runs.is_empty() => {}
                Ok(runs) => {
                    tracing::warn!(
                        count = runs.len(),
                        "executions of a dead instance were marked failed"
                    );
                    for run in &runs {
                        execute::announce(&inner, run).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot sweep orphaned executions"),
            }
        }
    }
}

/// A cancel asked through another instance reaches ours through the database.
async fn forward_cancel_requests(inner: &Inner) {
    if inner.running.lock().unwrap_or_else(|p| p.into_inner()).is_empty() {
        return;
    }
    let ids: Result<Vec<i64>, _> = execution::Entity::find()
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .filter(Column::ClaimedBy.eq(inner.instance_id.as_str()))
        .filter(Column::CancelRequested.eq(true))
        .select_only()
        .column(Column::Id)
        .into_tuple()
        .all(&inner.db)
        .await;
    match ids {
        Ok(ids) => {
            for id in ids {
                if let Some(token) = inner.running_token(id) {
                    token.cancel();
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot read cancel requests"),
    }
}

async fn heartbeat(inner: &Inner) {
    if let Err(e) = instance::heartbeat(&inner.db, &inner.instance_id).await {
        tracing::warn!(error = %e, "cannot refresh this instance's heartbeat");
    }
    let result = execution::Entity::update_many()
        .set(execution::ActiveModel {
            heartbeat_at: Set(Some(Utc::now())),
            ..Default::default()
        })
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .filter(Column::ClaimedBy.eq(inner.instance_id.as_str()))
        .exec(&inner.db)
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot refresh the heartbeat of running executions");
    }
}
