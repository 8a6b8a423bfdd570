//! Recent re-authentication: adding or removing a passkey or an authenticator app needs
//! a sign-in, or a confirmation of identity (password or authenticator code), within the
//! last five minutes, so a session left open or stolen cannot swap the account's second
//! factors (finding 14 of docs/SECURITY.md).

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::Caller;
use super::error::{Result, ServerError};
use super::rate_limit::describe_wait;
use super::{password, totp_limits, totp_store};
use crate::api::error::ApiError;
use crate::api::profile::IdentityCheck;
use chrono::{DateTime, Duration, Utc};
use entity::{session, user};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use std::time::Instant;

pub const WINDOW: Duration = Duration::minutes(5);

/// Until when the session counts as recently authenticated: five minutes after its
/// sign-in or its latest confirmation, whichever is later.
pub fn confirmed_until(
    created_at: DateTime<Utc>,
    reauthenticated_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    reauthenticated_at.map_or(created_at, |at| at.max(created_at)) + WINDOW
}

/// How this user can confirm who they are without signing in again.
struct Ways {
    password: bool,
    totp: bool,
}

async fn ways(caller: &Caller, user: &user::Model) -> Result<Ways> {
    Ok(Ways {
        password: user.password_hash.is_some(),
        totp: totp_store::find_confirmed(&caller.state.db, user.id)
            .await?
            .is_some(),
    })
}

fn refusal(ways: &Ways) -> ApiError {
    let how = match (ways.password, ways.totp) {
        (true, true) => {
            "enter your password or a code from your authenticator app under \"Confirm it's you\""
        }
        (true, false) => "enter your password under \"Confirm it's you\"",
        (false, true) => "enter a code from your authenticator app under \"Confirm it's you\"",
        (false, false) => "sign out and sign in again",
    };
    ApiError::Reauthenticate(format!(
        "Confirm it's you first: {how}. Adding or removing a passkey or an authenticator app needs a sign-in or confirmation within the last 5 minutes."
    ))
}

async fn current(caller: &Caller) -> Result<(session::Model, user::Model)> {
    let me = caller.user()?;
    let db = &caller.state.db;
    let found = session::Entity::find_by_id(me.session_id).one(db).await?;
    let user = user::Entity::find_by_id(me.user_id).one(db).await?;
    match (found, user) {
        (Some(found), Some(user)) => Ok((found, user)),
        _ => Err(ApiError::Unauthenticated.into()),
    }
}

/// `Err(Reauthenticate)` unless the caller's session was signed in or confirmed within
/// the last five minutes.
pub async fn require_recent(caller: &Caller) -> Result<()> {
    let (found, user) = current(caller).await?;
    if Utc::now() < confirmed_until(found.created_at, found.reauthenticated_at) {
        return Ok(());
    }
    Err(refusal(&ways(caller, &user).await?).into())
}

/// What the profile page shows: whether the session is confirmed and how to confirm it.
pub async fn check(caller: &Caller) -> Result<IdentityCheck> {
    let (found, user) = current(caller).await?;
    let until = confirmed_until(found.created_at, found.reauthenticated_at);
    let left = (until - Utc::now()).num_seconds();
    let ways = ways(caller, &user).await?;
    Ok(IdentityCheck {
        confirmed_for_seconds: left.max(0) as u64,
        confirmed_until: until.format("%H:%M UTC").to_string(),
        password: ways.password,
        totp: ways.totp,
    })
}

/// Confirms the caller's identity with their password or a current authenticator code
/// (not a backup code); both are rate limited like a sign-in and audited.
pub async fn confirm(caller: &Caller, password: String, code: String) -> Result<()> {
    let me = caller.user()?;
    let (found, user) = current(caller).await?;
    let (method, accepted) = if !password.is_empty() {
        ("password", check_password(caller, &user, password).await?)
    } else if !code.trim().is_empty() {
        ("authenticator code", check_code(caller, &user, &code).await?)
    } else {
        return Err(ApiError::invalid("Enter your password or a code from your authenticator app.").into());
    };
    let db = &caller.state.db;
    account_audit::record(
        db,
        Actor::User(me),
        &caller.client,
        AccountEvent::Reauthenticated {
            session_id: found.id,
            method,
            accepted,
        },
    )
    .await?;
    if !accepted {
        return Err(ApiError::Invalid(match method {
            "password" => "The password is wrong.".into(),
            _ => "That code is not valid. Check your authenticator app's clock.".into(),
        })
        .into());
    }
    let mut active: session::ActiveModel = found.into();
    active.reauthenticated_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

async fn check_password(caller: &Caller, user: &user::Model, given: String) -> Result<bool> {
    let Some(stored) = user.password_hash.clone() else {
        return Err(ApiError::invalid(
            "Your account signs in through single sign-on and has no password: use a code from your authenticator app, or sign out and sign in again.",
        )
        .into());
    };
    // The sign-in limiter's own keys: guesses here count against sign-in guesses.
    let ip_key = caller.client.ip.clone().unwrap_or_else(|| "unknown".into());
    let pair_key = format!("{}|{ip_key}", user.email);
    let attempt = caller
        .state
        .login_limits
        .begin(&ip_key, &pair_key, Instant::now())
        .map_err(|wait| {
            ApiError::RateLimited(format!(
                "Too many wrong passwords. Try again in {}.",
                describe_wait(wait)
            ))
        })?;
    let verified = tokio::task::spawn_blocking(move || password::verify(&given, &stored))
        .await
        .map_err(|e| ServerError::PasswordHash(e.to_string()))?;
    if verified {
        attempt.succeeded();
    } else {
        attempt.failed();
    }
    Ok(verified)
}

async fn check_code(caller: &Caller, user: &user::Model, code: &str) -> Result<bool> {
    let db = &caller.state.db;
    let Some(row) = totp_store::find_confirmed(db, user.id).await? else {
        return Err(ApiError::invalid("No authenticator app is set up: enter your password instead.").into());
    };
    let attempt = totp_limits::begin(caller, user.id)?;
    let accepted = totp_store::use_code(db, &caller.state.master_key, &row, code, Utc::now()).await?;
    if accepted {
        attempt.succeeded();
    } else {
        attempt.failed();
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_of_sign_in_and_confirmation_counts() {
        let t = |m: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + m * 60, 0).unwrap();
        assert_eq!(confirmed_until(t(0), None), t(5));
        assert_eq!(confirmed_until(t(0), Some(t(30))), t(35));
        // A confirmation recorded before the sign-in (clock skew) adds nothing.
        assert_eq!(confirmed_until(t(10), Some(t(2))), t(15));
    }
}
