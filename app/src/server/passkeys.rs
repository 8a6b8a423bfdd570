//! A user's own passkeys: registering one, listing, renaming and deleting them.
//! Signing in with one is in `passkey_sign_in`.

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::{AuthUser, Caller};
use super::error::{Result, ServerError};
use super::passkey_ceremonies::Ceremony;
use super::passkey_handle;
use crate::api::error::ApiError;
use crate::api::passkeys::{PasskeyChallenge, PasskeyRow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::passkey;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use std::time::Instant;
use webauthn_rs::prelude::{CredentialID, RegisterPublicKeyCredential};

pub const NAME_MAX: usize = 100;

/// The one answer to a finish whose start is unknown, expired, used or someone else's.
pub fn unknown_ceremony() -> ServerError {
    ApiError::invalid("This passkey request has expired or was already used. Start again.").into()
}

/// How the `credential_id` column spells a credential id.
pub fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// `YYYY-MM-DD HH:MM UTC`, as the console shows times.
fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn validate_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Give the passkey a name, such as \"Laptop\"."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(ApiError::invalid(format!(
            "A passkey name has at most {NAME_MAX} characters."
        )));
    }
    Ok(name.to_string())
}

async fn own(caller: &Caller, me: &AuthUser) -> Result<Vec<passkey::Model>> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(me.user_id))
        .order_by_asc(passkey::Column::CreatedAt)
        .order_by_asc(passkey::Column::Id)
        .all(&caller.state.db)
        .await?)
}

/// The caller's passkeys, oldest first. Never key material.
pub async fn list(caller: &Caller) -> Result<Vec<PasskeyRow>> {
    let me = caller.user()?;
    Ok(own(caller, me)
        .await?
        .into_iter()
        .map(|p| PasskeyRow {
            id: p.id,
            name: p.name,
            created_at: when(p.created_at),
            last_used_at: p.last_used_at.map(when),
        })
        .collect())
}

pub async fn start_registration(caller: &Caller, name: String) -> Result<PasskeyChallenge> {
    let me = caller.user()?;
    super::reauth::require_recent(caller).await?;
    let name = validate_name(&name)?;
    let existing = own(caller, me).await?;
    if existing.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::Conflict(format!("You already have a passkey named {name:?}.")).into());
    }
    let exclude: Vec<CredentialID> = existing
        .iter()
        .filter_map(|p| URL_SAFE_NO_PAD.decode(&p.credential_id).ok())
        .collect();
    let rp = &caller.state.relying_party;
    let handle = passkey_handle::of_user(&caller.state, me.user_id).await?;
    let (options, state) = rp
        .webauthn()?
        .start_passkey_registration(handle, &me.email, &me.name, Some(exclude))
        .map_err(|e| ServerError::Config(format!("starting a passkey registration: {e}")))?;
    let options = require_resident_key(
        serde_json::to_value(&options)
            .map_err(|e| ServerError::Config(format!("encoding passkey options: {e}")))?,
    );
    let ceremony = Ceremony::Register {
        user_id: me.user_id,
        name,
        state,
    };
    let client = ceremony.client(None);
    let ceremony = rp.ceremonies.insert(ceremony, client, Instant::now());
    challenge(ceremony, &options)
}

/// Asks for a discoverable (resident) credential, so the passkey alone can sign in
/// later. webauthn-rs leaves this to the authenticator for passkeys and does not export
/// the option's type, so the JSON is edited.
pub fn require_resident_key(mut options: serde_json::Value) -> serde_json::Value {
    if let Some(public_key) = options.get_mut("publicKey").and_then(|v| v.as_object_mut()) {
        let selection = public_key
            .entry("authenticatorSelection")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(selection) = selection.as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
    }
    options
}

pub fn challenge(ceremony: String, options: &impl serde::Serialize) -> Result<PasskeyChallenge> {
    let options = serde_json::to_string(options)
        .map_err(|e| ServerError::Config(format!("encoding passkey options: {e}")))?;
    Ok(PasskeyChallenge { ceremony, options })
}

pub async fn finish_registration(caller: &Caller, ceremony: String, credential: String) -> Result<()> {
    let me = caller.user()?;
    super::reauth::require_recent(caller).await?;
    let rp = &caller.state.relying_party;
    let (name, state) = match rp.ceremonies.take(&ceremony, Instant::now()) {
        Some(Ceremony::Register { user_id, name, state }) if user_id == me.user_id => (name, state),
        _ => return Err(unknown_ceremony()),
    };
    let answer: RegisterPublicKeyCredential = serde_json::from_str(&credential)
        .map_err(|e| ApiError::invalid(format!("The browser's answer could not be read: {e}")))?;
    let key = rp
        .webauthn()?
        .finish_passkey_registration(&answer, &state)
        .map_err(|e| ApiError::invalid(format!("The passkey was refused: {e}")))?;
    let credential_id = credential_key(key.cred_id());
    let taken = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .one(&caller.state.db)
        .await?
        .is_some();
    if taken {
        return Err(already_registered());
    }
    let stored =
        serde_json::to_value(&key).map_err(|e| ServerError::Config(format!("encoding a passkey: {e}")))?;
    let inserted = passkey::ActiveModel {
        user_id: Set(me.user_id),
        name: Set(name.clone()),
        credential_id: Set(credential_id),
        passkey: Set(stored),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&caller.state.db)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(already_registered());
        }
        Err(e) => return Err(e.into()),
    };
    account_audit::record(
        &caller.state.db,
        Actor::User(me),
        &caller.client,
        AccountEvent::PasskeyRegistered {
            id: row.id,
            name: &name,
        },
    )
    .await
}

fn already_registered() -> ServerError {
    ApiError::Conflict("This passkey is already registered.".into()).into()
}

async fn find_own(caller: &Caller, me: &AuthUser, id: i64) -> Result<passkey::Model> {
    passkey::Entity::find_by_id(id)
        .filter(passkey::Column::UserId.eq(me.user_id))
        .one(&caller.state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("You have no passkey #{id}.")).into())
}

pub async fn rename(caller: &Caller, id: i64, name: String) -> Result<()> {
    let me = caller.user()?;
    let name = validate_name(&name)?;
    let found = find_own(caller, me, id).await?;
    let old = found.name.clone();
    let mut active: passkey::ActiveModel = found.into();
    active.name = Set(name.clone());
    active.update(&caller.state.db).await?;
    account_audit::record(
        &caller.state.db,
        Actor::User(me),
        &caller.client,
        AccountEvent::PasskeyRenamed {
            id,
            old: &old,
            new: &name,
        },
    )
    .await
}

pub async fn delete(caller: &Caller, id: i64) -> Result<()> {
    let me = caller.user()?;
    super::reauth::require_recent(caller).await?;
    let found = find_own(caller, me, id).await?;
    passkey::Entity::delete_by_id(found.id)
        .exec(&caller.state.db)
        .await?;
    account_audit::record(
        &caller.state.db,
        Actor::User(me),
        &caller.client,
        AccountEvent::PasskeyDeleted {
            id,
            name: &found.name,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  Laptop ").unwrap(), "Laptop");
        assert!(validate_name("   ").is_err());
        assert!(validate_name(&"x".repeat(NAME_MAX)).is_ok());
        assert!(validate_name(&"x".repeat(NAME_MAX + 1)).is_err());
    }

    #[test]
    fn resident_keys_are_required() {
        let edited = require_resident_key(serde_json::json!({
            "publicKey": {"authenticatorSelection": {"residentKey": "discouraged", "requireResidentKey": false, "userVerification": "required"}}
        }));
        let selection = &edited["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required");
        assert_eq!(selection["requireResidentKey"], true);
        assert_eq!(selection["userVerification"], "required");
    }

    #[test]
    fn credential_keys_are_unpadded_base64url() {
        assert_eq!(credential_key(&[0xfb, 0xff]), "-_8");
    }
}
