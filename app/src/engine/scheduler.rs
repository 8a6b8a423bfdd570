//! Fires each enabled job on its cron schedule, in its time zone.
//!
//! A small loop per job over croner (the parser tokio-cron-scheduler uses) rather than
//! tokio-cron-scheduler itself: each tick must be queued under its exact scheduled time,
//! which is what makes a tick unique across instances, and tokio-cron-scheduler hands its
//! callbacks no scheduled time (only "now", late by up to its polling interval).

use super::{EngineError, Inner, queue};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};
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

/// Parses a 5-field (minute precision) or 6-field (leading seconds) cron expression.
pub fn parse(expression: &str) -> Result<Cron, String> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(expression.trim())
        .map_err(|e| format!("invalid cron expression {expression:?}: {e}"))
}

pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as Europe/Paris)"))
}

/// The next `count` times the schedule fires after `after`, for the console's preview.
pub fn upcoming(
    expression: &str,
    timezone: &str,
    after: DateTime<Utc>,
    count: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    let cron = parse(expression)?;
    let tz = parse_timezone(timezone)?;
    Ok(cron
        .iter_after(after.with_timezone(&tz))
        .take(count)
        .map(|t| t.with_timezone(&Utc))
        .collect())
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
    let schedule = parse(&job.cron).and_then(|c| Ok((c, parse_timezone(&job.timezone)?)));
    match schedule {
        Ok((cron, tz)) => {
            let handle = tokio::spawn(tick_loop(inner.clone(), job.id, cron, tz));
            inner.scheduler.replace(job.id, Some(handle));
        }
        Err(reason) => {
            tracing::warn!(job = job.id, name = %job.name, "not scheduled: {reason}");
            inner.scheduler.remove(job.id);
        }
    }
}

async fn tick_loop(inner: Arc<Inner>, job_id: i64, cron: Cron, tz: Tz) {
    let mut after = Utc::now().with_timezone(&tz);
    loop {
        let next = match cron.find_next_occurrence(&after, false) {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(job = job_id, error = %e, "the schedule has no next run");
                return;
            }
        };
        let at = next.with_timezone(&Utc);
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
            after = Utc::now().with_timezone(&tz);
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
        after = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn five_and_six_fields_in_the_jobs_time_zone() {
        let from = Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap();
        // 03:30 in Paris: UTC+1 before the DST change of 29 March, UTC+2 after.
        let next = upcoming("30 3 * * *", "Europe/Paris", from, 2).unwrap();
        assert_eq!(next[0], Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap());
        assert_eq!(next[1], Utc.with_ymd_and_hms(2026, 3, 30, 1, 30, 0).unwrap());
        let seconds = upcoming("*/15 * * * * *", "UTC", from, 3).unwrap();
        assert_eq!(
            seconds,
            [15, 30, 45].map(|s| Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, s).unwrap())
        );
        assert!(
            upcoming("61 * * * *", "UTC", from, 1)
                .unwrap_err()
                .contains("invalid cron")
        );
        assert!(
            upcoming("* * * * *", "Mars/Olympus", from, 1)
                .unwrap_err()
                .contains("unknown time zone")
        );
    }
}
