//! The schedule preview against a brute-force reference: for generated expressions, zones
//! and start instants (mostly just before a daylight saving change of 2026–2028), the
//! runs the preview lists are exactly the seconds the reference finds by checking every
//! second of the span. Then the daylight saving rules, as documented, case by case.
//!
//! `BULWARK_SCHEDULE_SEED` and `BULWARK_SCHEDULE_CASES` override the seed and the count.

mod generate;
mod reference;

use app::engine::schedule::upcoming;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

/// Runs compared per case; the span is cut at this many or at `SPAN`.
const CAP: usize = 120;
const SPAN: Duration = Duration::hours(10);

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_preview_lists_exactly_what_the_brute_force_reference_runs() {
    let seed = env_or("BULWARK_SCHEDULE_SEED", 0x5EED_2026);
    let cases = env_or("BULWARK_SCHEDULE_CASES", 600);
    let began = std::time::Instant::now();
    let zones: Vec<(&'static str, Tz, Vec<i64>)> = generate::ZONES
        .iter()
        .map(|z| {
            let tz: Tz = z.parse().unwrap();
            (*z, tz, generate::transitions(tz))
        })
        .collect();
    let lord_howe = &zones.iter().find(|z| z.0 == "Australia/Lord_Howe").unwrap().2;
    assert_eq!(lord_howe.len(), 6, "two changes a year in 2026–2028");

    let mut rng = generate::Rng::new(seed);
    let mut failures = Vec::new();
    let (mut near_a_change, mut in_repeated_hour, mut fixed, mut runs_seen) = (0, 0, 0, 0);
    for i in 0..cases {
        let case = generate::case(&mut rng, &zones);
        let (_, tz, changes) = zones.iter().find(|z| z.0 == case.zone).unwrap();
        let expr = reference::parse(&case.expression);
        let end = case.start + SPAN;
        let expected = reference::runs(&expr, *tz, case.start, end, CAP);
        let actual = match upcoming(&case.expression, case.zone, case.start, CAP) {
            Ok(runs) => runs.into_iter().filter(|t| *t <= end).collect::<Vec<_>>(),
            Err(e) => {
                failures.push(format!("case {i}: {:?} rejected: {e}", case.expression));
                continue;
            }
        };
        runs_seen += expected.len();
        fixed += usize::from(expr.fixed_time());
        let met = |t: &DateTime<Utc>| changes.iter().any(|c| (t.timestamp() - c).abs() <= 3600);
        near_a_change += usize::from(expected.iter().any(met));
        let repeated = |t: &DateTime<Utc>| {
            let wall = t.with_timezone(tz).naive_local();
            matches!(tz.from_local_datetime(&wall), chrono::LocalResult::Ambiguous(..))
        };
        in_repeated_hour += usize::from(expected.iter().any(repeated));
        if expected != actual {
            let first = expected.iter().zip(&actual).position(|(e, a)| e != a);
            let show = |v: &[DateTime<Utc>]| {
                v.iter()
                    .take(8)
                    .map(|t| t.with_timezone(tz).to_rfc3339())
                    .collect::<Vec<_>>()
            };
            failures.push(format!(
                "case {i}: {:?} in {} after {}: first difference at run {:?}\n  reference: {:?}\n  preview:   {:?}",
                case.expression,
                case.zone,
                case.start.with_timezone(tz).to_rfc3339(),
                first.unwrap_or(expected.len().min(actual.len())),
                show(&expected[first.unwrap_or(0)..]),
                show(&actual[first.unwrap_or(0).min(actual.len())..]),
            ));
        }
    }
    eprintln!(
        "schedule property: {cases} cases (seed {seed:#x}) in {:.1} s; {near_a_change} with a run within an hour of a DST change ({in_repeated_hour} in a repeated hour), {fixed} fixed-time, {runs_seen} runs compared, {} failed",
        began.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases disagree (seed {seed:#x}):\n{}",
        failures.len(),
        failures.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
    // The cases must reach what they are for, or passing means little.
    assert!(
        near_a_change >= cases as usize / 5,
        "{near_a_change} cases met a DST change"
    );
    assert!(
        in_repeated_hour >= cases as usize / 30,
        "{in_repeated_hour} cases ran in a repeated hour"
    );
    assert!(fixed >= cases as usize / 20, "{fixed} fixed-time cases");
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The rules the job form documents, one change at a time; both the preview and the
/// reference must give exactly these instants.
#[test]
fn daylight_saving_changes_follow_the_documented_rules() {
    let table: [(&str, &str, &str, &str, &[&str]); 9] = [
        (
            "a fixed time in the spring gap runs once, at the end of the gap",
            "30 2 * * *",
            "Europe/Berlin",
            "2026-03-28T12:00:00Z",
            &["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"],
        ),
        (
            "a fixed time in the repeated hour runs once, the first time",
            "30 2 * * *",
            "Europe/Berlin",
            "2026-10-24T12:00:00Z",
            &["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"],
        ),
        (
            "an interval runs in both halves of the repeated hour",
            "*/30 2 * * *",
            "Europe/Berlin",
            "2026-10-24T12:00:00Z",
            &[
                "2026-10-25T02:00:00+02:00",
                "2026-10-25T02:30:00+02:00",
                "2026-10-25T02:00:00+01:00",
                "2026-10-25T02:30:00+01:00",
                "2026-10-26T02:00:00+01:00",
            ],
        ),
        (
            "an interval's skipped times do not run",
            "*/30 2 * * *",
            "Europe/Berlin",
            "2026-03-28T12:00:00Z",
            &["2026-03-30T02:00:00+02:00", "2026-03-30T02:30:00+02:00"],
        ),
        (
            "armed inside the second half, a fixed time waits for the next day",
            "30 1 * * *",
            "America/New_York",
            "2026-11-01T06:10:00Z",
            &["2026-11-02T01:30:00-05:00"],
        ),
        (
            "Lord Howe's 30-minute gap: 02:00 runs at 02:30",
            "0 2 * * *",
            "Australia/Lord_Howe",
            "2026-10-03T00:00:00Z",
            &["2026-10-04T02:30:00+11:00", "2026-10-05T02:00:00+11:00"],
        ),
        (
            "Lord Howe's 30-minute repeat: 01:45 runs once",
            "45 1 * * *",
            "Australia/Lord_Howe",
            "2026-04-04T12:00:00Z",
            &["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"],
        ),
        (
            "Santiago skips midnight: a midnight job runs at 01:00",
            "0 0 * * *",
            "America/Santiago",
            "2026-09-05T12:00:00Z",
            &["2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00"],
        ),
        (
            "every second of a minute, none skipped",
            "* 30 9 * * *",
            "Asia/Kolkata",
            "2026-12-07T00:00:00Z",
            &[
                "2026-12-07T09:30:00+05:30",
                "2026-12-07T09:30:01+05:30",
                "2026-12-07T09:30:02+05:30",
                "2026-12-07T09:30:03+05:30",
                "2026-12-07T09:30:04+05:30",
            ],
        ),
    ];
    for (rule, expression, zone, after, want) in table {
        let tz: Tz = zone.parse().unwrap();
        let after = utc(after);
        let want: Vec<_> = want.iter().map(|t| utc(t)).collect();
        let preview = upcoming(expression, zone, after, want.len()).unwrap();
        assert_eq!(preview, want, "preview: {rule}");
        let end = *want.last().unwrap();
        let reference = reference::runs(&reference::parse(expression), tz, after, end, want.len());
        assert_eq!(reference, want, "reference: {rule}");
    }
    // The table's instants are what they say in local time.
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    assert_eq!(
        berlin
            .with_ymd_and_hms(2026, 10, 25, 2, 30, 0)
            .earliest()
            .unwrap(),
        utc("2026-10-25T00:30:00Z")
    );
}
