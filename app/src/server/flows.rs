//! The sign-in flows behind the server functions: first-run setup, login, logout.

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::{Caller, append_set_cookie};
use super::error::{Result, ServerError};
use super::rate_limit::describe_wait;
use super::users::{self, NewUser};
use super::{password, session};
use crate::api::error::ApiError;
use chrono::Utc;
use entity::{setting, user};
use sea_orm::{ActiveModelTrait, Set, SqlErr};
use std::time::Instant;

/// The one answer to any failed sign-in, so it never tells which part was wrong.
pub const BAD_CREDENTIALS: &str = "Incorrect email or password.";
const SETUP_MARKER: &str = "setup.completed_at";

pub async fn setup_admin(
    caller: &Caller,
    email: String,
    name: String,
    password: String,
    password_confirm: String,
) -> Result<()> {
    let state = &caller.state;
    let new = NewUser {
        email: users::normalize_email(&email),
        name,
        password,
        password_confirm,
        group_id: 0,
    };
    users::validate(&new)?;
    let _one_at_a_time = state.setup_lock.lock().await;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(&state.db).await?;
    if users::any_exist(&txn).await? {
        return Err(already_set_up());
    }
    let group = users::superadmin_group(&txn).await?;
    let new = NewUser {
        group_id: group.id,
        ..new
    };
    let admin = users::insert(&txn, &new, now).await?;
    // The marker's primary key makes a second concurrent setup (another process on
    // the same PostgreSQL) fail its commit instead of creating a second "first" admin.
    let marker = setting::ActiveModel {
        key: Set(SETUP_MARKER.into()),
        value: Set(serde_json::json!(now.to_rfc3339())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    if let Err(e) = marker {
        return Err(match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => already_set_up(),
            _ => e.into(),
        });
    }
    account_audit::record(
        &txn,
        Actor::UserRow {
            id: admin.id,
            email: &admin.email,
        },
        &caller.client,
        AccountEvent::SetupComplete {
            user_id: admin.id,
            email: &admin.email,
            group: &group.name,
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(email = %admin.email, "first-run setup complete");
    start_session(caller, &admin, "password").await
}

fn already_set_up() -> ServerError {
    ApiError::Conflict("Bulwark is already set up; sign in instead.".into()).into()
}

pub async fn login(caller: &Caller, email: String, password: String) -> Result<()> {
    let state = &caller.state;
    if super::sso_providers::password_login_disabled(&state.db, state.config.disable_password_login).await? {
        return Err(ApiError::invalid(super::sso_providers::PASSWORD_LOGIN_OFF).into());
    }
    let email = users::normalize_email(&email);
    if email.is_empty() || password.is_empty() {
        return Err(ApiError::invalid("Enter your email address and password.").into());
    }
    let ip_key = caller.client.ip.clone().unwrap_or_else(|| "unknown".into());
    // Per account *and* address: someone guessing elsewhere cannot lock the owner out.
    let pair_key = format!("{email}|{ip_key}");
    let attempt = match state.login_limits.begin(&ip_key, &pair_key, Instant::now()) {
        Ok(attempt) => attempt,
        Err(wait) => {
            audit_login_failure(caller, &email, "rate limited").await?;
            return Err(ApiError::RateLimited(format!(
                "Too many failed sign-in attempts. Try again in {}.",
                describe_wait(wait)
            ))
            .into());
        }
    };

    let found = users::find_by_email(&state.db, &email).await?;
    let stored_hash = found
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || match stored_hash {
        Some(hash) => password::verify(&password, &hash),
        None => {
            password::verify_dummy(&password);
            false
        }
    })
    .await
    .map_err(|e| ServerError::PasswordHash(e.to_string()))?;

    let user = match found {
        Some(u) if verified => u,
        other => {
            attempt.failed();
            let reason = match other {
                None => "unknown email",
                Some(u) if u.disabled => "account disabled",
                Some(u) if u.password_hash.is_none() => "account has no password (single sign-on only)",
                Some(_) => "wrong password",
            };
            audit_login_failure(caller, &email, reason).await?;
            return Err(ApiError::invalid(BAD_CREDENTIALS).into());
        }
    };
    attempt.succeeded();
    if super::mfa::factors(&state.db, user.id).await?.any() {
        return start_pending(caller, &user).await;
    }
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now()));
    active.update(&state.db).await?;
    account_audit::record(
        &state.db,
        Actor::UserRow {
            id: user.id,
            email: &user.email,
        },
        &caller.client,
        AccountEvent::SignedIn { how: "password" },
    )
    .await?;
    start_session(caller, &user, "password").await
}

async fn audit_login_failure(caller: &Caller, email: &str, reason: &str) -> Result<()> {
    tracing::info!(email, reason, ip = ?caller.client.ip, "sign-in refused");
    account_audit::record(
        &caller.state.db,
        Actor::Anonymous(email),
        &caller.client,
        AccountEvent::SignInRefused {
            why: format!("sign-in refused: {reason}"),
        },
    )
    .await
}

/// Signs `user` in: a new session, its cookie, and on to the dashboard.
pub async fn start_session(caller: &Caller, user: &user::Model, method: &str) -> Result<()> {
    let token = session::create(
        &caller.state.db,
        session::NewSession {
            user_id: user.id,
            ip: caller.client.ip.as_deref(),
            user_agent: caller.client.user_agent.as_deref(),
            auth_method: method,
            mfa_pending: false,
        },
        Utc::now(),
    )
    .await?;
    append_set_cookie(&session::set_cookie(&token, caller.state.config.secure_cookies()));
    crate::server::notify::account_events::signed_in(&caller.state, user, &caller.client, method).await;
    leptos_axum::redirect("/");
    Ok(())
}

/// The password was right and the user has a second factor: a pending session that
/// grants nothing, and on to the second step.
async fn start_pending(caller: &Caller, user: &user::Model) -> Result<()> {
    let token = session::create(
        &caller.state.db,
        session::NewSession {
            user_id: user.id,
            ip: caller.client.ip.as_deref(),
            user_agent: caller.client.user_agent.as_deref(),
            auth_method: "password",
            mfa_pending: true,
        },
        Utc::now(),
    )
    .await?;
    account_audit::record(
        &caller.state.db,
        Actor::UserRow {
            id: user.id,
            email: &user.email,
        },
        &caller.client,
        AccountEvent::PasswordAccepted,
    )
    .await?;
    append_set_cookie(&session::set_cookie(&token, caller.state.config.secure_cookies()));
    leptos_axum::redirect("/login/verify");
    Ok(())
}

pub async fn logout(caller: &Caller) -> Result<()> {
    let ended = match session::token_from_headers(&caller.parts.headers) {
        Some(token) => session::revoke(&caller.state.db, &token).await?,
        None => None,
    };
    if let Some(ended) = ended {
        let email = caller.user.as_ref().map(|u| u.email.as_str()).unwrap_or("");
        account_audit::record(
            &caller.state.db,
            Actor::UserRow {
                id: ended.user_id,
                email,
            },
            &caller.client,
            AccountEvent::SignedOut { session_id: ended.id },
        )
        .await?;
    }
    append_set_cookie(&session::clear_cookie(caller.state.config.secure_cookies()));
    leptos_axum::redirect("/login");
    Ok(())
}
