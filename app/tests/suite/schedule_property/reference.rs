//! An independent reading of the cron dialect the scheduler documents, and the runs it
//! implies found by brute force: every second of a span is converted to the job's wall
//! clock and checked against the parsed fields. Nothing here calls croner.
//!
//! Daylight saving rules (the ones `app::engine::schedule` documents): a job at one fixed
//! time of day runs once — at the first of two repeated instants, and at the end of the
//! gap when its time is skipped; every other job runs at every instant whose wall clock
//! matches, so skipped times never run and repeated ones run twice.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One field: which values it allows.
#[derive(Debug, Clone, Default)]
struct Field {
    bits: u64,
}

impl Field {
    fn has(&self, v: u32) -> bool {
        v < 64 && self.bits & (1 << v) != 0
    }
    fn count(&self) -> u32 {
        self.bits.count_ones()
    }
}

#[derive(Debug, Clone)]
pub struct Expr {
    second: Field,
    minute: Field,
    hour: Field,
    day: Field,
    last_day: bool,
    month: Field,
    weekday: Field,
    /// Bit k of `nth[w]`: the k-th such weekday of the month (`w#k`).
    nth: [u8; 7],
    /// Bit w: the last such weekday of the month (`wL`).
    last_weekday: u8,
    years: Vec<(i32, i32, i32)>,
    star_day: bool,
    star_weekday: bool,
    both_days: bool,
    fixed_time: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(token: &str, names: &[&str], first_name: u32, range_end: bool) -> u32 {
    if let Some(i) = names.iter().position(|n| token.eq_ignore_ascii_case(n)) {
        // SUN ends a weekday range as 7 (FRI-SUN), starts or stands alone as 0.
        if names.len() == 7 && i == 0 && range_end {
            return 7;
        }
        return i as u32 + first_name;
    }
    token
        .parse()
        .unwrap_or_else(|_| panic!("reference: bad value {token:?}"))
}

/// Expands a field's list of `*`, `n`, `a-b`, `*/s`, `a-b/s` and `a/s` (read `a-max/s`).
fn expand(text: &str, min: u32, max: u32, names: &[&str], first_name: u32) -> Field {
    let mut f = Field::default();
    for item in text.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (b, s.parse::<u32>().expect("step")),
            None => (item, 1),
        };
        let (lo, hi) = if base == "*" || base.is_empty() {
            (min, max)
        } else if let Some((a, b)) = base.split_once('-') {
            (
                value(a, names, first_name, false),
                value(b, names, first_name, true),
            )
        } else {
            let v = value(base, names, first_name, false);
            (v, if item.contains('/') { max } else { v })
        };
        let mut v = lo;
        while v <= hi {
            f.bits |= 1 << v;
            v += step;
        }
    }
    f
}

fn is_fixed(text: &str, f: &Field) -> bool {
    !text.contains('*') && !text.contains('/') && f.count() == 1
}

pub fn parse(expression: &str) -> Expr {
    let expression = match expression.trim().to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *".to_string(),
        "@monthly" => "0 0 1 * *".into(),
        "@weekly" => "0 0 * * 0".into(),
        "@daily" => "0 0 * * *".into(),
        "@hourly" => "0 * * * *".into(),
        _ => expression.trim().to_string(),
    };
    let mut fields: Vec<String> = expression.split_whitespace().map(str::to_string).collect();
    if fields.len() == 5 {
        fields.insert(0, "0".into());
    }
    if fields.len() == 6 {
        fields.push("*".into());
    }
    assert_eq!(fields.len(), 7, "reference: {expression:?}");
    for i in [3, 5] {
        if fields[i] == "?" {
            fields[i] = "*".into();
        }
    }
    let both_days = fields[5].starts_with('+');
    let weekday_text = fields[5].trim_start_matches('+').to_string();

    let mut last_day = false;
    let day_items: Vec<&str> = fields[3]
        .split(',')
        .filter(|i| {
            let l = *i == "L";
            last_day |= l;
            !l
        })
        .collect();
    let day = if day_items.is_empty() {
        Field::default()
    } else {
        expand(&day_items.join(","), 1, 31, &[], 0)
    };

    let mut nth = [0u8; 7];
    let mut last_weekday = 0u8;
    let mut plain = Vec::new();
    for item in weekday_text.split(',') {
        if let Some((w, k)) = item.split_once('#') {
            let w = value(w, &WEEKDAYS, 0, false) % 7;
            nth[w as usize] |= 1 << k.parse::<u32>().expect("nth");
        } else if let Some(w) = item.strip_suffix('L').filter(|w| !w.is_empty()) {
            last_weekday |= 1 << (value(w, &WEEKDAYS, 0, false) % 7);
        } else {
            plain.push(item);
        }
    }
    let mut weekday = if plain.is_empty() {
        Field::default()
    } else {
        expand(&plain.join(","), 0, 7, &WEEKDAYS, 0)
    };
    if weekday.has(7) {
        weekday.bits = (weekday.bits & !(1 << 7)) | 1;
    }

    let years = fields[6]
        .split(',')
        .map(|item| {
            let (base, step) = match item.split_once('/') {
                Some((b, s)) => (b, s.parse().unwrap()),
                None => (item, 1),
            };
            match base.split_once('-') {
                _ if base == "*" => (1, 5000, step),
                Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap(), step),
                None => {
                    let y = base.parse().unwrap();
                    (y, if item.contains('/') { 5000 } else { y }, step)
                }
            }
        })
        .collect();

    let second = expand(&fields[0], 0, 59, &[], 0);
    let minute = expand(&fields[1], 0, 59, &[], 0);
    let hour = expand(&fields[2], 0, 23, &[], 0);
    let fixed_time =
        is_fixed(&fields[0], &second) && is_fixed(&fields[1], &minute) && is_fixed(&fields[2], &hour);
    Expr {
        month: expand(&fields[4], 1, 12, &MONTHS, 1),
        second,
        minute,
        hour,
        day,
        last_day,
        weekday,
        nth,
        last_weekday,
        years,
        star_day: fields[3] == "*",
        star_weekday: weekday_text == "*",
        both_days,
        fixed_time,
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.unwrap().pred_opt().unwrap().day()
}

impl Expr {
    pub fn fixed_time(&self) -> bool {
        self.fixed_time
    }

    fn date_matches(&self, date: NaiveDate) -> bool {
        let (y, m, d) = (date.year(), date.month(), date.day());
        let len = days_in_month(y, m);
        let w = date.weekday().num_days_from_sunday() as usize;
        let day = self.day.has(d) || (self.last_day && d == len);
        let weekday = self.weekday.has(w as u32)
            || self.nth[w] & (1 << ((d - 1) / 7 + 1)) != 0
            || (self.last_weekday & (1 << w) != 0 && d + 7 > len);
        let days = match (self.star_day, self.star_weekday) {
            (true, true) => true,
            (true, false) => weekday,
            (false, true) => day,
            (false, false) if self.both_days => day && weekday,
            (false, false) => day || weekday,
        };
        days && self.month.has(m)
            && self
                .years
                .iter()
                .any(|&(lo, hi, step)| (lo..=hi).contains(&y) && (y - lo) % step == 0)
    }

    fn time_matches(&self, second_of_day: u32) -> bool {
        self.hour.has(second_of_day / 3600)
            && self.minute.has(second_of_day / 60 % 60)
            && self.second.has(second_of_day % 60)
    }
}

/// The date and wall clock second of a local timestamp (seconds since the epoch, read
/// as wall clock time).
fn split(local: i64) -> (NaiveDate, u32) {
    let date = DateTime::from_timestamp(local.div_euclid(86_400) * 86_400, 0)
        .unwrap()
        .date_naive();
    (date, local.rem_euclid(86_400) as u32)
}

/// Every run in `(start, end]`, at most `cap`, checking each second of the span.
pub fn runs(expr: &Expr, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>, cap: usize) -> Vec<DateTime<Utc>> {
    let offset = |t: i64| -> i64 {
        let at = DateTime::from_timestamp(t, 0).unwrap();
        i64::from(
            tz.offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    };
    let mut out = Vec::new();
    let first = start.timestamp() + 1;
    let mut previous_offset = offset(first - 1);
    let mut date_cache: Option<(NaiveDate, bool)> = None;
    let mut date_ok = |date: NaiveDate| -> bool {
        match date_cache {
            Some((d, ok)) if d == date => ok,
            _ => {
                let ok = expr.date_matches(date);
                date_cache = Some((date, ok));
                ok
            }
        }
    };
    for t in first..=end.timestamp() {
        // Zone offsets change on whole minutes, so one lookup a minute is exact.
        let off = if t == first || t.rem_euclid(60) == 0 {
            offset(t)
        } else {
            previous_offset
        };
        let local = t + off;
        let (date, second) = split(local);
        let at = DateTime::from_timestamp(t, 0).unwrap();
        if off > previous_offset && expr.fixed_time {
            // The clock jumped forward at `t`: the wall clock times in between never
            // happen. A fixed-time job due in them runs now, at the end of the gap.
            let due = (t + previous_offset..t + off).any(|w| {
                let (d, s) = split(w);
                expr.time_matches(s) && expr.date_matches(d)
            });
            if due && expr.date_matches(date) {
                out.push(at);
            }
        }
        if expr.time_matches(second) && date_ok(date) {
            let repeated_later = match tz.from_local_datetime(&split_naive(local)) {
                LocalResult::Ambiguous(_, later) => later.timestamp() == t,
                _ => false,
            };
            if !(expr.fixed_time && repeated_later) && out.last() != Some(&at) {
                out.push(at);
            }
        }
        previous_offset = off;
        if out.len() >= cap {
            out.truncate(cap);
            break;
        }
    }
    out
}

fn split_naive(local: i64) -> chrono::NaiveDateTime {
    DateTime::from_timestamp(local, 0).unwrap().naive_utc()
}
