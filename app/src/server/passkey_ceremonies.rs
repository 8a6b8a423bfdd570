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
/// Ceremonies one client (an address, a user, a pending session) may have waiting; a
/// new one beyond this drops that client's own oldest (finding 15 of docs/SECURITY.md).
pub const PER_CLIENT: usize = 32;

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

impl Ceremony {
    /// Who the ceremony counts against: its user, its pending sign-in, or (for a
    /// passwordless start, which has neither) the address it came from.
    pub fn client(&self, address: Option<&str>) -> String {
        match self {
            Ceremony::Register { user_id, .. } => format!("user:{user_id}"),
            Ceremony::SecondFactor { session_id, .. } => format!("session:{session_id}"),
            Ceremony::Passwordless { .. } => format!("address:{}", address.unwrap_or("unknown")),
        }
    }
}

struct Waiting {
    started: Instant,
    client: String,
    ceremony: Ceremony,
}

#[derive(Default)]
pub struct Ceremonies {
    waiting: Mutex<HashMap<String, Waiting>>,
}

impl Ceremonies {
    /// Keeps `ceremony` for `client` (see [`Ceremony::client`]) and returns the id the
    /// browser sends back with its answer.
    pub fn insert(&self, ceremony: Ceremony, client: String, now: Instant) -> String {
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = hex::encode(bytes);
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        waiting.retain(|_, w| now.saturating_duration_since(w.started) < EXPIRY);
        super::ceremony_limits::make_room(
            &mut waiting,
            &client,
            PER_CLIENT,
            CAPACITY,
            |w| w.client.as_str(),
            |w| w.started,
        );
        waiting.insert(
            id.clone(),
            Waiting {
                started: now,
                client,
                ceremony,
            },
        );
        id
    }

    /// The ceremony of `id`, once: a second finish with the same id finds nothing.
    pub fn take(&self, id: &str, now: Instant) -> Option<Ceremony> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let w = waiting.remove(id)?;
        (now.saturating_duration_since(w.started) < EXPIRY).then_some(w.ceremony)
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
        let id = store.insert(passwordless(), "address:x".into(), t0);
        assert_eq!(id.len(), 48);
        assert!(store.take("unknown", t0).is_none());
        assert!(store.take(&id, t0 + Duration::from_secs(10)).is_some());
        assert!(
            store.take(&id, t0 + Duration::from_secs(11)).is_none(),
            "single use"
        );
        let late = store.insert(passwordless(), "address:x".into(), t0);
        assert!(store.take(&late, t0 + EXPIRY).is_none(), "expired");
    }

    #[test]
    fn expired_ones_are_swept_on_insert() {
        let store = Ceremonies::default();
        let t0 = Instant::now();
        store.insert(passwordless(), "address:x".into(), t0);
        store.insert(passwordless(), "address:x".into(), t0);
        assert_eq!(store.len(), 2);
        store.insert(passwordless(), "address:x".into(), t0 + EXPIRY);
        assert_eq!(store.len(), 1);
    }
}
