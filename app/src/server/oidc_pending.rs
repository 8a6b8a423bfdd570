//! Sign-ins sent to a provider and not yet back: their nonce and PKCE verifier stay
//! here (in memory, briefly, bounded), keyed by the OAuth `state`, and a cookie ties
//! each one to the browser that started it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

pub const COOKIE_NAME: &str = "bulwark_oidc";
pub const LIFETIME: Duration = Duration::from_secs(600);
/// Beyond this many sign-ins in flight the oldest is dropped.
const CAPACITY: usize = 10_000;
/// Ceremonies one client (an address, a user, a pending session) may have waiting; a
/// new one beyond this drops that client's own oldest (finding 15 of docs/SECURITY.md).
pub const PER_CLIENT: usize = 32;

#[derive(Debug, Clone)]
pub struct Pending {
    pub provider_id: i64,
    pub slug: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The random value in the browser's cookie.
    pub binding: String,
    /// The address that started it, which may have at most [`PER_CLIENT`] waiting.
    pub client: String,
    pub started: Instant,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TakeError {
    /// No sign-in waits under this state (never started, used, or expired and swept).
    Unknown,
    Expired,
    /// The state exists but this browser did not start it (or it is for another provider).
    WrongBrowser,
}

#[derive(Default)]
pub struct Store {
    entries: HashMap<String, Pending>,
}

impl Store {
    pub fn insert(&mut self, state: String, pending: Pending, now: Instant) {
        self.entries
            .retain(|_, p| now.duration_since(p.started) < LIFETIME);
        super::ceremony_limits::make_room(
            &mut self.entries,
            &pending.client,
            PER_CLIENT,
            CAPACITY,
            |p| p.client.as_str(),
            |p| p.started,
        );
        self.entries.insert(state, pending);
    }

    /// Removes and returns the sign-in for `state` if `binding` (the cookie) and `slug` match.
    /// A state is usable once, even when the check fails.
    pub fn take(
        &mut self,
        state: &str,
        binding: Option<&str>,
        slug: &str,
        now: Instant,
    ) -> Result<Pending, TakeError> {
        let pending = self.entries.remove(state).ok_or(TakeError::Unknown)?;
        if now.duration_since(pending.started) >= LIFETIME {
            return Err(TakeError::Expired);
        }
        let same_browser =
            binding.is_some_and(|b| constant_time_eq(b.as_bytes(), pending.binding.as_bytes()));
        if !same_browser || pending.slug != slug {
            return Err(TakeError::WrongBrowser);
        }
        Ok(pending)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The process-wide store (sign-ins in flight do not survive a restart, by design).
pub static STORE: LazyLock<Mutex<Store>> = LazyLock::new(|| Mutex::new(Store::default()));

pub fn set_cookie(binding: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={binding}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={}{}",
        LIFETIME.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn binding_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(binding: &str, started: Instant) -> Pending {
        Pending {
            provider_id: 1,
            slug: "corp".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            binding: binding.into(),
            client: "127.0.0.1".into(),
            started,
        }
    }

    #[test]
    fn a_state_is_taken_once_by_its_browser() {
        let now = Instant::now();
        let mut store = Store::default();
        store.insert("s1".into(), pending("b1", now), now);
        assert_eq!(store.take("s1", Some("b1"), "corp", now).unwrap().nonce, "n");
        assert_eq!(
            store.take("s1", Some("b1"), "corp", now).unwrap_err(),
            TakeError::Unknown
        );
        store.insert("s2".into(), pending("b2", now), now);
        assert_eq!(
            store.take("s2", Some("other"), "corp", now).unwrap_err(),
            TakeError::WrongBrowser
        );
        assert!(store.is_empty(), "a failed check still consumes the state");
        store.insert("s3".into(), pending("b3", now), now);
        assert_eq!(
            store.take("s3", None, "corp", now).unwrap_err(),
            TakeError::WrongBrowser
        );
        store.insert("s4".into(), pending("b4", now), now);
        assert_eq!(
            store.take("s4", Some("b4"), "other", now).unwrap_err(),
            TakeError::WrongBrowser
        );
    }

    #[test]
    fn old_states_expire_and_are_swept() {
        let start = Instant::now();
        let later = start + LIFETIME + Duration::from_secs(1);
        let mut store = Store::default();
        store.insert("old".into(), pending("b", start), start);
        assert_eq!(
            store.take("old", Some("b"), "corp", later).unwrap_err(),
            TakeError::Expired
        );
        store.insert("old".into(), pending("b", start), start);
        store.insert("new".into(), pending("b", later), later);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn the_store_is_bounded() {
        let now = Instant::now();
        let mut store = Store::default();
        for i in 0..CAPACITY + 5 {
            let mut entry = pending("b", now + Duration::from_millis(i as u64));
            entry.client = format!("10.0.{}.{}", i / 256, i % 256);
            store.insert(format!("s{i}"), entry, now);
        }
        assert_eq!(store.len(), CAPACITY);
        assert_eq!(
            store.take("s0", Some("b"), "corp", now).unwrap_err(),
            TakeError::Unknown
        );
    }

    #[test]
    fn cookie_flags() {
        let c = set_cookie("abc", false);
        assert!(c.starts_with("bulwark_oidc=abc;") && c.contains("HttpOnly") && c.contains("SameSite=Lax"));
        assert!(set_cookie("abc", true).ends_with("; Secure"));
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, "x=1; bulwark_oidc=abc".parse().unwrap());
        assert_eq!(binding_from_headers(&h).as_deref(), Some("abc"));
    }
}
