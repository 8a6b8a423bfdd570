//! A job's schedule: a cron expression read in its time zone, and the one "next run after
//! t" that the scheduler arms and every preview lists (applied repeatedly), so the two
//! cannot disagree.
//!
//! The dialect is croner's: 6 fields with seconds first (5 fields mean second 0, an
//! optional 7th is the year); names (`MON`, `JAN`), lists, ranges, steps (`5/5` is read as
//! `5-59/5`, as croner 3 did); `L`, `W` and `#`; `@hourly` and the other presets. When both
//! day of month and day of week are restricted, a day matching either runs (Vixie cron's
//! OR; a `+` before the day of week asks for both). Across daylight saving changes, as in
//! Vixie cron: a job at one fixed time of day runs once, at the end of the gap when that
//! time is skipped and at the first of the two when it is repeated; any other job (a `*`,
//! a step, a list or a range in its second, minute or hour) keeps its interval: the
//! skipped times do not run, the repeated ones run in both halves.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// A parsed expression with its time zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
}

impl Schedule {
    pub fn new(expression: &str, timezone: &str) -> Result<Self, String> {
        Ok(Self {
            cron: parse(expression)?,
            tz: parse_timezone(timezone.trim())?,
        })
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// The expression in words ("At 02:00"), as croner describes it.
    pub fn describe(&self) -> String {
        self.cron.describe()
    }

    /// The first run strictly after `after`, or why there is none (an expression such as
    /// `0 0 30 2 *` never matches).
    pub fn next_after(&self, after: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.tz), false)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| format!("the schedule has no next run: {e}"))
    }

    /// The next `count` runs after `after`: [`Self::next_after`] applied repeatedly, fewer
    /// when the schedule ends.
    pub fn upcoming(&self, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
        let mut runs = Vec::with_capacity(count);
        let mut at = after;
        while runs.len() < count {
            match self.next_after(at) {
                Ok(next) => {
                    runs.push(next);
                    at = next;
                }
                Err(_) => break,
            }
        }
        runs
    }
}

/// Parses a 5-field (minute precision) or 6-field (leading seconds) cron expression.
pub fn parse(expression: &str) -> Result<Cron, String> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        // croner 4 rejects `5/5` unless asked; croner 3 read it as `5-59/5`, and jobs
        // saved then must keep their schedule.
        .sloppy_ranges(true)
        .build()
        .parse(expression.trim())
        .map_err(|e| format!("invalid cron expression {expression:?}: {e}"))
}

pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as Europe/Paris)"))
}

/// The next `count` runs of `expression` in `timezone` after `after`, for previews.
pub fn upcoming(
    expression: &str,
    timezone: &str,
    after: DateTime<Utc>,
    count: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    Ok(Schedule::new(expression, timezone)?.upcoming(after, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn five_and_six_fields_in_the_jobs_time_zone() {
        let from = utc(2026, 3, 28, 12, 0, 0);
        // 03:30 in Paris: UTC+1 before the DST change of 29 March, UTC+2 after.
        let next = upcoming("30 3 * * *", "Europe/Paris", from, 2).unwrap();
        assert_eq!(next, [utc(2026, 3, 29, 1, 30, 0), utc(2026, 3, 30, 1, 30, 0)]);
        let seconds = upcoming("*/15 * * * * *", "UTC", from, 3).unwrap();
        assert_eq!(seconds, [15, 30, 45].map(|s| utc(2026, 3, 28, 12, 0, s)));
        assert!(
            upcoming("61 * * * *", "UTC", from, 1)
                .unwrap_err()
                .contains("invalid cron")
        );
        let zone = upcoming("* * * * *", "Mars/Olympus", from, 1).unwrap_err();
        assert!(zone.contains("unknown time zone"), "{zone}");
    }

    #[test]
    fn adjacent_seconds_are_all_listed() {
        let from = utc(2026, 12, 7, 0, 0, 0);
        let every = upcoming("* 30 9 * * *", "UTC", from, 5).unwrap();
        assert_eq!(every, [0, 1, 2, 3, 4].map(|s| utc(2026, 12, 7, 9, 30, s)));
        let range = upcoming("31-33 1 * * * *", "UTC", from, 3).unwrap();
        assert_eq!(range, [31, 32, 33].map(|s| utc(2026, 12, 7, 0, 1, s)));
    }

    #[test]
    fn the_nearest_weekday() {
        // 15 August 2026 is a Saturday, 15 November a Sunday.
        let next = upcoming("0 0 15W * *", "UTC", utc(2026, 8, 1, 0, 0, 0), 4).unwrap();
        let days: Vec<_> = next.iter().map(|t| t.format("%m-%d").to_string()).collect();
        assert_eq!(days, ["08-14", "09-15", "10-15", "11-16"]);
    }

    #[test]
    fn a_schedule_that_never_matches_lists_nothing() {
        let never = upcoming("0 0 30 2 *", "UTC", utc(2026, 1, 1, 0, 0, 0), 3).unwrap();
        assert!(never.is_empty(), "{never:?}");
    }

    #[test]
    fn steps_written_the_croner_3_way_still_parse() {
        let from = utc(2026, 12, 7, 0, 0, 0);
        let next = upcoming("5/20 * * * *", "UTC", from, 3).unwrap();
        assert_eq!(next, [5, 25, 45].map(|m| utc(2026, 12, 7, 0, m, 0)));
    }
}
