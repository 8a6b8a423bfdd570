//! Server-side sessions: a random token in an HttpOnly cookie, its SHA-256 in the database.

use super::error::Result;
use chrono::{DateTime, Duration, Utc};
use entity::{group, session, user};
use http::HeaderMap;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "bulwark_session";
/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::hours(24);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(7);
/// `last_seen_at` is written at most this often, to keep reads cheap.
const TOUCH_EVERY: Duration = Duration::seconds(60);
/// A sign-in waiting for its second factor must finish within this time.
pub const PENDING_TIMEOUT: Duration = Duration::minutes(10);

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub struct NewSession<'a> {
    pub user_id: i64,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub auth_method: &'a str,
    /// The password was right but a second factor is still owed: the session
    /// grants nothing until `resolve_pending` hands it to the second step.
    pub mfa_pending: bool,
}

/// Creates a session and returns the token for the cookie (never stored in clear).
pub async fn create(db: &DatabaseConnection, new: NewSession<'_>, now: DateTime<Utc>) -> Result<String> {
    let token = new_token();
    session::ActiveModel {
        user_id: Set(new.user_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now
            + if new.mfa_pending {
                PENDING_TIMEOUT
            } else {
                IDLE_TIMEOUT
            }),
        last_seen_at: Set(now),
        ip: Set(new.ip.map(str::to_string)),
        user_agent: Set(new.user_agent.map(|ua| ua.chars().take(512).collect())),
        auth_method: Set(new.auth_method.to_string()),
        mfa_pending: Set(new.mfa_pending),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The live session for `token` with its user and group, sliding the idle expiry.
/// Expired sessions are deleted; disabled users have none.
pub async fn resolve(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, user::Model, group::Model)>> {
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at <= now || found.created_at + ABSOLUTE_TIMEOUT <= now {
        session::Entity::delete_by_id(found.id).exec(db).await?;
        return Ok(None);
    }
    if found.mfa_pending {
        return Ok(None);
    }
    let Some((user, Some(group))) = user::Entity::find_by_id(found.user_id)
        .find_also_related(group::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let found = if now - found.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = found.into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(now + IDLE_TIMEOUT);
        active.update(db).await?
    } else {
        found
    };
    Ok(Some((found, user, group)))
}

/// Session `id` as it stands now, with its user and group, for a response that lasts (a
/// live log stream) and must end with the session: `None` once it is signed out, revoked
/// or expired, or its user disabled. Unlike [`resolve`] it does not slide the idle expiry.
pub async fn still_live(
    db: &DatabaseConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(user::Model, group::Model)>> {
    let Some(found) = session::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if found.mfa_pending || found.expires_at <= now || found.created_at + ABSOLUTE_TIMEOUT <= now {
        return Ok(None);
    }
    match user::Entity::find_by_id(found.user_id)
        .find_also_related(group::Entity)
        .one(db)
        .await?
    {
        Some((user, Some(group))) if !user.disabled => Ok(Some((user, group))),
        _ => Ok(None),
    }
}

/// A sign-in that passed its first factor and waits for the second, with its user.
/// Expired ones are deleted; disabled users have none.
pub async fn resolve_pending(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, user::Model)>> {
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .filter(session::Column::MfaPending.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at <= now {
        session::Entity::delete_by_id(found.id).exec(db).await?;
        return Ok(None);
    }
    match user::Entity::find_by_id(found.user_id).one(db).await? {
        Some(user) if !user.disabled => Ok(Some((found, user))),
        _ => Ok(None),
    }
}

pub async fn revoke(db: &DatabaseConnection, token: &str) -> Result<Option<session::Model>> {
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?;
    if let Some(s) = &found {
        session::Entity::delete_by_id(s.id).exec(db).await?;
    }
    Ok(found)
}

/// Every live, fully signed-in session of a user, newest first.
pub async fn list_for_user(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>> {
    use sea_orm::QueryOrder;
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::MfaPending.eq(false))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::CreatedAt.gt(now - ABSOLUTE_TIMEOUT))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?)
}

/// Ends every session of a user (pending ones too) but `except`; returns how many.
pub async fn revoke_all_for_user(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    except: Option<i64>,
) -> Result<u64> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = except {
        delete = delete.filter(session::Column::Id.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        ABSOLUTE_TIMEOUT.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&a), hash_token(&a));
    }

    #[test]
    fn cookie_flags() {
        let c = set_cookie("abc", false);
        assert!(c.starts_with("bulwark_session=abc;"));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(set_cookie("abc", true).ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn token_is_read_from_any_cookie_header() {
        let mut h = HeaderMap::new();
        h.append(http::header::COOKIE, HeaderValue::from_static("a=1; other=2"));
        assert_eq!(token_from_headers(&h), None);
        h.append(
            http::header::COOKIE,
            HeaderValue::from_static("x=y; bulwark_session=tok; z=1"),
        );
        assert_eq!(token_from_headers(&h).as_deref(), Some("tok"));
    }
}
