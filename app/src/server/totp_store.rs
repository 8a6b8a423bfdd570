//! TOTP enrolments in the database: one row per user, the secret sealed with the master
//! key together with the last accepted time step, and the hashes of unused backup codes.
//!
//! Every accepted code rewrites the sealed value (a new nonce each time), and every
//! write is a compare-and-swap on it, so two requests racing with the same code or the
//! same backup code cannot both win, not even in two processes sharing PostgreSQL.

use super::error::{Result, ServerError};
use super::master_key::MasterKey;
use super::totp::{self, TotpError, TotpState};
use crate::api::error::ApiError;
use chrono::{DateTime, Utc};
use entity::totp_secret;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};

/// The one answer to a wrong code, wherever a code is asked for.
pub const BAD_CODE: &str =
    "That code is not valid. Check your authenticator app's clock, or use a backup code.";

impl From<TotpError> for ServerError {
    fn from(e: TotpError) -> Self {
        ServerError::MasterKey(e.to_string())
    }
}

pub async fn find(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<totp_secret::Model>> {
    Ok(totp_secret::Entity::find()
        .filter(totp_secret::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// The user's confirmed enrolment, if any.
pub async fn find_confirmed(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<totp_secret::Model>> {
    Ok(find(db, user_id).await?.filter(|m| m.confirmed_at.is_some()))
}

pub fn open(key: &MasterKey, row: &totp_secret::Model) -> Result<TotpState> {
    serde_json::from_slice(&key.open(&row.secret_encrypted)?)
        .map_err(|e| ServerError::MasterKey(format!("a stored TOTP secret is unreadable: {e}")))
}

fn seal(key: &MasterKey, state: &TotpState) -> String {
    key.seal(
        serde_json::to_string(state)
            .expect("TOTP state serialises")
            .as_bytes(),
    )
}

pub fn backup_hashes(row: &totp_secret::Model) -> Vec<String> {
    serde_json::from_value(row.backup_code_hashes.clone()).unwrap_or_default()
}

/// Starts an enrolment with a fresh secret, replacing an unconfirmed one; refused while
/// a confirmed one exists. Returns the base32 secret.
pub async fn begin(
    db: &DatabaseConnection,
    key: &MasterKey,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let secret = totp::new_secret();
    let txn = crate::server::db::begin_write(db).await?;
    match find(&txn, user_id).await? {
        Some(row) if row.confirmed_at.is_some() => return Err(already_enabled()),
        Some(row) => {
            totp_secret::Entity::delete_by_id(row.id).exec(&txn).await?;
        }
        None => {}
    }
    let state = TotpState {
        secret: secret.clone(),
        last_step: None,
    };
    let inserted = totp_secret::ActiveModel {
        user_id: Set(user_id),
        secret_encrypted: Set(seal(key, &state)),
        backup_code_hashes: Set(serde_json::json!([])),
        confirmed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    if let Err(e) = inserted {
        return Err(match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::Conflict("Another setup of the authenticator app started at the same time.".into())
                    .into()
            }
            _ => e.into(),
        });
    }
    txn.commit().await?;
    Ok(secret)
}

fn already_enabled() -> ServerError {
    ApiError::Conflict("An authenticator app is already set up. Turn it off first to set up another.".into())
        .into()
}

/// Finishes an enrolment with a first valid code; returns the ten backup codes, which
/// exist in plain text only in this answer.
pub async fn confirm(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    user_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let row = match find(db, user_id).await? {
        Some(row) if row.confirmed_at.is_some() => return Err(already_enabled()),
        Some(row) => row,
        None => {
            return Err(ApiError::invalid("Start setting up the authenticator app first.").into());
        }
    };
    let mut state = open(key, &row)?;
    let Some(step) = totp::check_code(&state.secret, code, unix(now), state.last_step)? else {
        return Err(ApiError::invalid(BAD_CODE).into());
    };
    state.last_step = Some(step);
    let codes = totp::new_backup_codes();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| totp::normalize_backup_code(c))
        .map(|c| totp::hash_backup_code(&c))
        .collect();
    let done = totp_secret::Entity::update_many()
        .col_expr(
            totp_secret::Column::SecretEncrypted,
            Expr::value(seal(key, &state)),
        )
        .col_expr(
            totp_secret::Column::BackupCodeHashes,
            Expr::value(serde_json::json!(hashes)),
        )
        .col_expr(totp_secret::Column::ConfirmedAt, Expr::value(Some(now)))
        .filter(totp_secret::Column::Id.eq(row.id))
        .filter(totp_secret::Column::SecretEncrypted.eq(row.secret_encrypted.clone()))
        .filter(totp_secret::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Err(ApiError::Conflict("The setup changed meanwhile; start again.".into()).into());
    }
    Ok(codes)
}

/// Accepts a current code of a confirmed enrolment, at most once per time step.
pub async fn use_code(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    row: &totp_secret::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut state = open(key, row)?;
    let Some(step) = totp::check_code(&state.secret, code, unix(now), state.last_step)? else {
        return Ok(false);
    };
    state.last_step = Some(step);
    let done = totp_secret::Entity::update_many()
        .col_expr(
            totp_secret::Column::SecretEncrypted,
            Expr::value(seal(key, &state)),
        )
        .filter(totp_secret::Column::Id.eq(row.id))
        .filter(totp_secret::Column::SecretEncrypted.eq(row.secret_encrypted.clone()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Accepts an unused backup code and crosses it off; `Some(codes left)` when it was one.
pub async fn use_backup_code(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    row: &totp_secret::Model,
    input: &str,
) -> Result<Option<usize>> {
    let mut hashes = backup_hashes(row);
    let Some(index) = totp::find_backup_code(input, &hashes) else {
        return Ok(None);
    };
    hashes.remove(index);
    // Resealing changes the swapped column, so a second use of the same code racing
    // this one finds the row changed and fails.
    let state = open(key, row)?;
    let done = totp_secret::Entity::update_many()
        .col_expr(
            totp_secret::Column::SecretEncrypted,
            Expr::value(seal(key, &state)),
        )
        .col_expr(
            totp_secret::Column::BackupCodeHashes,
            Expr::value(serde_json::json!(hashes)),
        )
        .filter(totp_secret::Column::Id.eq(row.id))
        .filter(totp_secret::Column::SecretEncrypted.eq(row.secret_encrypted.clone()))
        .exec(db)
        .await?;
    Ok((done.rows_affected == 1).then_some(hashes.len()))
}

pub async fn delete(db: &impl ConnectionTrait, row: &totp_secret::Model) -> Result<()> {
    totp_secret::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}

fn unix(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}
