//! Shared state handed to every handler and server function.

use super::config::Config;
use super::master_key::MasterKey;
use super::rate_limit::{FailureLimiter, PER_ACCOUNT, PER_IP};
use crate::engine::Engine;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub master_key: MasterKey,
    pub leptos_options: LeptosOptions,
    pub login_limits: Arc<LoginLimits>,
    /// Serialises first-run setup inside this process (the database guards across processes).
    pub setup_lock: Arc<tokio::sync::Mutex<()>>,
    /// Latches once a user exists, to skip the "is setup needed?" query on every page.
    setup_done: Arc<AtomicBool>,
    /// Queue, runner and scheduler; started by `bulwark serve` (tests start it themselves).
    pub engine: Engine,
    /// Notifications on their way to their channels.
    pub outbox: super::notify::Outbox,
    /// WebAuthn for passkeys: the relying party and the ceremonies in progress.
    pub relying_party: Arc<super::webauthn::RelyingParty>,
}

#[derive(Debug)]
pub struct LoginLimits {
    pub by_ip: Mutex<FailureLimiter>,
    pub by_account: Mutex<FailureLimiter>,
}

/// One sign-in attempt, counted as a failure from the moment it starts (finding 7 of
/// docs/SECURITY.md): fifty parallel wrong passwords cannot all pass the limit and each
/// cost an argon2 verification. [`succeeded`](Self::succeeded) takes it back.
#[must_use]
pub struct Attempt<'a> {
    limits: &'a LoginLimits,
    ip: String,
    account: String,
    stamp: std::time::Instant,
}

impl LoginLimits {
    /// Reserves an attempt from `ip` against `account`, or says how long to wait.
    pub fn begin(
        &self,
        ip: &str,
        account: &str,
        now: std::time::Instant,
    ) -> Result<Attempt<'_>, std::time::Duration> {
        let stamp = lock(&self.by_ip).reserve(ip, now)?;
        if let Err(wait) = lock(&self.by_account).reserve(account, now) {
            lock(&self.by_ip).release(ip, stamp);
            return Err(wait);
        }
        Ok(Attempt {
            limits: self,
            ip: ip.to_string(),
            account: account.to_string(),
            stamp,
        })
    }
}

impl Attempt<'_> {
    /// The attempt succeeded: the address gets its place back and the account's count
    /// starts over.
    pub fn succeeded(self) {
        lock(&self.limits.by_ip).release(&self.ip, self.stamp);
        lock(&self.limits.by_account).clear(&self.account);
    }

    /// The attempt failed: it stays counted.
    pub fn failed(self) {}
}

/// A limiter is plain counters: one left mid-update by a panic is still usable.
fn lock(m: &Mutex<FailureLimiter>) -> std::sync::MutexGuard<'_, FailureLimiter> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        master_key: MasterKey,
        leptos_options: LeptosOptions,
    ) -> Self {
        let outbox = super::notify::Outbox::new(db.clone(), master_key.clone(), &config.public_url);
        AppState {
            engine: Engine::new(db.clone(), master_key.clone(), outbox.clone()),
            outbox,
            relying_party: Arc::new(super::webauthn::RelyingParty::new(&config.public_url)),
            db,
            config: Arc::new(config),
            master_key,
            leptos_options,
            login_limits: Arc::new(LoginLimits {
                by_ip: Mutex::new(FailureLimiter::new(PER_IP)),
                by_account: Mutex::new(FailureLimiter::new(PER_ACCOUNT)),
            }),
            setup_lock: Arc::new(tokio::sync::Mutex::new(())),
            setup_done: Arc::new(AtomicBool::new(false)),
        }
    }

    pub async fn setup_needed(&self) -> super::error::Result<bool> {
        if self.setup_done.load(Ordering::Acquire) {
            return Ok(false);
        }
        let needed = !super::users::any_exist(&self.db).await?;
        if !needed {
            self.setup_done.store(true, Ordering::Release);
        }
        Ok(needed)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
