//! The WebAuthn user handle of a user: a stable UUID that authenticators store with a
//! passkey and hand back on a passwordless sign-in.
//!
//! It is derived, not stored: SHA-256 over an installation secret and the user id,
//! shaped as a UUIDv8. The same user always gets the same handle (so the authenticator
//! keeps one account per user), it reveals nothing about the user (no email, no
//! guessable row id) and handles from another installation never match. The secret is
//! kept sealed with the master key in the `settings` table, created on first use.

use super::error::{Result, ServerError};
use super::state::AppState;
use chrono::Utc;
use entity::setting;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::Uuid;

const SETTING_KEY: &str = "passkeys.user_handle_key";

/// The handle of `user_id` under `key`.
pub fn derive(key: &[u8; 32], user_id: i64) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"bulwark passkey user handle\0")
        .chain_update(key)
        .chain_update(user_id.to_be_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8: custom
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    Uuid::from_bytes(bytes)
}

/// The handle of `user_id` on this installation.
pub async fn of_user(state: &AppState, user_id: i64) -> Result<Uuid> {
    let key = state
        .relying_party
        .handle_key
        .get_or_try_init(|| load_or_create(state))
        .await?;
    Ok(derive(key, user_id))
}

async fn load_or_create(state: &AppState) -> Result<[u8; 32]> {
    if let Some(key) = load(state).await? {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let now = Utc::now();
    let inserted = setting::ActiveModel {
        key: Set(SETTING_KEY.into()),
        value: Set(serde_json::json!(state.master_key.seal(&key))),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db)
    .await;
    match inserted {
        Ok(_) => Ok(key),
        // Another instance created it first: use theirs.
        Err(e) => load(state).await?.ok_or(ServerError::Db(e)),
    }
}

async fn load(state: &AppState) -> Result<Option<[u8; 32]>> {
    let Some(row) = setting::Entity::find_by_id(SETTING_KEY).one(&state.db).await? else {
        return Ok(None);
    };
    let sealed = row
        .value
        .as_str()
        .ok_or_else(|| ServerError::MasterKey(format!("setting {SETTING_KEY} is not a sealed string")))?;
    let key: [u8; 32] = state
        .master_key
        .open(sealed)?
        .try_into()
        .map_err(|_| ServerError::MasterKey(format!("setting {SETTING_KEY} has the wrong length")))?;
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_user_and_per_key() {
        let key = [7u8; 32];
        let a = derive(&key, 1);
        assert_eq!(a, derive(&key, 1), "stable");
        assert_ne!(a, derive(&key, 2), "per user");
        assert_ne!(a, derive(&[8u8; 32], 1), "per installation");
        assert_eq!(a.get_version_num(), 8);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
    }
}
