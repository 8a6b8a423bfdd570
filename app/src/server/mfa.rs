//! Second factors: which ones a user has, and finishing a sign-in that waited for one.

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::Caller;
use super::error::Result;
use super::session;
use chrono::Utc;
use entity::{passkey, session as session_entity, totp_secret, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

/// The second factors a user has set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Factors {
    /// A confirmed TOTP enrolment (an unconfirmed one does not count).
    pub totp: bool,
    pub passkeys: u64,
}

impl Factors {
    pub fn any(&self) -> bool {
        self.totp || self.passkeys > 0
    }
}

pub async fn factors(db: &impl ConnectionTrait, user_id: i64) -> Result<Factors> {
    let totp = totp_secret::Entity::find()
        .filter(totp_secret::Column::UserId.eq(user_id))
        .filter(totp_secret::Column::ConfirmedAt.is_not_null())
        .count(db)
        .await?
        > 0;
    let passkeys = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .count(db)
        .await?;
    Ok(Factors { totp, passkeys })
}

/// The pending sign-in of this request (password accepted, second factor owed).
pub async fn pending(caller: &Caller) -> Result<Option<(session_entity::Model, user::Model)>> {
    match session::token_from_headers(&caller.parts.headers) {
        Some(token) => session::resolve_pending(&caller.state.db, &token, Utc::now()).await,
        None => Ok(None),
    }
}

/// The second factor was proven: the pending session is replaced by a full one with a
/// new token (so a token seen before the second factor is worth nothing after it).
/// `method` names the factor for the audit log and the sessions list, e.g. "totp".
pub async fn complete(
    caller: &Caller,
    pending: session_entity::Model,
    user: &user::Model,
    method: &str,
) -> Result<()> {
    session_entity::Entity::delete_by_id(pending.id)
        .exec(&caller.state.db)
        .await?;
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
        AccountEvent::SignedIn {
            how: &format!("{} + {method}", pending.auth_method),
        },
    )
    .await?;
    super::flows::start_session(caller, user, &format!("{}+{method}", pending.auth_method)).await
}

/// A wrong second factor: audited like a failed sign-in and counted by the rate limiter.
pub async fn record_failure(caller: &Caller, user: &user::Model, what: &str) -> Result<()> {
    account_audit::record(
        &caller.state.db,
        Actor::Anonymous(&user.email),
        &caller.client,
        AccountEvent::SignInRefused {
            why: format!("second factor refused: {what}"),
        },
    )
    .await
}
