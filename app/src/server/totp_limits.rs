//! Rate limits on wrong TOTP and backup codes, in the sign-in limiters.
//!
//! The per-account count uses its own key: a correct password clears the account's
//! password failures, and must not also clear the second-factor ones (else someone who
//! knows the password could guess codes forever, re-entering the password in between).

use super::auth::Caller;
use super::error::Result;
use super::rate_limit::describe_wait;
use super::state::Attempt;
use crate::api::error::ApiError;
use std::time::Instant;

fn account_key(user_id: i64) -> String {
    format!("second-factor:{user_id}")
}

fn ip_key(caller: &Caller) -> String {
    caller.client.ip.clone().unwrap_or_else(|| "unknown".into())
}

/// Reserves a code attempt for this user from this address (counted as wrong until it
/// [succeeds](super::state::Attempt::succeeded)), or `Err(RateLimited)` while either has
/// used up its failures.
pub fn begin(caller: &Caller, user_id: i64) -> Result<Attempt<'_>> {
    caller
        .state
        .login_limits
        .begin(&ip_key(caller), &account_key(user_id), Instant::now())
        .map_err(|wait| {
            ApiError::RateLimited(format!(
                "Too many wrong codes. Try again in {}.",
                describe_wait(wait)
            ))
            .into()
        })
}
