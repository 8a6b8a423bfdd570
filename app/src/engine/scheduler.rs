//! Fires each enabled job on its cron schedule, in its time zone.
//!
//! A small loop per job over croner (the parser tokio-cron-scheduler uses) rather than
//! tokio-cron-scheduler itself: each tick must be queued under its exact scheduled time,
//! which is what makes a tick unique across instances, and tokio-cron-scheduler hands its
//! callbacks no scheduled time (only "now", late by up to its polling interval).

use super::schedule::Schedule;
use super::{EngineError, Inner, queue};
use chrono::Utc;
use entity::enums::ExecutionTrigger;
use entity::job;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// Ticks later than this (the machine slept, the database was down) are not caught up.
const MAX_LATENESS: chrono::Duration = chrono::Duration::seconds(60);

#[derive(Default)]
pub(crate) struct Scheduler {
    jobs: Mutex<HashMap<i64, JoinHandle<()>>>,
}

impl Scheduler {
    fn replace(&self, job_id: i64, handle: Option<JoinHandle<()>>) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = jobs.remove(&job_id) {
            old.abort();
        }
        if let Some(h) = handle {
            jobs.insert(job_id, h);
        }
    }

    pub fn remove(&self, job_id: i64) {
        self.replace(job_id, None);
    }

    pub fn clear(&self) {
        for (_, h) in self.jobs.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            h.abort();
        }
    }

    pub fn scheduled(&self) -> Vec<i64> {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .copied()
            .collect()
    }
}

pub(crate) async fn schedule_all(inner: &Arc<Inner>) -> Result<(), EngineError> {
    let jobs = job::Entity::find()
        .filter(job::Column::Enabled.eq(true))
        .all(&inner.db)
        .await?;
    for job in jobs {
        arm(inner, &job);
    }
    Ok(())
}

pub(crate) async fn reschedule(inner: &Arc<Inner>, job_id: i64) -> Result<(), EngineError> {
    match job::Entity::find_by_id(job_id).one(&inner.db).await? {
        Some(job) if job.enabled => {
            arm(inner, &job);
            Ok(())
        }
        _ => {
            inner.scheduler.remove(job_id);
            Ok(())
        }
    }
}

fn arm(inner: &Arc<Inner>, job: &job::Model) {
    if inner.shutdown.is_cancelled() {
        return;
    }
    match Schedule::new(&job.cron, &job.timezone) {
        Ok(schedule) => {
            let handle = tokio::spawn(tick_loop(inner.clone(), job.id, schedule));
            inner.scheduler.replace(job.id, Some(handle));
        }
        Err(reason) => {
            tracing::warn!(job = job.id, name = %job.name, "not scheduled: {reason}");
            inner.scheduler.remove(job.id);
        }
    }
}

async fn tick_loop(inner: Arc<Inner>, job_id: i64, schedule: Schedule) {
    let mut after = Utc::now();
    loop {
        let at = match schedule.next_after(after) {
            Ok(at) => at,
            Err(reason) => {
                tracing::warn!(job = job_id, "not scheduled any more: {reason}");
                return;
            }
        };
        tracing::debug!(job = job_id, %at, "armed");
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        tokio::select! {
            _ = inner.shutdown.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        // Timers may wake a hair early; never fire before the tick.
        let early = (at - Utc::now()).to_std().unwrap_or_default();
        if !early.is_zero() {
            tokio::time::sleep(early).await;
        }
        if Utc::now() - at > MAX_LATENESS {
            tracing::warn!(job = job_id, %at, "missed a scheduled run (the process was stalled); skipping to the next");
            after = Utc::now();
            continue;
        }
        match queue::enqueue(&inner.db, job_id, ExecutionTrigger::Schedule, None, Some(at)).await {
            Ok(_) => inner.wake.notify_one(),
            Err(EngineError::NotFound(_)) => {
                tracing::info!(job = job_id, "the job is gone; unscheduling it");
                return;
            }
            Err(e) => tracing::warn!(job = job_id, %at, error = %e, "cannot queue a scheduled run"),
        }
        after = at;
    }
}
