//! Seeded generation of cases: an expression, a time zone and a start instant, placed
//! mostly just before a daylight saving change of 2026–2028 and with hours near it.

use chrono::{DateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

pub const ZONES: [&str; 7] = [
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
];

/// splitmix64: small, seedable, good enough to spread cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }
}

fn offset(tz: Tz, t: i64) -> i32 {
    let at = DateTime::from_timestamp(t, 0).unwrap().naive_utc();
    tz.offset_from_utc_datetime(&at).fix().local_minus_utc()
}

/// The instants of 2026–2028 at which the zone's offset changes (to the second).
pub fn transitions(tz: Tz) -> Vec<i64> {
    let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().timestamp();
    let to = Utc.with_ymd_and_hms(2029, 1, 1, 0, 0, 0).unwrap().timestamp();
    let mut found = Vec::new();
    let mut t = from;
    while t < to {
        if offset(tz, t) != offset(tz, t + 3600) {
            let (mut lo, mut hi) = (t, t + 3600);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if offset(tz, mid) == offset(tz, t) {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            found.push(hi);
        }
        t += 3600;
    }
    found
}

pub struct Case {
    pub expression: String,
    pub zone: &'static str,
    pub start: DateTime<Utc>,
}

/// A value list item for a field of `lo..=hi`, biased to `near` when given.
fn item(rng: &mut Rng, lo: i64, hi: i64, near: &[i64]) -> String {
    let v = |rng: &mut Rng| {
        if !near.is_empty() && rng.chance(85) {
            (*rng.pick(near)).clamp(lo, hi)
        } else {
            rng.range(lo, hi)
        }
    };
    match rng.range(0, 9) {
        0 => "*".into(),
        1 => format!("*/{}", rng.pick(&[2, 3, 5, 7, 10, 15, 20, 30])),
        2 | 3 => {
            let a = v(rng);
            let b = (a + rng.range(0, 4)).min(hi);
            format!("{a}-{b}")
        }
        4 => {
            let a = v(rng);
            let b = (a + rng.range(2, 20)).min(hi);
            format!("{a}-{b}/{}", rng.range(2, 5))
        }
        5 => format!("{}/{}", v(rng), rng.range(2, 15)),
        6 => format!("{},{}", v(rng), v(rng)),
        _ => v(rng).to_string(),
    }
}

fn time_field(rng: &mut Rng, max: i64, near: &[i64], star_percent: u64) -> String {
    if rng.chance(star_percent) {
        return "*".into();
    }
    item(rng, 0, max, near)
}

fn day_of_month(rng: &mut Rng, any_month: bool, near: u32) -> String {
    let top = if any_month { 31 } else { 28 };
    let near = [i64::from(near).min(top)];
    match rng.range(0, 19) {
        0..=11 => "*".into(),
        12 => "?".into(),
        13 => "L".into(),
        14 => format!("*/{}", rng.range(2, 10)),
        15 => format!("{},L", near[0]),
        _ => item(rng, 1, top, &near).replace('*', "1-28"),
    }
}

fn month(rng: &mut Rng, near: u32) -> String {
    const NAMES: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    match rng.range(0, 9) {
        0..=5 => "*".into(),
        6 => NAMES[near as usize - 1].into(),
        7 => format!(
            "{}-{}",
            NAMES[near.saturating_sub(2) as usize],
            NAMES[(near as usize).min(11)]
        ),
        8 => format!("{},{}", near, rng.range(1, 12)),
        _ => format!("*/{}", rng.range(2, 4)),
    }
}

fn day_of_week(rng: &mut Rng, near: u32) -> String {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let w = |rng: &mut Rng| {
        if rng.chance(60) {
            near as i64
        } else {
            rng.range(0, 6)
        }
    };
    match rng.range(0, 19) {
        0..=10 => "*".into(),
        11 => "?".into(),
        12 => "MON-FRI".into(),
        13 => "SAT-SUN".into(),
        14 => format!("{}#{}", NAMES[w(rng) as usize], rng.range(1, 5)),
        15 => format!("{}L", w(rng)),
        16 => "7".into(),
        17 => format!("+{}", w(rng)),
        _ => format!("{},{}", w(rng), rng.range(0, 7)),
    }
}

pub fn case(rng: &mut Rng, zones: &[(&'static str, Tz, Vec<i64>)]) -> Case {
    let changing: Vec<_> = zones.iter().filter(|z| !z.2.is_empty()).collect();
    let (zone, tz, changes) = if rng.chance(70) {
        *rng.pick(&changing)
    } else {
        rng.pick(zones)
    };
    let (zone, tz) = (*zone, *tz);
    let start = if !changes.is_empty() && rng.chance(85) {
        let change = *rng.pick(changes);
        let before = match rng.range(0, 9) {
            0..=3 => rng.range(-5, 60),
            4..=6 => rng.range(0, 7200),
            _ => rng.range(0, 9 * 3600),
        };
        change - before
    } else {
        rng.range(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().timestamp(),
            Utc.with_ymd_and_hms(2028, 12, 31, 0, 0, 0).unwrap().timestamp(),
        )
    };
    let millis = if rng.chance(20) { rng.range(1, 999) } else { 0 };
    let start = DateTime::from_timestamp(start, 0).unwrap() + chrono::Duration::milliseconds(millis);
    // The wall clock around the nearest change: its hours and minutes are where the
    // expressions should fall to meet the gap or the repeated hour.
    let anchor = changes
        .iter()
        .min_by_key(|c| (*c - start.timestamp()).abs())
        .copied()
        .unwrap_or(start.timestamp());
    let before = DateTime::from_timestamp(anchor - 1, 0)
        .unwrap()
        .with_timezone(&tz);
    let after = DateTime::from_timestamp(anchor, 0).unwrap().with_timezone(&tz);
    let hours = [before.hour(), after.hour(), before.hour().saturating_sub(1)].map(i64::from);
    let minutes = [0, 15, 29, 30, 45, 59];
    // The day fields lean to the date of that change too.
    let weekday = chrono::Datelike::weekday(&after).num_days_from_sunday();
    let month_now = chrono::Datelike::month(&after);
    let day_now = chrono::Datelike::day(&after);

    let expression = if rng.chance(4) {
        rng.pick(&["@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"])
            .to_string()
    } else {
        let seconds = rng.chance(70);
        let mut fields = Vec::new();
        if seconds {
            fields.push(time_field(rng, 59, &[0, 1, 30, 59], 35));
        }
        fields.push(time_field(rng, 59, &minutes, if seconds { 25 } else { 10 }));
        fields.push(time_field(rng, 23, &hours, 15));
        // A restricted month only with days every month has, so every case runs.
        let restricted_month = rng.chance(40);
        fields.push(day_of_month(rng, !restricted_month, day_now));
        fields.push(if restricted_month {
            month(rng, month_now)
        } else {
            "*".into()
        });
        fields.push(day_of_week(rng, weekday));
        if seconds && rng.chance(10) {
            fields.push(
                rng.pick(&["*", "2026-2028", "2027-2030", "2026-2030/2"])
                    .to_string(),
            );
        }
        fields.join(" ")
    };
    Case {
        expression,
        zone,
        start,
    }
}
