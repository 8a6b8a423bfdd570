//! Table-driven tests of [`decide`]. Each row names what it checks; times are RFC 3339 with the
//! local offset written out, so DST rows read as wall-clock times.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::America::{Los_Angeles, New_York};
use chrono_tz::Asia::Kolkata;
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;

use super::*;

/// Default `now`: after every dated backup below except the deliberately future ones.
const NOW: &str = "2030-01-01T00:00:00Z";
const UTC: Tz = chrono_tz::UTC;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("bad time {s}: {e}"))
        .with_timezone(&Utc)
}

fn backups(list: &[(&str, &str)]) -> Vec<Backup> {
    list.iter()
        .map(|(id, time)| Backup {
            id: (*id).to_owned(),
            created_at: at(time),
        })
        .collect()
}

fn gfs(daily: u32, weekly: u32, monthly: u32, yearly: u32) -> Policy {
    Policy::Gfs {
        daily,
        weekly,
        monthly,
        yearly,
        keep_last: 0,
    }
}

fn keep_last(count: u32) -> Policy {
    Policy::KeepLast { count }
}

/// One table row.
struct Case {
    what: &'static str,
    policy: Policy,
    tz: Tz,
    now: &'static str,
    backups: Vec<(&'static str, &'static str)>,
    protect: Vec<&'static str>,
    /// Exactly the ids kept.
    kept: Vec<&'static str>,
    /// Exact reasons of some ids.
    why: Vec<(&'static str, Vec<&'static str>)>,
}

fn case(what: &'static str, policy: Policy, tz: Tz, list: &[(&'static str, &'static str)]) -> Case {
    Case {
        what,
        policy,
        tz,
        now: NOW,
        backups: list.to_vec(),
        protect: Vec::new(),
        kept: Vec::new(),
        why: Vec::new(),
    }
}

impl Case {
    fn now(mut self, now: &'static str) -> Self {
        self.now = now;
        self
    }
    fn protect(mut self, ids: &[&'static str]) -> Self {
        self.protect = ids.to_vec();
        self
    }
    fn kept(mut self, ids: &[&'static str]) -> Self {
        self.kept = ids.to_vec();
        self
    }
    fn why(mut self, id: &'static str, reasons: &[&'static str]) -> Self {
        self.why.push((id, reasons.to_vec()));
        self
    }

    fn check(&self) {
        let what = self.what;
        let input = backups(&self.backups);
        let now = at(self.now);
        let decisions = decide(&input, &self.policy, now, self.tz, &self.protect);
        check_invariants(what, &input, &decisions, now, &self.protect);

        let kept: BTreeSet<&str> = decisions
            .iter()
            .filter(|d| d.keep)
            .map(|d| d.id.as_str())
            .collect();
        let expected: BTreeSet<&str> = self.kept.iter().copied().collect();
        assert_eq!(kept, expected, "{what}: kept ids; decisions: {decisions:#?}");

        for (id, reasons) in &self.why {
            let decision = decisions
                .iter()
                .find(|d| d.id == *id)
                .unwrap_or_else(|| panic!("{what}: no {id}"));
            assert_eq!(decision.reasons, *reasons, "{what}: reasons of {id}");
        }
    }
}

/// What must hold for any input and policy.
fn check_invariants(
    what: &str,
    input: &[Backup],
    decisions: &[Decision],
    now: DateTime<Utc>,
    protect: &[&str],
) {
    let ids: Vec<&str> = input.iter().map(|b| b.id.as_str()).collect();
    let out: Vec<&str> = decisions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(out, ids, "{what}: one decision per backup, in input order");

    for (backup, decision) in input.iter().zip(decisions) {
        let deletes = decision
            .reasons
            .iter()
            .filter(|r| r.starts_with("delete:"))
            .count();
        if decision.keep {
            assert!(
                !decision.reasons.is_empty(),
                "{what}: {} kept without a reason",
                backup.id
            );
            assert_eq!(deletes, 0, "{what}: {} kept with a delete reason", backup.id);
        } else {
            assert_eq!(
                decision.reasons.len(),
                1,
                "{what}: {} deleted with {:?}",
                backup.id,
                decision.reasons
            );
            assert_eq!(
                deletes, 1,
                "{what}: {} deleted without a delete reason",
                backup.id
            );
        }
        if protect.contains(&backup.id.as_str()) {
            assert!(decision.keep, "{what}: protected {} deleted", backup.id);
            assert!(
                decision.reasons.iter().any(|r| r == REASON_PROTECTED),
                "{what}: {}",
                backup.id
            );
        }
        if backup.created_at > now {
            assert!(decision.keep, "{what}: future {} deleted", backup.id);
            assert!(
                decision.reasons.iter().any(|r| r == REASON_FUTURE),
                "{what}: {}",
                backup.id
            );
        }
    }

    // Never delete everything: the newest backup not in the future survives.
    if let Some(newest) = input
        .iter()
        .filter(|b| b.created_at <= now)
        .map(|b| b.created_at)
        .max()
    {
        let survivor = input
            .iter()
            .zip(decisions)
            .any(|(b, d)| b.created_at == newest && d.keep);
        assert!(survivor, "{what}: the newest backup was deleted");
    }
}

#[test]
fn keep_last_protect_and_future() {
    // Input deliberately not sorted: a (oldest) < b < c < d (newest).
    let four = [
        ("c", "2026-11-20T10:00:00Z"),
        ("a", "2026-11-18T10:00:00Z"),
        ("d", "2026-11-21T10:00:00Z"),
        ("b", "2026-11-19T10:00:00Z"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        four.iter().chain(extra).copied().collect()
    };
    let future = with(&[("f", "2030-06-01T00:00:00Z")]);
    let exactly_now = with(&[("n", NOW)]);

    let rows = [
        case(
            "keep-last 0 (invalid) still keeps the newest",
            keep_last(0),
            UTC,
            &four,
        )
        .kept(&["d"])
        .why("d", &[REASON_NEWEST_GUARD])
        .why("a", &["delete: not among the newest 0"]),
        case("keep-last 1 keeps only the newest", keep_last(1), UTC, &four)
            .kept(&["d"])
            .why("d", &["newest 1"])
            .why("c", &["delete: not among the newest 1"]),
        case(
            "keep-last 3 keeps the three newest, whatever the input order",
            keep_last(3),
            UTC,
            &four,
        )
        .kept(&["d", "c", "b"])
        .why("b", &["newest 3"]),
        case(
            "keep-last equal to the number of backups keeps all",
            keep_last(4),
            UTC,
            &four,
        )
        .kept(&["a", "b", "c", "d"]),
        case("keep-last more than exist keeps all", keep_last(10), UTC, &four).kept(&["a", "b", "c", "d"]),
        case(
            "keep-last u32::MAX does not overflow",
            keep_last(u32::MAX),
            UTC,
            &four,
        )
        .kept(&["a", "b", "c", "d"]),
        case(
            "a protected old backup is kept besides the newest",
            keep_last(1),
            UTC,
            &four,
        )
        .protect(&["a"])
        .kept(&["d", "a"])
        .why("a", &[REASON_PROTECTED]),
        case(
            "protecting the newest adds a reason and frees no slot",
            keep_last(1),
            UTC,
            &four,
        )
        .protect(&["d"])
        .kept(&["d"])
        .why("d", &[REASON_PROTECTED, "newest 1"]),
        case("several protected ids are all kept", keep_last(1), UTC, &four)
            .protect(&["a", "b"])
            .kept(&["d", "a", "b"]),
        case(
            "a protected id that is not listed changes nothing",
            keep_last(2),
            UTC,
            &four,
        )
        .protect(&["zzz"])
        .kept(&["d", "c"]),
        case(
            "keep-last 0 with a protected old backup still keeps the newest",
            keep_last(0),
            UTC,
            &four,
        )
        .protect(&["a"])
        .kept(&["d", "a"])
        .why("d", &[REASON_NEWEST_GUARD]),
        case(
            "a future-dated backup is kept and uses no slot",
            keep_last(1),
            UTC,
            &future,
        )
        .kept(&["f", "d"])
        .why("f", &[REASON_FUTURE])
        .why("d", &["newest 1"]),
        case(
            "a future-dated backup does not stand in for the newest under keep-last 0",
            keep_last(0),
            UTC,
            &future,
        )
        .kept(&["f", "d"])
        .why("d", &[REASON_NEWEST_GUARD]),
        case(
            "a backup dated exactly now is not in the future",
            keep_last(1),
            UTC,
            &exactly_now,
        )
        .kept(&["n"])
        .why("n", &["newest 1"]),
        case(
            "a protected future backup lists both reasons",
            keep_last(1),
            UTC,
            &future,
        )
        .protect(&["f"])
        .kept(&["f", "d"])
        .why("f", &[REASON_PROTECTED, REASON_FUTURE]),
        case(
            "only future-dated backups: all kept",
            keep_last(1),
            UTC,
            &[("f1", "2026-11-23T00:00:00Z"), ("f2", "2027-01-01T00:00:00Z")],
        )
        .now("2026-11-22T12:00:00Z")
        .kept(&["f1", "f2"]),
        case("`now` decides what is in the future", keep_last(1), UTC, &four)
            .now("2026-11-19T12:00:00Z")
            .kept(&["c", "d", "b"])
            .why("b", &["newest 1"])
            .why("c", &[REASON_FUTURE]),
        case(
            "keep-all keeps everything, the future too",
            Policy::KeepAll,
            UTC,
            &future,
        )
        .kept(&["a", "b", "c", "d", "f"])
        .why("a", &[REASON_KEEP_ALL])
        .why("f", &[REASON_FUTURE]),
        case("no backups, no decisions", keep_last(1), UTC, &[]),
        case(
            "equal times: the greater id counts as newer (input order x, y)",
            keep_last(1),
            UTC,
            &[("x", "2026-11-21T10:00:00Z"), ("y", "2026-11-21T10:00:00Z")],
        )
        .kept(&["y"]),
        case(
            "equal times: the greater id counts as newer (input order y, x)",
            keep_last(1),
            UTC,
            &[("y", "2026-11-21T10:00:00Z"), ("x", "2026-11-21T10:00:00Z")],
        )
        .kept(&["y"]),
    ];
    for row in rows {
        row.check();
    }
}

#[test]
fn gfs_bucket_edges() {
    let new_year_2021 = [
        ("mon53", "2020-12-28T12:00:00Z"),
        ("fri1", "2021-01-01T12:00:00Z"),
        ("sun3", "2021-01-03T12:00:00Z"),
        ("mon4", "2021-01-04T12:00:00Z"),
    ];
    let one = [("only", "2026-11-20T10:00:00Z")];
    let rows = [
        case(
            "several backups a day: only the newest of the day is the daily one",
            gfs(7, 0, 0, 0),
            UTC,
            &[
                ("d1a", "2026-11-20T08:00:00Z"),
                ("d1b", "2026-11-20T18:00:00Z"),
                ("d1c", "2026-11-20T12:00:00Z"),
                ("d0", "2026-11-19T10:00:00Z"),
            ],
        )
        .kept(&["d1b", "d0"])
        .why("d1b", &["daily 2026-11-20"])
        .why("d0", &["daily 2026-11-19"])
        .why("d1a", &[REASON_DELETE_GFS]),
        case(
            "23:59:59 and 00:00:00 local are different days (Berlin)",
            gfs(2, 0, 0, 0),
            Berlin,
            &[
                ("late", "2026-11-20T23:59:59+01:00"),
                ("midnight", "2026-11-21T00:00:00+01:00"),
                ("morning", "2026-11-20T08:00:00+01:00"),
            ],
        )
        .kept(&["midnight", "late"])
        .why("midnight", &["daily 2026-11-21"])
        .why("late", &["daily 2026-11-20"]),
        case(
            "days without backups use no daily slot",
            gfs(3, 0, 0, 0),
            UTC,
            &[
                ("nov20", "2026-11-20T10:00:00Z"),
                ("nov10", "2026-11-10T10:00:00Z"),
                ("nov01", "2026-11-01T10:00:00Z"),
                ("oct01", "2026-10-01T10:00:00Z"),
            ],
        )
        .kept(&["nov20", "nov10", "nov01"]),
        case(
            "Sunday 23:59:59 and Monday 00:00:00 are different ISO weeks",
            gfs(0, 2, 0, 0),
            UTC,
            &[
                ("sat", "2026-11-21T10:00:00Z"),
                ("sun", "2026-11-22T23:59:59Z"),
                ("mon", "2026-11-23T00:00:00Z"),
            ],
        )
        .kept(&["mon", "sun"])
        .why("mon", &["weekly 2026-W48"])
        .why("sun", &["weekly 2026-W47"]),
        case(
            "2021-01-01 belongs to ISO week 2020-W53",
            gfs(0, 2, 0, 0),
            UTC,
            &new_year_2021,
        )
        .kept(&["mon4", "sun3"])
        .why("mon4", &["weekly 2021-W01"])
        .why("sun3", &["weekly 2020-W53"]),
        case(
            "yearly uses the calendar year, not the ISO year",
            gfs(0, 0, 0, 2),
            UTC,
            &new_year_2021,
        )
        .kept(&["mon4", "mon53"])
        .why("mon4", &["yearly 2021"])
        .why("mon53", &["yearly 2020"]),
        case(
            "the last second of a month and the first of the next are different months",
            gfs(0, 0, 2, 0),
            UTC,
            &[
                ("mid", "2026-10-15T12:00:00Z"),
                ("end", "2026-10-31T23:59:59Z"),
                ("start", "2026-11-01T00:00:00Z"),
            ],
        )
        .kept(&["start", "end"])
        .why("start", &["monthly 2026-11"])
        .why("end", &["monthly 2026-10"]),
        case(
            "the last second of a year and the first of the next are different years",
            gfs(0, 0, 0, 2),
            UTC,
            &[
                ("june", "2025-06-01T12:00:00Z"),
                ("eve", "2025-12-31T23:59:59Z"),
                ("new", "2026-01-01T00:00:00Z"),
            ],
        )
        .kept(&["new", "eve"])
        .why("new", &["yearly 2026"])
        .why("eve", &["yearly 2025"]),
        case(
            "months without backups use no monthly slot",
            gfs(0, 0, 2, 0),
            UTC,
            &[
                ("nov", "2026-11-05T10:00:00Z"),
                ("aug", "2026-08-05T10:00:00Z"),
                ("feb", "2026-02-05T10:00:00Z"),
            ],
        )
        .kept(&["nov", "aug"]),
        case(
            "a backup kept by every rule lists every reason",
            Policy::Gfs {
                daily: 1,
                weekly: 1,
                monthly: 1,
                yearly: 1,
                keep_last: 1,
            },
            UTC,
            &one,
        )
        .kept(&["only"])
        .why(
            "only",
            &[
                "newest 1",
                "daily 2026-11-20",
                "weekly 2026-W47",
                "monthly 2026-11",
                "yearly 2026",
            ],
        ),
        case(
            "gfs keep_last also keeps the newest N of a single day",
            Policy::Gfs {
                daily: 1,
                weekly: 0,
                monthly: 0,
                yearly: 0,
                keep_last: 2,
            },
            UTC,
            &[
                ("t08", "2026-11-20T08:00:00Z"),
                ("t12", "2026-11-20T12:00:00Z"),
                ("t18", "2026-11-20T18:00:00Z"),
            ],
        )
        .kept(&["t18", "t12"])
        .why("t18", &["newest 2", "daily 2026-11-20"])
        .why("t12", &["newest 2"])
        .why("t08", &[REASON_DELETE_GFS]),
        case(
            "an old backup outside every bucket goes even if its month has no other",
            gfs(1, 1, 1, 0),
            UTC,
            &[("now", "2026-11-20T10:00:00Z"), ("old", "2025-03-01T10:00:00Z")],
        )
        .kept(&["now"])
        .why("old", &[REASON_DELETE_GFS]),
        case(
            "a future backup takes no daily slot: today's real newest still gets it",
            gfs(1, 0, 0, 0),
            UTC,
            &[
                ("skewed", "2026-11-20T18:00:00Z"),
                ("real", "2026-11-20T10:00:00Z"),
                ("early", "2026-11-20T06:00:00Z"),
            ],
        )
        .now("2026-11-20T12:00:00Z")
        .kept(&["skewed", "real"])
        .why("skewed", &[REASON_FUTURE])
        .why("real", &["daily 2026-11-20"]),
        case(
            "a protected backup takes part in its bucket like any other",
            gfs(1, 0, 0, 0),
            UTC,
            &[
                ("just_made", "2026-11-20T18:00:00Z"),
                ("earlier", "2026-11-20T10:00:00Z"),
            ],
        )
        .protect(&["just_made"])
        .kept(&["just_made"])
        .why("just_made", &[REASON_PROTECTED, "daily 2026-11-20"]),
    ];
    for row in rows {
        row.check();
    }
}

#[test]
fn gfs_time_zones() {
    // The same three instants, bucketed by local date.
    let days = [
        ("x", "2026-11-20T23:30:00Z"),
        ("y", "2026-11-20T12:00:00Z"),
        ("z", "2026-11-21T06:00:00Z"),
    ];
    // Sunday 23:30 UTC is Monday 00:30 in Berlin, Sunday 15:30 in Los Angeles.
    let weeks = [("s", "2026-11-22T23:30:00Z"), ("r", "2026-11-22T10:00:00Z")];
    // New Year's Eve 23:30 UTC is already 2027 in Berlin.
    let years = [("q", "2026-12-31T23:30:00Z"), ("p", "2026-12-31T10:00:00Z")];
    // 18:30 UTC is 00:00 the next day in India (+05:30).
    let half_hour = [("k1", "2026-11-20T18:29:59Z"), ("k2", "2026-11-20T18:30:00Z")];
    let rows = [
        case(
            "UTC: x and y share 2026-11-20, z is 2026-11-21",
            gfs(7, 0, 0, 0),
            UTC,
            &days,
        )
        .kept(&["z", "x"])
        .why("x", &["daily 2026-11-20"])
        .why("z", &["daily 2026-11-21"]),
        case(
            "Berlin: x (00:30 local) joins z on 2026-11-21, y stays alone",
            gfs(7, 0, 0, 0),
            Berlin,
            &days,
        )
        .kept(&["z", "y"])
        .why("y", &["daily 2026-11-20"])
        .why("z", &["daily 2026-11-21"]),
        case(
            "Los Angeles: x, y and z are all 2026-11-20",
            gfs(7, 0, 0, 0),
            Los_Angeles,
            &days,
        )
        .kept(&["z"])
        .why("z", &["daily 2026-11-20"]),
        case(
            "UTC: both Sunday backups are 2026-W47",
            gfs(0, 2, 0, 0),
            UTC,
            &weeks,
        )
        .kept(&["s"])
        .why("s", &["weekly 2026-W47"]),
        case(
            "Berlin: Sunday 23:30 UTC is Monday, 2026-W48",
            gfs(0, 2, 0, 0),
            Berlin,
            &weeks,
        )
        .kept(&["s", "r"])
        .why("s", &["weekly 2026-W48"])
        .why("r", &["weekly 2026-W47"]),
        case(
            "Los Angeles: both are Sunday, 2026-W47",
            gfs(0, 2, 0, 0),
            Los_Angeles,
            &weeks,
        )
        .kept(&["s"])
        .why("s", &["weekly 2026-W47"]),
        case(
            "UTC: both New Year's Eve backups are 2026",
            gfs(0, 0, 0, 2),
            UTC,
            &years,
        )
        .kept(&["q"])
        .why("q", &["yearly 2026"]),
        case(
            "Berlin: 23:30 UTC on New Year's Eve is 2027",
            gfs(0, 0, 0, 2),
            Berlin,
            &years,
        )
        .kept(&["q", "p"])
        .why("q", &["yearly 2027"])
        .why("p", &["yearly 2026"]),
        case("Los Angeles: both are 2026", gfs(0, 0, 0, 2), Los_Angeles, &years)
            .kept(&["q"])
            .why("q", &["yearly 2026"]),
        case(
            "Kolkata: a half-hour offset moves midnight to 18:30 UTC",
            gfs(2, 0, 0, 0),
            Kolkata,
            &half_hour,
        )
        .kept(&["k1", "k2"])
        .why("k1", &["daily 2026-11-20"])
        .why("k2", &["daily 2026-11-21"]),
        case(
            "UTC: the same two instants are one day",
            gfs(2, 0, 0, 0),
            UTC,
            &half_hour,
        )
        .kept(&["k2"])
        .why("k2", &["daily 2026-11-20"]),
    ];
    for row in rows {
        row.check();
    }
}

#[test]
fn gfs_daylight_saving() {
    // Berlin springs forward on 2026-03-29 at 02:00 CET to 03:00 CEST: a 23-hour day.
    let berlin_spring = [
        ("sat_late", "2026-03-28T23:59:59+01:00"),
        ("sun_0030", "2026-03-29T00:30:00+01:00"), // still 2026-03-28 in UTC
        ("sun_0159", "2026-03-29T01:59:59+01:00"),
        ("sun_0300", "2026-03-29T03:00:00+02:00"), // one second after sun_0159
        ("sun_late", "2026-03-29T23:59:59+02:00"),
        ("mon_0000", "2026-03-30T00:00:00+02:00"), // still 2026-03-29 in UTC
    ];
    // Berlin falls back on 2026-10-25 at 03:00 CEST to 02:00 CET: 02:30 happens twice.
    let berlin_fall_repeated = [
        ("first_0230", "2026-10-25T02:30:00+02:00"),
        ("second_0230", "2026-10-25T02:30:00+01:00"),
        ("saturday", "2026-10-24T12:00:00+02:00"),
    ];
    let berlin_fall_day = [
        ("prev", "2026-10-24T23:59:59+02:00"),
        ("start", "2026-10-25T00:00:00+02:00"),
        ("end", "2026-10-25T23:59:59+01:00"), // 25 hours after start
        ("next", "2026-10-26T00:00:00+01:00"),
    ];
    // New York falls back on 2026-11-01 at 02:00 EDT to 01:00 EST: 01:30 happens twice.
    let new_york_fall = [
        ("a_0000", "2026-11-01T00:00:00-04:00"),
        ("b_0130_edt", "2026-11-01T01:30:00-04:00"),
        ("c_0130_est", "2026-11-01T01:30:00-05:00"),
        ("d_late", "2026-11-01T23:59:59-05:00"), // 2026-11-02 in UTC
        ("e_sat_late", "2026-10-31T23:59:59-04:00"), // 2026-11-01 in UTC
    ];
    // New York springs forward on 2026-03-08 at 02:00 EST to 03:00 EDT: a 23-hour day.
    let new_york_spring = [
        ("a_0000", "2026-03-08T00:00:00-05:00"),
        ("b_0159", "2026-03-08T01:59:59-05:00"),
        ("c_0300", "2026-03-08T03:00:00-04:00"),
        ("d_late", "2026-03-08T23:59:59-04:00"),
        ("e_mon", "2026-03-09T00:00:00-04:00"),
    ];
    let rows = [
        case(
            "Berlin spring forward: the 23-hour 2026-03-29 is one daily bucket",
            gfs(3, 0, 0, 0),
            Berlin,
            &berlin_spring,
        )
        .kept(&["mon_0000", "sun_late", "sat_late"])
        .why("mon_0000", &["daily 2026-03-30"])
        .why("sun_late", &["daily 2026-03-29"])
        .why("sat_late", &["daily 2026-03-28"]),
        case(
            "Berlin spring forward, bucketed in UTC instead, gives other days",
            gfs(3, 0, 0, 0),
            UTC,
            &berlin_spring,
        )
        .kept(&["mon_0000", "sun_0030"])
        .why("mon_0000", &["daily 2026-03-29"])
        .why("sun_0030", &["daily 2026-03-28"]),
        case(
            "Berlin fall back: both 02:30 of the repeated hour are 2026-10-25",
            gfs(2, 0, 0, 0),
            Berlin,
            &berlin_fall_repeated,
        )
        .kept(&["second_0230", "saturday"])
        .why("second_0230", &["daily 2026-10-25"])
        .why("first_0230", &[REASON_DELETE_GFS]),
        case(
            "Berlin fall back: the 25-hour 2026-10-25 is one daily bucket",
            gfs(3, 0, 0, 0),
            Berlin,
            &berlin_fall_day,
        )
        .kept(&["next", "end", "prev"])
        .why("end", &["daily 2026-10-25"])
        .why("start", &[REASON_DELETE_GFS]),
        case(
            "Berlin fall back does not move the ISO week edge",
            gfs(0, 2, 0, 0),
            Berlin,
            &berlin_fall_day,
        )
        .kept(&["next", "end"])
        .why("next", &["weekly 2026-W44"])
        .why("end", &["weekly 2026-W43"]),
        case(
            "New York fall back: both 01:30 and the whole 25-hour day are 2026-11-01",
            gfs(2, 0, 0, 0),
            New_York,
            &new_york_fall,
        )
        .kept(&["d_late", "e_sat_late"])
        .why("d_late", &["daily 2026-11-01"])
        .why("e_sat_late", &["daily 2026-10-31"]),
        case(
            "New York fall back instants, bucketed in UTC, split differently",
            gfs(2, 0, 0, 0),
            UTC,
            &new_york_fall,
        )
        .kept(&["d_late", "c_0130_est"])
        .why("d_late", &["daily 2026-11-02"])
        .why("c_0130_est", &["daily 2026-11-01"]),
        case(
            "New York spring forward: the 23-hour 2026-03-08 is one daily bucket",
            gfs(2, 0, 0, 0),
            New_York,
            &new_york_spring,
        )
        .kept(&["e_mon", "d_late"])
        .why("e_mon", &["daily 2026-03-09"])
        .why("d_late", &["daily 2026-03-08"]),
    ];
    for row in rows {
        row.check();
    }
}

#[test]
fn never_deletes_everything() {
    // (what it checks, policy): every policy, valid or not, on one backup and on several.
    let policies = [
        ("keep-all", Policy::KeepAll),
        ("keep-last 0 (invalid)", keep_last(0)),
        ("keep-last 1", keep_last(1)),
        ("keep-last 5", keep_last(5)),
        ("gfs all zeros (invalid)", gfs(0, 0, 0, 0)),
        (
            "gfs keep_last only (invalid)",
            Policy::Gfs {
                daily: 0,
                weekly: 0,
                monthly: 0,
                yearly: 0,
                keep_last: 1,
            },
        ),
        ("gfs daily only", gfs(1, 0, 0, 0)),
        ("gfs weekly only", gfs(0, 1, 0, 0)),
        ("gfs monthly only", gfs(0, 0, 1, 0)),
        ("gfs yearly only", gfs(0, 0, 0, 1)),
        ("gfs usual", gfs(7, 4, 12, 2)),
    ];
    let one = backups(&[("only", "2026-11-20T10:00:00Z")]);
    let several = backups(&[
        ("old", "2024-01-01T00:00:00Z"),
        ("newest", "2026-11-20T10:00:00Z"),
        ("mid", "2025-06-01T00:00:00Z"),
    ]);
    let future_only = backups(&[("f", "2031-01-01T00:00:00Z")]);
    for (what, policy) in &policies {
        for tz in [UTC, Berlin, Los_Angeles] {
            let decisions = decide(&one, policy, at(NOW), tz, &[]);
            assert!(decisions[0].keep, "{what} in {tz}: the only backup was deleted");
            check_invariants(what, &one, &decisions, at(NOW), &[]);

            let decisions = decide(&several, policy, at(NOW), tz, &[]);
            assert!(
                decisions[1].keep,
                "{what} in {tz}: the newest of several was deleted"
            );
            check_invariants(what, &several, &decisions, at(NOW), &[]);

            let decisions = decide(&future_only, policy, at(NOW), tz, &[]);
            assert!(
                decisions[0].keep,
                "{what} in {tz}: a lone future backup was deleted"
            );
        }
    }
}

#[test]
fn gfs_classic_on_daily_backups() {
    // One backup a day at 02:00 UTC from 2026-09-01 to 2026-11-22 (a Sunday), with 7 daily,
    // 4 weekly, 3 monthly, 1 yearly.
    let first = Utc.with_ymd_and_hms(2026, 9, 1, 2, 0, 0).unwrap();
    let input: Vec<Backup> = (0..83)
        .map(|day| {
            let created_at = first + Duration::days(day);
            Backup {
                id: created_at.format("%m-%d").to_string(),
                created_at,
            }
        })
        .collect();
    assert_eq!(input.last().unwrap().id, "11-22");
    let decisions = decide(&input, &gfs(7, 4, 3, 1), at(NOW), UTC, &[]);
    check_invariants("classic", &input, &decisions, at(NOW), &[]);

    let kept: Vec<&str> = decisions
        .iter()
        .filter(|d| d.keep)
        .map(|d| d.id.as_str())
        .collect();
    // Daily: 11-16..11-22; weekly: the Sundays 11-22, 11-15, 11-08, 11-01;
    // monthly: 11-22, 10-31, 09-30; yearly: 11-22.
    let expected = [
        "09-30", "10-31", "11-01", "11-08", "11-15", "11-16", "11-17", "11-18", "11-19", "11-20", "11-21",
        "11-22",
    ];
    assert_eq!(kept, expected);
    let newest = decisions.last().unwrap();
    assert_eq!(
        newest.reasons,
        [
            "daily 2026-11-22",
            "weekly 2026-W47",
            "monthly 2026-11",
            "yearly 2026"
        ]
    );
    let sept = decisions.iter().find(|d| d.id == "09-30").unwrap();
    assert_eq!(sept.reasons, ["monthly 2026-09"]);
}

/// A small deterministic generator, so the property test needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn gfs_matches_a_reference_on_random_histories() {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let mut rng = Lcg(42);
    for round in 0..200 {
        let n = rng.next(60) as usize;
        let input: Vec<Backup> = (0..n)
            .map(|i| {
                // Mostly within three years, a few after `now`; some in clusters of close times.
                let seconds = rng.next(3 * 366 * 86_400 + 10 * 86_400) as i64;
                Backup {
                    id: format!("b{i:02}"),
                    created_at: start + Duration::seconds(seconds),
                }
            })
            .collect();
        let tz = [UTC, Berlin, Los_Angeles, New_York, Kolkata][rng.next(5) as usize];
        let counts = [
            rng.next(10) as u32,
            rng.next(6) as u32,
            rng.next(13) as u32,
            rng.next(4) as u32,
        ];
        let keep_last = rng.next(3) as u32;
        let policy = Policy::Gfs {
            daily: counts[0],
            weekly: counts[1],
            monthly: counts[2],
            yearly: counts[3],
            keep_last,
        };
        let protect: Vec<&str> = input
            .iter()
            .filter(|_| rng.next(10) == 0)
            .map(|b| b.id.as_str())
            .collect();
        let what = format!("round {round}: {policy:?} in {tz}");
        let decisions = decide(&input, &policy, now, tz, &protect);
        check_invariants(&what, &input, &decisions, now, &protect);

        // Reference: group the backups not in the future by label, order the groups by their
        // newest backup, and take the newest backup of the first `count` groups.
        let formats = ["daily", "weekly", "monthly", "yearly"];
        for (name, count) in formats.iter().zip(counts) {
            let mut newest_of: BTreeMap<String, (DateTime<Utc>, &str)> = BTreeMap::new();
            for b in input.iter().filter(|b| b.created_at <= now) {
                let local = b.created_at.with_timezone(&tz);
                let label = match *name {
                    "daily" => local.format("%Y-%m-%d").to_string(),
                    "weekly" => local.format("%G-W%V").to_string(),
                    "monthly" => local.format("%Y-%m").to_string(),
                    _ => local.format("%Y").to_string(),
                };
                let entry = newest_of.entry(label).or_insert((b.created_at, b.id.as_str()));
                *entry = (*entry).max((b.created_at, b.id.as_str()));
            }
            let mut groups: Vec<(DateTime<Utc>, &str, String)> = newest_of
                .into_iter()
                .map(|(label, (t, id))| (t, id, label))
                .collect();
            groups.sort_by(|a, b| b.cmp(a));
            let expected: BTreeSet<String> = groups
                .into_iter()
                .take(count as usize)
                .map(|(_, id, label)| format!("{id}: {name} {label}"))
                .collect();
            let got: BTreeSet<String> = decisions
                .iter()
                .flat_map(|d| {
                    d.reasons
                        .iter()
                        .filter(|r| r.starts_with(&format!("{name} ")))
                        .map(|r| format!("{}: {r}", d.id))
                })
                .collect();
            assert_eq!(got, expected, "{what}: {name} buckets");
        }

        // keep_last: the newest `keep_last` not in the future.
        let mut ranked: Vec<&Backup> = input.iter().filter(|b| b.created_at <= now).collect();
        ranked.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        let expected: BTreeSet<&str> = ranked
            .iter()
            .take(keep_last as usize)
            .map(|b| b.id.as_str())
            .collect();
        let reason = format!("newest {keep_last}");
        let got: BTreeSet<&str> = decisions
            .iter()
            .filter(|d| d.reasons.contains(&reason))
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(got, expected, "{what}: keep_last");

        // Nothing is kept without a reason from the rules, protection, the future or the guard.
        for d in decisions.iter().filter(|d| d.keep) {
            assert!(!d.reasons.is_empty(), "{what}: {}", d.id);
        }
    }
}
