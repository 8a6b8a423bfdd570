//! Sliding-window failure counter for sign-in attempts, keyed by IP and by account.
//!
//! Pure and clock-free: every call takes `now`, so tests drive time by hand.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: usize,
    pub window: Duration,
}

/// Failures from one IP address before it must wait.
pub const PER_IP: Limit = Limit {
    max_failures: 20,
    window: Duration::from_secs(15 * 60),
};
/// Failures against one account from one address before that pair must wait (an
/// attacker elsewhere cannot lock the owner out), and wrong second-factor codes for one
/// account.
pub const PER_ACCOUNT: Limit = Limit {
    max_failures: 5,
    window: Duration::from_secs(15 * 60),
};

/// Past this many tracked keys, stale ones are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct FailureLimiter {
    limit: Limit,
    failures: HashMap<String, VecDeque<Instant>>,
}

impl FailureLimiter {
    pub fn new(limit: Limit) -> Self {
        FailureLimiter {
            limit,
            failures: HashMap::new(),
        }
    }

    /// `Some(wait)` while `key` has used up its failures.
    pub fn blocked_for(&mut self, key: &str, now: Instant) -> Option<Duration> {
        let limit = self.limit;
        let entry = self.failures.get_mut(key)?;
        prune(entry, limit.window, now);
        if entry.len() >= limit.max_failures {
            let oldest = *entry.front()?;
            Some(
                (oldest + limit.window)
                    .saturating_duration_since(now)
                    .max(Duration::from_secs(1)),
            )
        } else {
            None
        }
    }

    /// Counts an attempt as a failure *before* it is checked, so that parallel attempts
    /// cannot all pass the check first: `Err(wait)` when `key` has used up its failures,
    /// else the stamp to [`release`](Self::release) if the attempt succeeds.
    pub fn reserve(&mut self, key: &str, now: Instant) -> Result<Instant, Duration> {
        if let Some(wait) = self.blocked_for(key, now) {
            return Err(wait);
        }
        self.record_failure(key, now);
        Ok(now)
    }

    /// Takes back one reservation made at `stamp` (its attempt succeeded).
    pub fn release(&mut self, key: &str, stamp: Instant) {
        if let Some(entry) = self.failures.get_mut(key) {
            if let Some(i) = entry.iter().rposition(|t| *t == stamp) {
                entry.remove(i);
            }
            if entry.is_empty() {
                self.failures.remove(key);
            }
        }
    }

    pub fn record_failure(&mut self, key: &str, now: Instant) {
        if self.failures.len() >= SWEEP_AT {
            let window = self.limit.window;
            self.failures.retain(|_, v| {
                prune(v, window, now);
                !v.is_empty()
            });
        }
        let entry = self.failures.entry(key.to_string()).or_default();
        prune(entry, self.limit.window, now);
        entry.push_back(now);
    }

    pub fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }

    pub fn tracked_keys(&self) -> usize {
        self.failures.len()
    }
}

fn prune(entry: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while entry
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        entry.pop_front();
    }
}

/// Rounds a wait up to whole minutes for the message a person reads.
pub fn describe_wait(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        max_failures: 3,
        window: Duration::from_secs(60),
    };

    #[test]
    fn blocks_after_max_failures_and_releases_after_window() {
        let t0 = Instant::now();
        let mut l = FailureLimiter::new(LIMIT);
        for i in 0..3 {
            assert_eq!(l.blocked_for("a", t0), None, "attempt {i}");
            l.record_failure("a", t0 + Duration::from_secs(i));
        }
        let wait = l.blocked_for("a", t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert_eq!(l.blocked_for("b", t0), None, "other keys are unaffected");
        // the first failure leaves the window at t0+60
        assert_eq!(l.blocked_for("a", t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn reservations_count_before_the_check_and_can_be_taken_back() {
        let t0 = Instant::now();
        let mut l = FailureLimiter::new(LIMIT);
        let stamps: Vec<_> = (0..3).map(|_| l.reserve("a", t0).unwrap()).collect();
        assert!(
            l.reserve("a", t0).is_err(),
            "the fourth waits before anything is checked"
        );
        l.release("a", stamps[0]);
        assert!(
            l.reserve("a", t0).is_ok(),
            "a succeeded attempt gives its place back"
        );
        assert!(l.reserve("a", t0).is_err());
        l.release("b", t0);
        assert_eq!(l.tracked_keys(), 1);
    }

    #[test]
    fn clear_forgets_a_key() {
        let t0 = Instant::now();
        let mut l = FailureLimiter::new(LIMIT);
        for _ in 0..3 {
            l.record_failure("a", t0);
        }
        assert!(l.blocked_for("a", t0).is_some());
        l.clear("a");
        assert_eq!(l.blocked_for("a", t0), None);
    }

    #[test]
    fn stale_keys_are_swept() {
        let t0 = Instant::now();
        let mut l = FailureLimiter::new(LIMIT);
        for i in 0..SWEEP_AT {
            l.record_failure(&format!("k{i}"), t0);
        }
        l.record_failure("fresh", t0 + Duration::from_secs(120));
        assert_eq!(l.tracked_keys(), 1);
    }

    #[test]
    fn waits_read_in_minutes() {
        assert_eq!(describe_wait(Duration::from_secs(5)), "1 minute");
        assert_eq!(describe_wait(Duration::from_secs(61)), "2 minutes");
        assert_eq!(describe_wait(Duration::from_secs(900)), "15 minutes");
    }
}
