//! Encryption profiles: age X25519 identities sealed with the master key, their extra
//! recipients, and the one-time download of the identity.

use super::adapter_store::time_text;
use super::error::Result;
use super::master_key::MasterKey;
use crate::api::encryption::ProfileRow;
use crate::api::error::ApiError;
use age::secrecy::ExposeSecret;
use chrono::Utc;
use entity::{encryption_profile, job};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use serde_json::Value;
use std::str::FromStr;

pub fn row(m: encryption_profile::Model) -> ProfileRow {
    ProfileRow {
        id: m.id,
        name: m.name,
        description: m.description.unwrap_or_default(),
        recipient: m.recipient,
        extra_recipients: extras(&m.extra_recipients),
        identity_downloaded_at: m.identity_downloaded_at.map(time_text),
    }
}

fn extras(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ProfileRow>> {
    Ok(encryption_profile::Entity::find()
        .order_by_asc(encryption_profile::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<encryption_profile::Model> {
    encryption_profile::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no encryption profile #{id}.")).into())
}

/// Generates a fresh identity and stores it sealed; only the recipient is kept in clear.
pub async fn create(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    name: &str,
    description: &str,
) -> Result<encryption_profile::Model> {
    // The bounds count the characters as sent, as the API's schema states them.
    if name.chars().count() > 100 {
        return Err(ApiError::invalid("The name is longer than 100 characters.").into());
    }
    if description.chars().count() > 500 {
        return Err(ApiError::invalid("The description is longer than 500 characters.").into());
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Give the profile a name.").into());
    }
    let (identity, recipient) = adapters::pipeline::encrypt::keygen();
    let now = Utc::now();
    let description = description.trim();
    let inserted = encryption_profile::ActiveModel {
        name: Set(name.to_string()),
        description: Set((!description.is_empty()).then(|| description.to_string())),
        identity_encrypted: Set(key.seal(identity.expose_secret().as_bytes())),
        recipient: Set(recipient),
        extra_recipients: Set(Value::Array(vec![])),
        identity_downloaded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(ApiError::Conflict(format!("An encryption profile named {name} already exists.")).into())
        }
        other => Ok(other?),
    }
}

/// Checks an `age1…` public key and returns it in canonical form.
pub fn parse_recipient(text: &str) -> std::result::Result<String, ApiError> {
    let text = text.trim();
    age::x25519::Recipient::from_str(text)
        .map(|r| r.to_string())
        .map_err(|_| ApiError::invalid(format!("`{text}` is not an age X25519 recipient (age1…).")))
}

pub async fn set_extras(
    db: &impl ConnectionTrait,
    profile: encryption_profile::Model,
    extras_now: Vec<String>,
) -> Result<encryption_profile::Model> {
    let mut model: encryption_profile::ActiveModel = profile.into();
    model.extra_recipients = Set(Value::Array(extras_now.into_iter().map(Value::String).collect()));
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}

pub async fn add_recipient(
    db: &impl ConnectionTrait,
    id: i64,
    recipient: &str,
) -> Result<(encryption_profile::Model, String)> {
    let recipient = parse_recipient(recipient)?;
    let profile = find(db, id).await?;
    let mut list = extras(&profile.extra_recipients);
    if recipient == profile.recipient || list.contains(&recipient) {
        return Err(
            ApiError::Conflict(format!("{recipient} is already a recipient of this profile.")).into(),
        );
    }
    list.push(recipient.clone());
    Ok((set_extras(db, profile, list).await?, recipient))
}

pub async fn remove_recipient(
    db: &impl ConnectionTrait,
    id: i64,
    recipient: &str,
) -> Result<encryption_profile::Model> {
    let profile = find(db, id).await?;
    let mut list = extras(&profile.extra_recipients);
    let before = list.len();
    list.retain(|r| r != recipient.trim());
    // The profile exists; what it lacks is this key: a conflict with its state (404 is
    // kept for the profile itself).
    if list.len() == before {
        return Err(ApiError::Conflict(format!(
            "{} is not an extra recipient of this profile.",
            recipient.trim()
        ))
        .into());
    }
    set_extras(db, profile, list).await
}

/// Hands out the identity once: the conditional update lets exactly one caller through,
/// even when two ask at the same moment.
pub async fn take_identity(db: &impl ConnectionTrait, key: &MasterKey, id: i64) -> Result<(String, String)> {
    let profile = find(db, id).await?;
    let claimed = encryption_profile::Entity::update_many()
        .col_expr(
            encryption_profile::Column::IdentityDownloadedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(encryption_profile::Column::Id.eq(id))
        .filter(encryption_profile::Column::IdentityDownloadedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::Conflict(format!(
            "The identity of {} was already downloaded; it is handed out only once.",
            profile.name
        ))
        .into());
    }
    let identity = String::from_utf8(key.open(&profile.identity_encrypted)?)
        .map_err(|_| super::error::ServerError::MasterKey("a stored identity is not text".into()))?;
    Ok((profile.name, identity))
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<encryption_profile::Model> {
    let profile = find(db, id).await?;
    match encryption_profile::Entity::delete_by_id(id).exec(db).await {
        Ok(_) => Ok(profile),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_))) => {
            let jobs: Vec<String> = job::Entity::find()
                .filter(job::Column::EncryptionProfileId.eq(id))
                .all(db)
                .await?
                .into_iter()
                .map(|j| j.name)
                .collect();
            Err(ApiError::Conflict(format!(
                "The encryption profile {} is used by job(s) {}; change their encryption first.",
                profile.name,
                jobs.join(", ")
            ))
            .into())
        }
        Err(e) => Err(e.into()),
    }
}
