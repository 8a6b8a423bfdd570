//! Signing in with a passkey: as the second step after a password, or alone
//! (passwordless, with a discoverable credential that names its user).

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::Caller;
use super::error::{Result, ServerError};
use super::passkey_ceremonies::Ceremony;
use super::passkeys::{challenge, credential_key, unknown_ceremony};
use super::rate_limit::{FailureLimiter, describe_wait};
use super::{flows, mfa, passkey_handle};
use crate::api::error::ApiError;
use crate::api::passkeys::PasskeyChallenge;
use chrono::Utc;
use entity::{passkey, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::sync::Mutex;
use std::time::Instant;
use webauthn_rs::prelude::{AuthenticationResult, Passkey, PublicKeyCredential};

/// The one answer to a refused passkey, whatever the reason (the audit log has it).
pub const NOT_ACCEPTED: &str = "The passkey was not accepted.";

fn stored_key(row: &passkey::Model) -> Result<Passkey> {
    serde_json::from_value(row.passkey.clone())
        .map_err(|e| ServerError::Config(format!("passkey #{} is unreadable: {e}", row.id)))
}

async fn stored_keys(caller: &Caller, user_id: i64) -> Result<Vec<passkey::Model>> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .all(&caller.state.db)
        .await?)
}

fn parse_answer(credential: &str) -> std::result::Result<PublicKeyCredential, String> {
    serde_json::from_str(credential).map_err(|e| format!("unreadable answer ({e})"))
}

/// Saves the new signature counter and when the key was used.
async fn touch(
    caller: &Caller,
    row: passkey::Model,
    mut key: Passkey,
    result: &AuthenticationResult,
) -> Result<()> {
    key.update_credential(result);
    let stored =
        serde_json::to_value(&key).map_err(|e| ServerError::Config(format!("encoding a passkey: {e}")))?;
    let mut active: passkey::ActiveModel = row.into();
    active.passkey = Set(stored);
    active.last_used_at = Set(Some(Utc::now()));
    active.update(&caller.state.db).await?;
    Ok(())
}

// --- rate limiting, shared with the password sign-in -------------------------------

fn ip_key(caller: &Caller) -> String {
    caller.client.ip.clone().unwrap_or_else(|| "unknown".into())
}

fn with_limiter<T>(limiter: &Mutex<FailureLimiter>, f: impl FnOnce(&mut FailureLimiter) -> T) -> T {
    f(&mut limiter.lock().unwrap_or_else(|p| p.into_inner()))
}

fn refuse_if_limited(caller: &Caller, email: Option<&str>) -> Result<()> {
    let now = Instant::now();
    let limits = &caller.state.login_limits;
    let by_ip = with_limiter(&limits.by_ip, |l| l.blocked_for(&ip_key(caller), now));
    let by_account = email.and_then(|e| with_limiter(&limits.by_account, |l| l.blocked_for(e, now)));
    match by_ip.max(by_account) {
        Some(wait) => Err(ApiError::RateLimited(format!(
            "Too many failed sign-in attempts. Try again in {}.",
            describe_wait(wait)
        ))
        .into()),
        None => Ok(()),
    }
}

/// Counts, audits and answers a refused passkey.
async fn refuse(caller: &Caller, email: Option<&str>, reason: &str) -> Result<()> {
    let now = Instant::now();
    let limits = &caller.state.login_limits;
    with_limiter(&limits.by_ip, |l| l.record_failure(&ip_key(caller), now));
    if let Some(email) = email {
        with_limiter(&limits.by_account, |l| l.record_failure(email, now));
    }
    tracing::info!(email, reason, ip = ?caller.client.ip, "passkey refused");
    account_audit::record(
        &caller.state.db,
        Actor::Anonymous(email.unwrap_or("unknown passkey")),
        &caller.client,
        AccountEvent::SignInRefused {
            why: format!("passkey refused: {reason}"),
        },
    )
    .await?;
    Err(ApiError::invalid(NOT_ACCEPTED).into())
}

fn clear_account(caller: &Caller, email: &str) {
    with_limiter(&caller.state.login_limits.by_account, |l| l.clear(email));
}

// --- second factor -----------------------------------------------------------------

pub async fn start_second_factor(caller: &Caller) -> Result<PasskeyChallenge> {
    let (pending, user) = mfa::pending(caller).await?.ok_or(ApiError::Unauthenticated)?;
    let keys = stored_keys(caller, user.id)
        .await?
        .iter()
        .map(stored_key)
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        return Err(ApiError::invalid("This account has no passkey.").into());
    }
    let rp = &caller.state.relying_party;
    let (options, state) = rp
        .webauthn()?
        .start_passkey_authentication(&keys)
        .map_err(|e| ServerError::Config(format!("starting a passkey sign-in: {e}")))?;
    let ceremony = Ceremony::SecondFactor {
        session_id: pending.id,
        state,
    };
    let client = ceremony.client(None);
    let ceremony = rp.ceremonies.insert(ceremony, client, Instant::now());
    challenge(ceremony, &options)
}

pub async fn finish_second_factor(caller: &Caller, ceremony: String, credential: String) -> Result<()> {
    let (pending, user) = mfa::pending(caller).await?.ok_or(ApiError::Unauthenticated)?;
    refuse_if_limited(caller, Some(&user.email))?;
    let rp = &caller.state.relying_party;
    let state = match rp.ceremonies.take(&ceremony, Instant::now()) {
        Some(Ceremony::SecondFactor { session_id, state }) if session_id == pending.id => state,
        _ => return Err(unknown_ceremony()),
    };
    let answer = match parse_answer(&credential) {
        Ok(a) => a,
        Err(why) => return refuse(caller, Some(&user.email), &why).await,
    };
    let row = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(credential_key(answer.get_credential_id())))
        .filter(passkey::Column::UserId.eq(user.id))
        .one(&caller.state.db)
        .await?;
    let Some(row) = row else {
        return refuse(caller, Some(&user.email), "not a passkey of this account").await;
    };
    let key = stored_key(&row)?;
    let result = match rp.webauthn()?.finish_passkey_authentication(&answer, &state) {
        Ok(r) => r,
        Err(e) => return refuse(caller, Some(&user.email), &e.to_string()).await,
    };
    touch(caller, row, key, &result).await?;
    clear_account(caller, &user.email);
    mfa::complete(caller, pending, &user, "passkey").await
}

// --- passwordless ------------------------------------------------------------------

pub fn start_passwordless(caller: &Caller) -> Result<PasskeyChallenge> {
    let rp = &caller.state.relying_party;
    let (mut options, state) = rp
        .webauthn()?
        .start_discoverable_authentication()
        .map_err(|e| ServerError::Config(format!("starting a passkey sign-in: {e}")))?;
    // Started by a button, so the browser's own passkey dialog rather than autofill.
    options.mediation = None;
    let ceremony = Ceremony::Passwordless { state };
    let client = ceremony.client(caller.client.ip.as_deref());
    let ceremony = rp.ceremonies.insert(ceremony, client, Instant::now());
    challenge(ceremony, &options)
}

pub async fn finish_passwordless(caller: &Caller, ceremony: String, credential: String) -> Result<()> {
    refuse_if_limited(caller, None)?;
    let rp = &caller.state.relying_party;
    let state = match rp.ceremonies.take(&ceremony, Instant::now()) {
        Some(Ceremony::Passwordless { state }) => state,
        _ => return Err(unknown_ceremony()),
    };
    let answer = match parse_answer(&credential) {
        Ok(a) => a,
        Err(why) => return refuse(caller, None, &why).await,
    };
    let webauthn = rp.webauthn()?;
    let (handle, credential_id) = match webauthn.identify_discoverable_authentication(&answer) {
        Ok(found) => found,
        Err(e) => return refuse(caller, None, &e.to_string()).await,
    };
    let row = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(credential_key(credential_id)))
        .one(&caller.state.db)
        .await?;
    let Some(row) = row else {
        return refuse(caller, None, "unknown passkey").await;
    };
    let user = user::Entity::find_by_id(row.user_id)
        .one(&caller.state.db)
        .await?
        .ok_or_else(|| ServerError::Config(format!("passkey #{} has no user", row.id)))?;
    refuse_if_limited(caller, Some(&user.email))?;
    if handle != passkey_handle::of_user(&caller.state, user.id).await? {
        return refuse(
            caller,
            Some(&user.email),
            "the user handle does not match the passkey",
        )
        .await;
    }
    if user.disabled {
        return refuse(caller, Some(&user.email), "account disabled").await;
    }
    let key = stored_key(&row)?;
    let result = match webauthn.finish_discoverable_authentication_v2(&answer, state, &key) {
        Ok(r) => r,
        Err(e) => return refuse(caller, Some(&user.email), &e.to_string()).await,
    };
    touch(caller, row, key, &result).await?;
    clear_account(caller, &user.email);
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now()));
    active.update(&caller.state.db).await?;
    account_audit::record(
        &caller.state.db,
        Actor::UserRow {
            id: user.id,
            email: &user.email,
        },
        &caller.client,
        AccountEvent::SignedIn { how: "passkey" },
    )
    .await?;
    flows::start_session(caller, &user, "passkey").await
}
