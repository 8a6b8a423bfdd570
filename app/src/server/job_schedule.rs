//! A job's schedule for people: its description and its next runs, computed with the
//! engine's own parser so the preview never disagrees with what fires.

use crate::api::error::ApiError;
use crate::api::job_types::{RunTime, SchedulePreview};
use crate::engine::scheduler::{parse, parse_timezone, upcoming};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub const PREVIEW_RUNS: usize = 5;

/// Checks an expression and a time zone as the scheduler will read them.
pub fn check(cron: &str, timezone: &str) -> Result<Tz, ApiError> {
    parse(cron).map_err(ApiError::Invalid)?;
    parse_timezone(timezone.trim()).map_err(ApiError::Invalid)
}

pub fn preview(cron: &str, timezone: &str, after: DateTime<Utc>) -> Result<SchedulePreview, ApiError> {
    if cron.trim().is_empty() {
        return Err(ApiError::invalid("Enter a cron expression, or pick a preset."));
    }
    let tz = check(cron, timezone)?;
    let description = parse(cron).map_err(ApiError::Invalid)?.describe();
    let next = upcoming(cron, timezone.trim(), after, PREVIEW_RUNS)
        .map_err(ApiError::Invalid)?
        .into_iter()
        .map(|t| run_time(t, tz))
        .collect();
    Ok(SchedulePreview { description, next })
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
    let tz = parse_timezone(timezone).ok()?;
    upcoming(cron, timezone, now, 1)
        .ok()?
        .into_iter()
        .next()
        .map(|t| run_time(t, tz))
}
