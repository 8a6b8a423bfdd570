//! Rate limits on wrong TOTP and backup codes, in the sign-in limiters.
//!
//! The per-account count uses its own key: a correct password clears the account's
//! password failures, and must not also clear the second-factor ones (else someone who
//! knows the password could guess codes forever, re-entering the password in between).

use super::auth::Caller;
use super::error::{Result, ServerError};
use super::rate_limit::describe_wait;
use crate::api::error::ApiError;
use std::time::Instant;

fn account_key(user_id: i64) -> String {
    format!("second-factor:{user_id}")
}

fn ip_key(caller: &Caller) -> String {
    caller.client.ip.clone().unwrap_or_else(|| "unknown".into())
}

fn poisoned() -> ServerError {
    ServerError::Config("the sign-in rate limiter is unusable after a panic".into())
}

/// `Err(RateLimited)` while this user or this address has used up its failures.
pub fn check(caller: &Caller, user_id: i64) -> Result<()> {
    let limits = &caller.state.login_limits;
    let now = Instant::now();
    let by_ip = limits
        .by_ip
        .lock()
        .map_err(|_| poisoned())?
        .blocked_for(&ip_key(caller), now);
    let by_account = limits
        .by_account
        .lock()
        .map_err(|_| poisoned())?
        .blocked_for(&account_key(user_id), now);
    match by_ip.max(by_account) {
        Some(wait) => Err(ApiError::RateLimited(format!(
            "Too many wrong codes. Try again in {}.",
            describe_wait(wait)
        ))
        .into()),
        None => Ok(()),
    }
}

pub fn record_failure(caller: &Caller, user_id: i64) -> Result<()> {
    let limits = &caller.state.login_limits;
    let now = Instant::now();
    limits
        .by_ip
        .lock()
        .map_err(|_| poisoned())?
        .record_failure(&ip_key(caller), now);
    limits
        .by_account
        .lock()
        .map_err(|_| poisoned())?
        .record_failure(&account_key(user_id), now);
    Ok(())
}

pub fn clear(caller: &Caller, user_id: i64) -> Result<()> {
    caller
        .state
        .login_limits
        .by_account
        .lock()
        .map_err(|_| poisoned())?
        .clear(&account_key(user_id));
    Ok(())
}
