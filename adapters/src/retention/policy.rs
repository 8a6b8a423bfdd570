//! The retention policy a job stores (as JSON) and its validation and console summary.

use serde::{Deserialize, Serialize};

/// How many of a job's backups to keep.
///
/// Stored in the job row as JSON, tagged by `kind`:
/// `{"kind":"keep_all"}`, `{"kind":"keep_last","count":7}`,
/// `{"kind":"gfs","daily":7,"weekly":4,"monthly":12,"yearly":0}` (GFS counts left out read as 0;
/// `keep_last` is written only when it is not 0). Unknown fields are refused, so a typo such as
/// `"dayly"` is an error rather than a silent 0.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Policy {
    /// Never delete anything.
    KeepAll,
    /// Keep the newest `count` backups.
    KeepLast { count: u32 },
    /// Grandfather-father-son: keep the newest backup of each of the newest `daily` days,
    /// `weekly` ISO weeks, `monthly` months and `yearly` years that have backups, plus the
    /// newest `keep_last` backups whatever their dates.
    Gfs {
        #[serde(default)]
        daily: u32,
        #[serde(default)]
        weekly: u32,
        #[serde(default)]
        monthly: u32,
        #[serde(default)]
        yearly: u32,
        /// Always keep the newest N as well (0: no such rule).
        #[serde(default, skip_serializing_if = "is_zero")]
        keep_last: u32,
    },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Policy {
    /// Refuses policies that make no sense to store: a keep-last of 0 and a GFS policy without
    /// any calendar bucket. (`decide` still copes with them: it never deletes the newest backup.)
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Policy::KeepAll => Ok(()),
            Policy::KeepLast { count: 0 } => {
                Err("a keep-last policy must keep at least one backup (count must be 1 or more)".to_owned())
            }
            Policy::KeepLast { .. } => Ok(()),
            Policy::Gfs {
                daily: 0,
                weekly: 0,
                monthly: 0,
                yearly: 0,
                ..
            } => {
                Err("a GFS policy must keep at least one daily, weekly, monthly or yearly backup".to_owned())
            }
            Policy::Gfs { .. } => Ok(()),
        }
    }

    /// One line for the console, e.g. "keep the last 7" or "7 daily, 4 weekly, 12 monthly, 0 yearly".
    pub fn summary(&self) -> String {
        match self {
            Policy::KeepAll => "keep every backup".to_owned(),
            Policy::KeepLast { count } => format!("keep the last {count}"),
            Policy::Gfs {
                daily,
                weekly,
                monthly,
                yearly,
                keep_last,
            } => {
                let buckets = format!("{daily} daily, {weekly} weekly, {monthly} monthly, {yearly} yearly");
                if *keep_last == 0 {
                    buckets
                } else {
                    format!("{buckets}, plus the last {keep_last}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gfs(daily: u32, weekly: u32, monthly: u32, yearly: u32, keep_last: u32) -> Policy {
        Policy::Gfs {
            daily,
            weekly,
            monthly,
            yearly,
            keep_last,
        }
    }

    #[test]
    fn serde_round_trip() {
        // (what it checks, policy, its exact JSON)
        let rows = [
            (
                "keep_all is a bare tag",
                Policy::KeepAll,
                r#"{"kind":"keep_all"}"#,
            ),
            (
                "keep_last carries its count",
                Policy::KeepLast { count: 7 },
                r#"{"kind":"keep_last","count":7}"#,
            ),
            (
                "gfs without keep_last leaves the field out",
                gfs(7, 4, 12, 0, 0),
                r#"{"kind":"gfs","daily":7,"weekly":4,"monthly":12,"yearly":0}"#,
            ),
            (
                "gfs with keep_last writes it",
                gfs(7, 4, 12, 3, 2),
                r#"{"kind":"gfs","daily":7,"weekly":4,"monthly":12,"yearly":3,"keep_last":2}"#,
            ),
            (
                "an invalid policy still round-trips (validation is separate)",
                gfs(0, 0, 0, 0, 0),
                r#"{"kind":"gfs","daily":0,"weekly":0,"monthly":0,"yearly":0}"#,
            ),
        ];
        for (what, policy, json) in rows {
            assert_eq!(serde_json::to_string(&policy).unwrap(), json, "{what}: serialize");
            assert_eq!(
                serde_json::from_str::<Policy>(json).unwrap(),
                policy,
                "{what}: deserialize"
            );
            let value = serde_json::to_value(&policy).unwrap();
            assert_eq!(
                serde_json::from_value::<Policy>(value).unwrap(),
                policy,
                "{what}: via Value"
            );
        }
    }

    #[test]
    fn serde_reading_hand_written_json() {
        // (what it checks, JSON, Some(expected) or None for "must be refused")
        let rows: [(&str, &str, Option<Policy>); 9] = [
            (
                "gfs counts left out read as 0",
                r#"{"kind":"gfs","daily":7}"#,
                Some(gfs(7, 0, 0, 0, 0)),
            ),
            (
                "field order does not matter",
                r#"{"yearly":1,"daily":2,"kind":"gfs","keep_last":3}"#,
                Some(gfs(2, 0, 0, 1, 3)),
            ),
            ("keep_last needs its count", r#"{"kind":"keep_last"}"#, None),
            (
                "a misspelt field is refused, not read as 0",
                r#"{"kind":"gfs","dayly":7}"#,
                None,
            ),
            ("an unknown kind is refused", r#"{"kind":"keep_some"}"#, None),
            ("the kind is required", r#"{"count":3}"#, None),
            (
                "counts cannot be negative",
                r#"{"kind":"keep_last","count":-1}"#,
                None,
            ),
            (
                "counts are whole numbers",
                r#"{"kind":"keep_last","count":1.5}"#,
                None,
            ),
            ("kinds are snake_case", r#"{"kind":"KeepLast","count":3}"#, None),
        ];
        for (what, json, expected) in rows {
            let parsed = serde_json::from_str::<Policy>(json);
            match expected {
                Some(policy) => assert_eq!(parsed.unwrap(), policy, "{what}"),
                None => assert!(parsed.is_err(), "{what}: accepted as {parsed:?}"),
            }
        }
    }

    #[test]
    fn validate() {
        const GFS_EMPTY: &str = "a GFS policy must keep at least one daily, weekly, monthly or yearly backup";
        // (what it checks, policy, expected result)
        let rows: [(&str, Policy, Result<(), &str>); 9] = [
            ("keep_all is always valid", Policy::KeepAll, Ok(())),
            (
                "keep_last 0 is refused",
                Policy::KeepLast { count: 0 },
                Err("a keep-last policy must keep at least one backup (count must be 1 or more)"),
            ),
            ("keep_last 1 is fine", Policy::KeepLast { count: 1 }, Ok(())),
            (
                "keep_last u32::MAX is fine",
                Policy::KeepLast { count: u32::MAX },
                Ok(()),
            ),
            (
                "gfs with all zeros is refused",
                gfs(0, 0, 0, 0, 0),
                Err(GFS_EMPTY),
            ),
            (
                "gfs with only keep_last is refused (use keep_last)",
                gfs(0, 0, 0, 0, 5),
                Err(GFS_EMPTY),
            ),
            ("gfs with only daily is fine", gfs(1, 0, 0, 0, 0), Ok(())),
            ("gfs with only yearly is fine", gfs(0, 0, 0, 1, 0), Ok(())),
            ("the usual gfs is fine", gfs(7, 4, 12, 0, 0), Ok(())),
        ];
        for (what, policy, expected) in rows {
            assert_eq!(policy.validate(), expected.map_err(str::to_owned), "{what}");
        }
    }

    #[test]
    fn summary() {
        // (what it checks, policy, console line)
        let rows = [
            ("keep_all", Policy::KeepAll, "keep every backup"),
            ("keep_last", Policy::KeepLast { count: 7 }, "keep the last 7"),
            (
                "gfs lists every count, zeros included",
                gfs(7, 4, 12, 0, 0),
                "7 daily, 4 weekly, 12 monthly, 0 yearly",
            ),
            (
                "gfs mentions keep_last when set",
                gfs(7, 4, 12, 2, 3),
                "7 daily, 4 weekly, 12 monthly, 2 yearly, plus the last 3",
            ),
        ];
        for (what, policy, line) in rows {
            assert_eq!(policy.summary(), line, "{what}");
        }
    }
}
