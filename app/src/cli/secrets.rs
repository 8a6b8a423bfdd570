//! Reading keys and passphrases from files given on the command line.

use adapters::pipeline::{Decryption, Encryption, ManifestKey};
use adapters::{AdapterError, Result};
use std::path::Path;

fn read(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        AdapterError::InvalidConfig(format!("cannot read the {what} file {}: {e}", path.display()))
    })
}

/// The key that opens a backup: an identity file, a passphrase file, or neither.
pub fn decryption(identity: Option<&Path>, passphrase_file: Option<&Path>) -> Result<Decryption> {
    match (identity, passphrase_file) {
        (Some(_), Some(_)) => Err(AdapterError::InvalidConfig(
            "give --identity or --passphrase-file, not both".into(),
        )),
        (Some(path), None) => Decryption::identity_file(&read(path, "identity")?),
        (None, Some(path)) => Ok(Decryption::passphrase(&read(path, "passphrase")?)),
        (None, None) => Ok(Decryption::None),
    }
}

/// How a new backup is encrypted: recipients, a passphrase file, or not at all.
pub fn encryption(recipients: &[String], passphrase_file: Option<&Path>) -> Result<Encryption> {
    match (recipients.is_empty(), passphrase_file) {
        (false, Some(_)) => Err(AdapterError::InvalidConfig(
            "give --recipient or --passphrase-file, not both (age cannot mix them)".into(),
        )),
        (false, None) => Encryption::recipients(recipients),
        (true, Some(path)) => Encryption::passphrase(&read(path, "passphrase")?),
        (true, None) => Ok(Encryption::None),
    }
}

/// The installation's manifest key, when one is configured (`BULWARK_ENCRYPTION_KEY`,
/// `BULWARK_ENCRYPTION_KEY_FILE`, or `<BULWARK_DATA_DIR>/master.key` if it exists). The
/// command line never generates a master key: without one, backups are unsigned and
/// restores accept only what `--trust-unsigned` allows.
pub fn manifest_key() -> Result<Option<ManifestKey>> {
    use crate::server::config::{Config, KeySource};
    use crate::server::master_key::MasterKey;
    let config = Config::from_env().map_err(|e| AdapterError::InvalidConfig(e.to_string()))?;
    if let KeySource::Generated(path) = &config.encryption_key
        && !path.exists()
    {
        return Ok(None);
    }
    let (key, _) = MasterKey::load(&config.encryption_key)
        .map_err(|e| AdapterError::InvalidConfig(format!("the master key: {e}")))?;
    Ok(Some(key.manifest_key()))
}
