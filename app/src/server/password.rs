//! Password hashing with argon2id.

use super::error::{Result, ServerError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

pub const MIN_PASSWORD_LEN: usize = 12;

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::PasswordHash(e.to_string()))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Burns the same time as a real check, so an unknown email cannot be told apart
/// from a wrong password by how long the answer takes.
pub fn verify_dummy(password: &str) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, &DUMMY);
}

/// The rules a new password must meet; `None` when it is acceptable.
pub fn policy_violation(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Some(format!(
            "The password must be at least {MIN_PASSWORD_LEN} characters long (it has {chars})."
        ));
    }
    if chars > 1024 {
        return Some("The password must be at most 1024 characters long.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(policy_violation("short").unwrap().contains("at least 12"));
        assert!(policy_violation("twelve chars").is_none());
        assert!(
            policy_violation("ééééééééééé").is_some(),
            "counts characters, not bytes"
        );
    }
}
