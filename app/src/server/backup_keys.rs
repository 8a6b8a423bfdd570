//! The key that opens a stored backup: the manifest names the recipients by fingerprint,
//! and the encryption profile whose recipient matches holds the identity.

use super::master_key::MasterKey;
use adapters::pipeline::Decryption;
use adapters::pipeline::encrypt::fingerprint;
use adapters::pipeline::manifest::Manifest;
use entity::encryption_profile;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Unavailable(String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// The profile that can open `manifest`'s backup, by name, if any.
pub async fn profile_for(
    db: &impl ConnectionTrait,
    manifest: &Manifest,
) -> Result<Option<encryption_profile::Model>, DbErr> {
    if manifest.encryption.kind != "age-x25519" {
        return Ok(None);
    }
    let wanted = &manifest.encryption.recipient_fingerprints;
    Ok(encryption_profile::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .find(|p| wanted.contains(&fingerprint(&p.recipient))))
}

pub async fn decryption_for(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    manifest: &Manifest,
) -> Result<Decryption, KeyError> {
    match manifest.encryption.kind.as_str() {
        "none" => Ok(Decryption::None),
        "age-x25519" => {
            let profile = profile_for(db, manifest).await?.ok_or_else(|| {
                KeyError::Unavailable(format!(
                    "no encryption profile here holds a key for this backup (recipient fingerprints {}); \
                     restore it with `bulwark restore --identity <file>` and the offline key",
                    manifest.encryption.recipient_fingerprints.join(", ")
                ))
            })?;
            let identity = key.open(&profile.identity_encrypted).map_err(|e| {
                KeyError::Unavailable(format!(
                    "the identity of encryption profile {} cannot be opened: {e}",
                    profile.name
                ))
            })?;
            let text = String::from_utf8(identity).map_err(|_| {
                KeyError::Unavailable(format!(
                    "the identity of encryption profile {} is not text",
                    profile.name
                ))
            })?;
            Decryption::identity_file(&text).map_err(|e| KeyError::Unavailable(e.one_line()))
        }
        "age-passphrase" => Err(KeyError::Unavailable(
            "this backup is protected by a passphrase, which Bulwark does not store; \
             restore it with `bulwark restore --passphrase-file <file>`"
                .into(),
        )),
        other => Err(KeyError::Unavailable(format!(
            "unknown encryption {other:?} in the manifest"
        ))),
    }
}
