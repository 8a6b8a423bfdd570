//! A job's schedule for people: its description and its next runs, computed with the
//! engine's own parser so the preview never disagrees with what fires.

use crate::api::error::ApiError;
use crate::api::job_types::{RunTime, SchedulePreview};
use crate::engine::schedule::{Schedule, parse};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub const PREVIEW_RUNS: usize = 5;

/// Checks an expression and a time zone as the scheduler will read them.
pub fn check(cron: &str, timezone: &str) -> Result<Tz, ApiError> {
    Ok(Schedule::new(cron, timezone)
        .map_err(ApiError::Invalid)?
        .timezone())
}

pub fn preview(cron: &str, timezone: &str, after: DateTime<Utc>) -> Result<SchedulePreview, ApiError> {
    if cron.trim().is_empty() {
        return Err(ApiError::invalid("Enter a cron expression, or pick a preset."));
    }
    let schedule = Schedule::new(cron, timezone).map_err(ApiError::Invalid)?;
    let next = schedule
        .upcoming(after, PREVIEW_RUNS)
        .into_iter()
        .map(|t| run_time(t, schedule.timezone()))
        .collect();
    Ok(SchedulePreview {
        description: schedule.describe(),
        next,
    })
}

pub fn run_time(t: DateTime<Utc>, tz: Tz) -> RunTime {
    let local = t.with_timezone(&tz);
    RunTime {
        rfc3339: local.to_rfc3339(),
        text: local.format("%a %Y-%m-%d %H:%M:%S %Z").to_string(),
    }
}

/// The description, or the parser's reason when the stored expression is unreadable.
pub fn describe(cron: &str) -> String {
    match parse(cron) {
        Ok(c) => c.describe(),
        Err(reason) => reason,
    }
}

pub fn next_run(cron: &str, timezone: &str, now: DateTime<Utc>) -> Option<RunTime> {
    let schedule = Schedule::new(cron, timezone).ok()?;
    let next = schedule.next_after(now).ok()?;
    Some(run_time(next, schedule.timezone()))
}
