//! Retention: which of a job's backups to keep and which to delete.
//!
//! Pure: no IO, no clock. The caller passes `now`, the job's time zone and the ids that must
//! survive (typically the backup just made), and gets one [`Decision`] per backup, in the same
//! order as its input, each with the reasons behind it.
//!
//! Semantics:
//! - Ids in `protect` are always kept ("protected: just made").
//! - Backups dated after `now` are always kept ("in the future: clock skew?") and take no part in
//!   the rules below: they use no keep-last or GFS slot, so the real backups around them are judged
//!   as if they were absent.
//! - The other backups are ranked newest first (equal times: the greater id first, so the result
//!   does not depend on input order). Keep-last keeps the first `count` of them ("newest 3").
//! - GFS buckets are the calendar periods of each backup's local time in the job's time zone:
//!   daily = local date ("daily 2026-11-20"), weekly = ISO week ("weekly 2026-W47", so
//!   2021-01-01 is "2020-W53"), monthly = year-month ("monthly 2026-11"), yearly = calendar year
//!   ("yearly 2026"). Each bucket is represented by its newest backup; the newest `daily` buckets
//!   that contain backups are kept, and so on: like restic and rustic, a period without backups
//!   uses no slot. A backup kept by several rules lists every reason.
//! - Whatever the policy, even an invalid one (keep-last 0, GFS all zeros), the newest backup
//!   dated no later than `now` is kept ("newest: always kept" when no rule kept it), so a job is
//!   never left without a backup.
//! - Every other backup is deleted with one reason: "delete: not among the newest N" for
//!   keep-last, "delete: beyond every bucket" for GFS.

mod policy;

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use policy::Policy;

/// Reason for a backup whose id was passed in `protect`.
pub const REASON_PROTECTED: &str = "protected: just made";
/// Reason for a backup dated after `now`.
pub const REASON_FUTURE: &str = "in the future: clock skew?";
/// Reason for every backup under [`Policy::KeepAll`].
pub const REASON_KEEP_ALL: &str = "keep all";
/// Reason for the newest backup when no rule kept it (the never-delete-everything guard).
pub const REASON_NEWEST_GUARD: &str = "newest: always kept";
/// Reason for a backup deleted by a GFS policy.
pub const REASON_DELETE_GFS: &str = "delete: beyond every bucket";

/// A backup as retention sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    pub id: String,
    pub created_at: DateTime<Utc>,
}

/// What to do with one backup, and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub id: String,
    pub keep: bool,
    /// Never empty: why it is kept (possibly several reasons), or the single reason it is deleted.
    pub reasons: Vec<String>,
}

/// A GFS calendar period.
#[derive(Clone, Copy)]
enum Period {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Period {
    fn name(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
            Period::Yearly => "yearly",
        }
    }

    /// The bucket label of an instant in the time zone `tz`.
    fn label(self, at: DateTime<Utc>, tz: Tz) -> String {
        let local = at.with_timezone(&tz);
        match self {
            Period::Daily => local.format("%Y-%m-%d").to_string(),
            Period::Weekly => {
                let week = local.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Period::Monthly => format!("{}-{:02}", local.year(), local.month()),
            Period::Yearly => local.year().to_string(),
        }
    }
}

/// Decides which backups to keep; see the module documentation for the rules.
///
/// The result has one decision per backup, in the order of `backups`.
pub fn decide(
    backups: &[Backup],
    policy: &Policy,
    now: DateTime<Utc>,
    tz: Tz,
    protect: &[&str],
) -> Vec<Decision> {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); backups.len()];

    for (backup, why) in backups.iter().zip(&mut reasons) {
        if protect.contains(&backup.id.as_str()) {
            why.push(REASON_PROTECTED.to_owned());
        }
        if backup.created_at > now {
            why.push(REASON_FUTURE.to_owned());
        }
    }

    // Indices of the backups the rules judge, newest first.
    let mut ranked: Vec<usize> = (0..backups.len())
        .filter(|&i| backups[i].created_at <= now)
        .collect();
    ranked.sort_by(|&a, &b| {
        let (a, b) = (&backups[a], &backups[b]);
        b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id))
    });

    match policy {
        Policy::KeepAll => {
            for &i in &ranked {
                reasons[i].push(REASON_KEEP_ALL.to_owned());
            }
        }
        Policy::KeepLast { count } => keep_newest(&ranked, *count, &mut reasons),
        Policy::Gfs {
            daily,
            weekly,
            monthly,
            yearly,
            keep_last,
        } => {
            keep_newest(&ranked, *keep_last, &mut reasons);
            let rules = [
                (Period::Daily, *daily),
                (Period::Weekly, *weekly),
                (Period::Monthly, *monthly),
                (Period::Yearly, *yearly),
            ];
            for (period, count) in rules {
                keep_buckets(backups, &ranked, period, count, tz, &mut reasons);
            }
        }
    }

    if let Some(&newest) = ranked.first()
        && reasons[newest].is_empty()
    {
        reasons[newest].push(REASON_NEWEST_GUARD.to_owned());
    }

    backups
        .iter()
        .zip(reasons)
        .map(|(backup, mut why)| {
            let keep = !why.is_empty();
            if !keep {
                why.push(delete_reason(policy));
            }
            Decision {
                id: backup.id.clone(),
                keep,
                reasons: why,
            }
        })
        .collect()
}

/// The one reason given to a deleted backup.
fn delete_reason(policy: &Policy) -> String {
    match policy {
        Policy::KeepLast { count } => format!("delete: not among the newest {count}"),
        // Keep-all deletes nothing; GFS, with or without its keep_last.
        Policy::KeepAll | Policy::Gfs { .. } => REASON_DELETE_GFS.to_owned(),
    }
}

/// Keeps the first `count` of `ranked` (newest first).
fn keep_newest(ranked: &[usize], count: u32, reasons: &mut [Vec<String>]) {
    let reason = format!("newest {count}");
    for &i in ranked.iter().take(usize::try_from(count).unwrap_or(usize::MAX)) {
        reasons[i].push(reason.clone());
    }
}

/// Keeps the newest backup of each of the newest `count` buckets of `period`.
fn keep_buckets(
    backups: &[Backup],
    ranked: &[usize],
    period: Period,
    count: u32,
    tz: Tz,
    reasons: &mut [Vec<String>],
) {
    let mut left = count;
    // Labels seen so far. A set rather than "differs from the previous backup", so that a bucket
    // is never counted twice even if local time ran backwards across a bucket edge.
    let mut seen = HashSet::new();
    for &i in ranked {
        if left == 0 {
            break;
        }
        let label = period.label(backups[i].created_at, tz);
        if seen.insert(label.clone()) {
            reasons[i].push(format!("{} {label}", period.name()));
            left -= 1;
        }
    }
}

#[cfg(test)]
mod tests;
