//! Passkey ceremonies between their start and finish calls, kept on the server (the
//! browser only ever holds a random id) in a bounded map with a short expiry.

use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use webauthn_rs::prelude::{DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration};

/// How long a started ceremony may wait for its finish.
pub const EXPIRY: Duration = Duration::from_secs(5 * 60);
/// Past this many waiting ceremonies the oldest is dropped, so anonymous starts
/// cannot grow memory without bound.
pub const CAPACITY: usize = 10_000;

/// A started ceremony and who it belongs to.
pub enum Ceremony {
    Register {
        user_id: i64,
        name: String,
        state: PasskeyRegistration,
    },
    /// The second step of a sign-in: bound to its pending session.
    SecondFactor {
        session_id: i64,
        state: PasskeyAuthentication,
    },
    Passwordless {
        state: DiscoverableAuthentication,
    },
}

#[derive(Default)]
pub struct Ceremonies {
    waiting: Mutex<HashMap<String, (Instant, Ceremony)>>,
}

impl Ceremonies {
    /// Keeps `ceremony` and returns the id the browser sends back with its answer.
    pub fn insert(&self, ceremony: Ceremony, now: Instant) -> String {
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = hex::encode(bytes);
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        waiting.retain(|_, (started, _)| now.saturating_duration_since(*started) < EXPIRY);
        if waiting.len() >= CAPACITY
            && let Some(oldest) = waiting
                .iter()
                .min_by_key(|(_, (started, _))| *started)
                .map(|(k, _)| k.clone())
        {
            waiting.remove(&oldest);
        }
        waiting.insert(id.clone(), (now, ceremony));
        id
    }

    /// The ceremony of `id`, once: a second finish with the same id finds nothing.
    pub fn take(&self, id: &str, now: Instant) -> Option<Ceremony> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let (started, ceremony) = waiting.remove(id)?;
        (now.saturating_duration_since(started) < EXPIRY).then_some(ceremony)
    }

    pub fn len(&self) -> usize {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webauthn_rs::prelude::{Url, WebauthnBuilder};

    fn passwordless() -> Ceremony {
        let origin = Url::parse("http://localhost:3000").unwrap();
        let webauthn = WebauthnBuilder::new("localhost", &origin)
            .unwrap()
            .build()
            .unwrap();
        let (_, state) = webauthn.start_discoverable_authentication().unwrap();
        Ceremony::Passwordless { state }
    }

    #[test]
    fn taken_once_and_expire() {
        let store = Ceremonies::default();
        let t0 = Instant::now();
        let id = store.insert(passwordless(), t0);
        assert_eq!(id.len(), 48);
        assert!(store.take("unknown", t0).is_none());
        assert!(store.take(&id, t0 + Duration::from_secs(10)).is_some());
        assert!(
            store.take(&id, t0 + Duration::from_secs(11)).is_none(),
            "single use"
        );
        let late = store.insert(passwordless(), t0);
        assert!(store.take(&late, t0 + EXPIRY).is_none(), "expired");
    }

    #[test]
    fn expired_ones_are_swept_on_insert() {
        let store = Ceremonies::default();
        let t0 = Instant::now();
        store.insert(passwordless(), t0);
        store.insert(passwordless(), t0);
        assert_eq!(store.len(), 2);
        store.insert(passwordless(), t0 + EXPIRY);
        assert_eq!(store.len(), 1);
    }
}
