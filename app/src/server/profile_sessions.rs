//! The caller's own sessions and password, from the profile page. Everything here is
//! scoped to the caller's user id: another user's session is simply not found.

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::Caller;
use super::error::{Result, ServerError};
use super::{password, rate_limit, session, user_agent};
use crate::api::error::ApiError;
use crate::api::profile::SessionRow;
use chrono::{DateTime, Utc};
use entity::{session as session_entity, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::time::Instant;

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn method_label(method: &str) -> String {
    match method {
        "password" => "password".into(),
        "totp" => "password + authenticator code".into(),
        "passkey" => "passkey".into(),
        "recovery" => "password + recovery code".into(),
        "oidc" => "single sign-on".into(),
        other => other.replace('_', " "),
    }
}

pub async fn list(caller: &Caller) -> Result<Vec<SessionRow>> {
    let me = caller.user()?;
    let rows = session::list_for_user(&caller.state.db, me.user_id, Utc::now()).await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            device: user_agent::describe(s.user_agent.as_deref()),
            ip: s.ip.unwrap_or_default(),
            signed_in: when(s.created_at),
            last_seen: when(s.last_seen_at),
            method: method_label(&s.auth_method),
            current: s.id == me.session_id,
        })
        .collect())
}

/// Ends one of the caller's own, fully signed-in sessions; returns whether it was the
/// current one (the caller is then signed out).
pub async fn revoke(caller: &Caller, id: i64) -> Result<bool> {
    let me = caller.user()?;
    let txn = crate::server::db::begin_write(&caller.state.db).await?;
    let found = session_entity::Entity::find_by_id(id)
        .filter(session_entity::Column::UserId.eq(me.user_id))
        .filter(session_entity::Column::MfaPending.eq(false))
        .one(&txn)
        .await?;
    let Some(found) = found else {
        return Err(ApiError::NotFound(format!("You have no session #{id}.")).into());
    };
    session_entity::Entity::delete_by_id(found.id).exec(&txn).await?;
    let current = found.id == me.session_id;
    account_audit::record(
        &txn,
        Actor::User(me),
        &caller.client,
        AccountEvent::SessionRevoked {
            session_id: found.id,
            current,
            device: user_agent::describe(found.user_agent.as_deref()),
            ip: found.ip.as_deref().unwrap_or("unknown address"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

pub async fn has_password(caller: &Caller) -> Result<bool> {
    let me = caller.user()?;
    Ok(user::Entity::find_by_id(me.user_id)
        .one(&caller.state.db)
        .await?
        .is_some_and(|u| u.password_hash.is_some()))
}

fn poisoned() -> ServerError {
    ServerError::Config("the sign-in rate limiter is unusable after a panic".into())
}

/// Changes the caller's own password after checking the current one, and ends every
/// other session of theirs. Wrong current passwords count towards the sign-in limit.
pub async fn change_password(caller: &Caller, current: &str, new: &str, confirm: &str) -> Result<u64> {
    let me = caller.user()?;
    let db = &caller.state.db;
    let Some(found) = user::Entity::find_by_id(me.user_id).one(db).await? else {
        return Err(ApiError::Unauthenticated.into());
    };
    let Some(stored) = found.password_hash.clone() else {
        return Err(ApiError::invalid(
            "Your account signs in through single sign-on and has no password to change.",
        )
        .into());
    };
    let limits = &caller.state.login_limits.by_account;
    let wait = limits
        .lock()
        .map_err(|_| poisoned())?
        .blocked_for(&found.email, Instant::now());
    if let Some(wait) = wait {
        return Err(ApiError::RateLimited(format!(
            "Too many wrong passwords; try again in {}.",
            rate_limit::describe_wait(wait)
        ))
        .into());
    }
    if current.is_empty() {
        return Err(ApiError::invalid("Enter your current password.").into());
    }
    if !password::verify(current, &stored) {
        limits
            .lock()
            .map_err(|_| poisoned())?
            .record_failure(&found.email, Instant::now());
        account_audit::record(
            db,
            Actor::User(me),
            &caller.client,
            AccountEvent::PasswordChangeRefused { user_id: me.user_id },
        )
        .await?;
        return Err(ApiError::invalid("The current password is wrong.").into());
    }
    if let Some(msg) = password::policy_violation(new) {
        return Err(ApiError::Invalid(msg).into());
    }
    if new != confirm {
        return Err(ApiError::invalid("The two new passwords do not match.").into());
    }
    if new == current {
        return Err(ApiError::invalid("The new password must differ from the current one.").into());
    }
    let hash = password::hash(new)?;
    let txn = crate::server::db::begin_write(db).await?;
    let mut active: user::ActiveModel = found.into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let ended = session::revoke_all_for_user(&txn, me.user_id, Some(me.session_id)).await?;
    account_audit::record(
        &txn,
        Actor::User(me),
        &caller.client,
        AccountEvent::PasswordChanged {
            user_id: me.user_id,
            other_sessions_ended: ended,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}
