//! API keys for the REST API: `bwk_` + 40 random hex characters, shown once, stored as
//! a SHA-256 hash, scoped by permission strings, optionally expiring, revocable.

use super::error::Result;
use crate::api::error::ApiError;
use crate::permissions::{self, Permission};
use chrono::{DateTime, Duration, Utc};
use entity::api_key;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "bwk_";
/// `last_used_at` is written at most this often.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The caller of a REST request, once its key checked out.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: i64,
    pub name: String,
    pub permissions: Vec<String>,
}

impl ApiCaller {
    pub fn can(&self, needed: Permission) -> bool {
        permissions::grants(&self.permissions, false, needed)
    }
}

pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn generate() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// Parses `all` or a comma-separated list of known permission strings.
pub fn parse_permissions(list: &str) -> Result<Vec<String>, ApiError> {
    if list.trim() == "all" || list.trim() == permissions::ALL {
        return Ok(vec![permissions::ALL.to_string()]);
    }
    let mut out = Vec::new();
    for p in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match Permission::parse(p) {
            Some(perm) => out.push(perm.as_str().to_string()),
            None => {
                return Err(ApiError::Invalid(format!(
                    "unknown permission `{p}`; known: all, {}",
                    Permission::EVERY
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(ApiError::invalid("give at least one permission (or `all`)"));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

pub struct NewKey {
    pub name: String,
    pub permissions: Vec<String>,
    pub created_by_user_id: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores a new key and returns it with the plaintext, which exists only in this answer.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewKey,
    now: DateTime<Utc>,
) -> Result<(api_key::Model, String)> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("give the key a name").into());
    }
    if new.expires_at.is_some_and(|e| e <= now) {
        return Err(ApiError::invalid("the expiry must be in the future").into());
    }
    let key = generate();
    let model = api_key::ActiveModel {
        name: Set(name.to_string()),
        prefix: Set(key[..PREFIX.len() + 6].to_string()),
        key_hash: Set(hash(&key)),
        permissions: Set(serde_json::json!(new.permissions)),
        created_by_user_id: Set(new.created_by_user_id),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, key))
}

/// The caller behind an `Authorization: Bearer bwk_…` value, if the key is live.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<ApiCaller>> {
    if !key.starts_with(PREFIX) {
        return Ok(None);
    }
    let Some(found) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash(key)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.revoked_at.is_some() || found.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if found.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        let mut active: api_key::ActiveModel = found.clone().into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    Ok(Some(ApiCaller {
        key_id: found.id,
        name: found.name,
        permissions: serde_json::from_value(found.permissions).unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_look_right_and_hash_stably() {
        let k = generate();
        assert!(k.starts_with("bwk_") && k.len() == 44, "{k}");
        assert_ne!(k, generate());
        assert_eq!(hash(&k), hash(&k));
        assert!(!hash(&k).contains(&k[4..]));
    }

    #[test]
    fn permission_lists() {
        assert_eq!(parse_permissions("all").unwrap(), vec!["*"]);
        assert_eq!(
            parse_permissions("jobs:read, executions:read,jobs:read").unwrap(),
            vec!["executions:read", "jobs:read"]
        );
        assert!(
            parse_permissions("jobs:fly")
                .unwrap_err()
                .to_string()
                .contains("unknown permission")
        );
        assert!(parse_permissions(" , ").is_err());
    }

    #[test]
    fn scoped_callers() {
        let c = ApiCaller {
            key_id: 1,
            name: "ci".into(),
            permissions: vec!["jobs:read".into()],
        };
        assert!(c.can(Permission::JobsRead));
        assert!(!c.can(Permission::JobsExecute));
    }
}
