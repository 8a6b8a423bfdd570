//! Object keys: `/`-separated relative paths, the same rules for every destination so a
//! backup layout that works on one works on all.

use crate::error::{AdapterError, Result};

/// Checks an object key: relative, no empty, `.` or `..` segments, no NUL or backslash.
pub fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(invalid(key, "the key is empty"));
    }
    check_chars(key)?;
    if key.starts_with('/') {
        return Err(invalid(key, "keys are relative; remove the leading `/`"));
    }
    for segment in key.split('/') {
        check_segment(key, segment)?;
    }
    Ok(())
}

/// Checks a listing prefix: like a key, but it may be empty or end with `/`.
pub fn validate_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        return Ok(());
    }
    validate_key(prefix.strip_suffix('/').unwrap_or(prefix))
}

fn check_chars(key: &str) -> Result<()> {
    if key.contains('\0') {
        return Err(invalid(key, "the key contains a NUL byte"));
    }
    if key.contains('\\') {
        return Err(invalid(key, "use `/` to separate key segments, not `\\`"));
    }
    Ok(())
}

fn check_segment(key: &str, segment: &str) -> Result<()> {
    match segment {
        "" => Err(invalid(
            key,
            "the key has an empty segment (`//` or a trailing `/`)",
        )),
        "." | ".." => Err(invalid(key, "`.` and `..` segments are not allowed")),
        _ => Ok(()),
    }
}

fn invalid(key: &str, why: &str) -> AdapterError {
    AdapterError::InvalidConfig(format!("invalid object key {key:?}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_keys_pass() {
        for key in ["a", "db/2024-01-01.dump.zst", ".hidden", "a..b/c"] {
            validate_key(key).unwrap();
        }
        for prefix in ["", "db/", "db/2024"] {
            validate_prefix(prefix).unwrap();
        }
    }

    #[test]
    fn bad_keys_fail() {
        for key in ["", "/abs", "a//b", "a/", "../x", "a/../b", "./a", "a\\b", "a\0b"] {
            assert!(
                matches!(validate_key(key), Err(AdapterError::InvalidConfig(_))),
                "{key:?}"
            );
        }
        for prefix in ["/", "../", "a//", "a/../"] {
            assert!(validate_prefix(prefix).is_err(), "{prefix:?}");
        }
    }
}
