//! Reading keys and passphrases from files given on the command line.

use adapters::pipeline::{Decryption, Encryption};
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
