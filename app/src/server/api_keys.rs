//! API keys for the REST API: `bwk_` + 40 random hex characters, shown once, stored as
//! a SHA-256 hash, scoped by permission strings, optionally expiring, revocable.

use super::auth::AuthUser;
use super::error::Result;
use crate::api::api_keys::{ApiKeyRow, KeyState};
use crate::api::error::ApiError;
use crate::permissions::{self, Permission};
use chrono::{DateTime, Duration, Utc};
use entity::{api_key, user};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "bwk_";
/// `last_used_at` is written at most this often.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The caller of a REST request, once its key checked out.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: i64,
    pub name: String,
    /// The key's scopes.
    pub permissions: Vec<String>,
    /// What the key's owner holds now; `None` for a key made on the command line.
    pub owner: Option<OwnerGrants>,
}

/// The current permissions of an owned key's owner, read on every request.
#[derive(Debug, Clone)]
pub struct OwnerGrants {
    pub superadmin: bool,
    pub permissions: Vec<String>,
}

impl ApiCaller {
    /// A key with every permission whose owner (if it has one) is a SuperAdmin.
    pub fn superadmin(&self) -> bool {
        self.permissions.iter().any(|p| p == permissions::ALL)
            && self.owner.as_ref().is_none_or(|o| o.superadmin)
    }

    /// The key's scopes within what its owner holds now (finding 8 of docs/SECURITY.md):
    /// a key never keeps a permission its owner has lost.
    pub fn can(&self, needed: Permission) -> bool {
        permissions::grants(&self.permissions, false, needed)
            && self
                .owner
                .as_ref()
                .is_none_or(|o| permissions::grants(&o.permissions, o.superadmin, needed))
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
        owned: Set(new.created_by_user_id.is_some()),
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
    let owner = match (found.owned, found.created_by_user_id) {
        (false, None) => None,
        (true, None) => return Ok(None),
        (_, Some(id)) => match owner_grants(db, id).await? {
            Some(grants) => Some(grants),
            None => return Ok(None),
        },
    };
    if found.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        let mut active: api_key::ActiveModel = found.clone().into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    Ok(Some(ApiCaller {
        key_id: found.id,
        name: found.name,
        permissions: serde_json::from_value(found.permissions).unwrap_or_default(),
        owner,
    }))
}

/// What user `id` holds now, or `None` when they are disabled or gone: their keys then
/// answer 401 at once.
async fn owner_grants(db: &impl ConnectionTrait, id: i64) -> Result<Option<OwnerGrants>> {
    let Some((owner, Some(group))) = user::Entity::find_by_id(id)
        .find_also_related(entity::group::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if owner.disabled {
        return Ok(None);
    }
    Ok(Some(OwnerGrants {
        superadmin: group.protected,
        permissions: serde_json::from_value(group.permissions).unwrap_or_default(),
    }))
}

/// `YYYY-MM-DD HH:MM UTC`, as the console shows times.
fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Where a key stands at `now`.
pub fn state_of(key: &api_key::Model, now: DateTime<Utc>) -> KeyState {
    if key.revoked_at.is_some() {
        KeyState::Revoked
    } else if key.expires_at.is_some_and(|e| e <= now) {
        KeyState::Expired
    } else {
        KeyState::Active
    }
}

/// Every key, newest first, with who created it. Never a key or its hash.
pub async fn list(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<ApiKeyRow>> {
    let rows = api_key::Entity::find()
        .find_also_related(user::Entity)
        .order_by_desc(api_key::Column::CreatedAt)
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(k, u)| ApiKeyRow {
            id: k.id,
            state: state_of(&k, now),
            name: k.name,
            prefix: k.prefix,
            permissions: serde_json::from_value(k.permissions).unwrap_or_default(),
            created_by: u.map(|u| u.email),
            created_at: when(k.created_at),
            expires_at: k.expires_at.map(when),
            last_used_at: k.last_used_at.map(when),
            revoked_at: k.revoked_at.map(when),
        })
        .collect())
}

/// The permissions a console user asked to give a new key, checked against what the
/// user holds: a key can never do more than its creator. `*` (all permissions) needs
/// the SuperAdmin group or the wildcard itself.
pub fn grantable(user: &AuthUser, requested: &[String]) -> Result<Vec<String>, ApiError> {
    let requested: Vec<&str> = requested
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    if requested.is_empty() {
        return Err(ApiError::invalid("Choose at least one permission for the key."));
    }
    if requested.contains(&permissions::ALL) {
        if !(user.superadmin || user.permissions.iter().any(|p| p == permissions::ALL)) {
            return Err(ApiError::Forbidden {
                permission: permissions::ALL.to_string(),
            });
        }
        return Ok(vec![permissions::ALL.to_string()]);
    }
    let mut out = Vec::new();
    for p in requested {
        let Some(perm) = Permission::parse(p) else {
            return Err(ApiError::Invalid(format!("Unknown permission `{p}`.")));
        };
        if !user.can(perm) {
            return Err(ApiError::Forbidden {
                permission: perm.as_str().to_string(),
            });
        }
        out.push(perm.as_str().to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The expiry of a key from the form's "expires in days": empty for never, else 1–3650.
pub fn expiry(days: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let days = days.trim();
    if days.is_empty() {
        return Ok(None);
    }
    match days.parse::<i64>() {
        Ok(d) if (1..=3650).contains(&d) => Ok(Some(now + Duration::days(d))),
        _ => Err(ApiError::invalid(
            "The expiry must be a whole number of days between 1 and 3650, or empty for a key that never expires.",
        )),
    }
}

/// A trimmed name of at most 100 characters that no other unrevoked key uses.
pub async fn check_name(db: &impl ConnectionTrait, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Give the key a name.").into());
    }
    if name.chars().count() > 100 {
        return Err(ApiError::invalid("The name may have at most 100 characters.").into());
    }
    let taken = api_key::Entity::find()
        .filter(api_key::Column::Name.eq(name))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict(format!(
            "An API key named {name} already exists; choose another name or revoke that key first."
        ))
        .into());
    }
    Ok(name.to_string())
}

/// Revokes a key at once; a second revoke is refused with when it was revoked.
pub async fn revoke(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<api_key::Model> {
    let done = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(Some(now)))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    let Some(key) = api_key::Entity::find_by_id(id).one(db).await? else {
        return Err(ApiError::NotFound(format!("There is no API key #{id}.")).into());
    };
    if done.rows_affected == 0 {
        return Err(ApiError::Conflict(format!(
            "The API key {} was already revoked{}.",
            key.name,
            key.revoked_at
                .map(|t| format!(" on {}", when(t)))
                .unwrap_or_default()
        ))
        .into());
    }
    Ok(key)
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
        let mut c = ApiCaller {
            key_id: 1,
            name: "ci".into(),
            permissions: vec!["jobs:read".into(), "jobs:execute".into()],
            owner: None,
        };
        assert!(c.can(Permission::JobsRead));
        assert!(!c.can(Permission::JobsWrite));
        // An owned key: its scopes within what the owner holds now.
        c.owner = Some(OwnerGrants {
            superadmin: false,
            permissions: vec!["jobs:read".into(), "jobs:write".into()],
        });
        assert!(c.can(Permission::JobsRead));
        assert!(!c.can(Permission::JobsExecute), "the owner lost it");
        assert!(!c.can(Permission::JobsWrite), "never beyond the key's scopes");
        c.owner = Some(OwnerGrants {
            superadmin: true,
            permissions: vec![],
        });
        assert!(c.can(Permission::JobsExecute));
    }

    fn console_user(perms: &[&str], superadmin: bool) -> AuthUser {
        AuthUser {
            user_id: 1,
            session_id: 1,
            email: "a@b.co".into(),
            name: "A".into(),
            group_name: "G".into(),
            superadmin,
            permissions: perms.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn users_grant_only_what_they_hold() {
        let s = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let limited = console_user(&["api_keys:write", "jobs:read"], false);
        assert_eq!(
            grantable(&limited, &s(&["jobs:read", " jobs:read"])).unwrap(),
            vec!["jobs:read"]
        );
        assert_eq!(
            grantable(&limited, &s(&["sources:write"])).unwrap_err(),
            ApiError::Forbidden {
                permission: "sources:write".into()
            }
        );
        assert!(matches!(
            grantable(&limited, &s(&["*"])),
            Err(ApiError::Forbidden { .. })
        ));
        assert!(matches!(
            grantable(&limited, &s(&["", " "])),
            Err(ApiError::Invalid(_))
        ));
        assert!(matches!(
            grantable(&limited, &s(&["jobs:fly"])),
            Err(ApiError::Invalid(_))
        ));
        let admin = console_user(&[], true);
        assert_eq!(grantable(&admin, &s(&["*", "jobs:read"])).unwrap(), vec!["*"]);
        assert_eq!(
            grantable(&admin, &s(&["sources:write"])).unwrap(),
            vec!["sources:write"]
        );
        let wildcard = console_user(&["*"], false);
        assert_eq!(grantable(&wildcard, &s(&["*"])).unwrap(), vec!["*"]);
    }

    #[test]
    fn expiry_days() {
        let now = Utc::now();
        assert_eq!(expiry("", now).unwrap(), None);
        assert_eq!(expiry(" 30 ", now).unwrap(), Some(now + Duration::days(30)));
        assert_eq!(expiry("3650", now).unwrap(), Some(now + Duration::days(3650)));
        for bad in ["0", "3651", "-1", "1.5", "soon"] {
            assert!(expiry(bad, now).is_err(), "{bad}");
        }
    }
}
