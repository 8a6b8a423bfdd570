//! The TOTP second factor without the database: secrets, the otpauth URL and its QR
//! code, checking codes (±1 step, never a step twice), and backup codes.

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const ISSUER: &str = "Bulwark";
pub const DIGITS: u8 = 6;
pub const STEP_SECONDS: u64 = 30;
pub const BACKUP_CODE_COUNT: usize = 10;
const BACKUP_CODE_LEN: usize = 10;
/// Lowercase letters and digits without the look-alikes i, l, o, 0 and 1.
const BACKUP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What is sealed with the master key in `totp_secrets.secret_encrypted`: the secret and
/// the last time step a code was accepted for (so no code works twice). Both live in one
/// sealed value so that every use rewrites it, which lets the store detect two
/// concurrent uses with a compare-and-swap on that column, across processes too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpState {
    /// Base32 (RFC 4648, no padding), as shown to the user and put in the otpauth URL.
    pub secret: String,
    pub last_step: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    #[error("the stored TOTP secret is not valid base32")]
    BadSecret,
    #[error("TOTP: {0}")]
    Totp(String),
    #[error("QR code: {0}")]
    Qr(String),
}

/// A fresh 160-bit secret in base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret: &str, account: &str) -> Result<Totp, TotpError> {
    let bytes = Secret::try_from_base32(secret).map_err(|_| TotpError::BadSecret)?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(bytes)
        // The label's issuer/account separator is a colon, so an account may not hold one.
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| TotpError::Totp(e.to_string()))
}

/// The otpauth:// URL an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str) -> Result<String, TotpError> {
    totp(secret, account)?
        .to_url()
        .map_err(|e| TotpError::Totp(e.to_string()))
}

/// `data` as a QR code in a standalone SVG document.
pub fn qr_svg(data: &str) -> Result<String, TotpError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| TotpError::Qr(e.to_string()))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// The code for the step containing `now` (what an authenticator app shows).
pub fn code_at(secret: &str, now: u64) -> Result<String, TotpError> {
    Ok(totp(secret, "")?.generate(now).to_string())
}

/// The time step `code` belongs to when it is valid at `now` (one step of clock skew
/// either way) and newer than `last_step`; `None` otherwise.
pub fn check_code(
    secret: &str,
    code: &str,
    now: u64,
    last_step: Option<u64>,
) -> Result<Option<u64>, TotpError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let step = totp(secret, "")?.check(&code, now);
    Ok(step.filter(|s| last_step.is_none_or(|last| *s > last)))
}

/// Ten fresh backup codes, formatted for display like `abcde-fghij`.
pub fn new_backup_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..BACKUP_CODE_COUNT)
        .map(|_| {
            let raw: String = (0..BACKUP_CODE_LEN)
                .map(|_| BACKUP_ALPHABET[rng.gen_range(0..BACKUP_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &raw[..BACKUP_CODE_LEN / 2], &raw[BACKUP_CODE_LEN / 2..])
        })
        .collect()
}

/// A typed backup code reduced to its ten characters (case, dashes and spaces do not
/// matter); `None` when it cannot be one.
pub fn normalize_backup_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == BACKUP_CODE_LEN && code.bytes().all(|b| BACKUP_ALPHABET.contains(&b))).then_some(code)
}

/// `salt:sha256(salt || code)` in hex. SHA-256 rather than a slow password hash: a code
/// carries about 50 random bits (not a human-chosen password), is single-use, only
/// counts after the password, and a sign-in may compare against all ten, where ten
/// Argon2 runs would make every backup-code attempt take seconds.
pub fn hash_backup_code(code: &str) -> String {
    let mut salt = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    format!("{}:{}", hex::encode(salt), salted_digest(&salt, code))
}

fn salted_digest(salt: &[u8], code: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

/// Which stored hash the typed `input` matches, if any.
pub fn find_backup_code(input: &str, hashes: &[String]) -> Option<usize> {
    let code = normalize_backup_code(input)?;
    hashes.iter().position(|stored| {
        let Some((salt, digest)) = stored.split_once(':') else {
            return false;
        };
        let Ok(salt) = hex::decode(salt) else {
            return false;
        };
        constant_time_eq(salted_digest(&salt, &code).as_bytes(), digest.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_6238_vectors() {
        // The RFC's 8-digit values, last six digits.
        assert_eq!(code_at(RFC_SECRET, 59).unwrap(), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890).unwrap(), "005924");
    }

    #[test]
    fn a_code_is_valid_one_step_either_side_and_no_further() {
        let now = 1_700_000_010; // step 56_666_667, 10 s into it
        let step = now / STEP_SECONDS;
        let current = code_at(RFC_SECRET, now).unwrap();
        assert_eq!(check_code(RFC_SECRET, &current, now, None).unwrap(), Some(step));
        // The last second of the step and the first of the next still accept it.
        let last_second = (step + 1) * STEP_SECONDS - 1;
        assert_eq!(
            check_code(RFC_SECRET, &current, last_second, None).unwrap(),
            Some(step)
        );
        assert_eq!(
            check_code(RFC_SECRET, &current, last_second + 1, None).unwrap(),
            Some(step)
        );
        // One step late and one step early are within the skew.
        assert_eq!(
            check_code(RFC_SECRET, &current, now + 30, None).unwrap(),
            Some(step)
        );
        assert_eq!(
            check_code(RFC_SECRET, &current, now - 30, None).unwrap(),
            Some(step)
        );
        // Two steps either way are not.
        let two_later = (step + 2) * STEP_SECONDS;
        assert_eq!(check_code(RFC_SECRET, &current, two_later, None).unwrap(), None);
        let two_earlier = (step - 1) * STEP_SECONDS - 1;
        assert_eq!(check_code(RFC_SECRET, &current, two_earlier, None).unwrap(), None);
    }

    #[test]
    fn a_step_is_accepted_once() {
        let now = 1_700_000_010;
        let step = now / STEP_SECONDS;
        let current = code_at(RFC_SECRET, now).unwrap();
        assert_eq!(check_code(RFC_SECRET, &current, now, Some(step)).unwrap(), None);
        // Nor an older code after a newer one was used.
        let previous = code_at(RFC_SECRET, now - 30).unwrap();
        assert_eq!(check_code(RFC_SECRET, &previous, now, Some(step)).unwrap(), None);
        let next = code_at(RFC_SECRET, now + 30).unwrap();
        assert_eq!(
            check_code(RFC_SECRET, &next, now + 30, Some(step)).unwrap(),
            Some(step + 1)
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        let now = 1_700_000_010;
        let current = code_at(RFC_SECRET, now).unwrap();
        let spaced = format!("{} {}", &current[..3], &current[3..]);
        assert!(check_code(RFC_SECRET, &spaced, now, None).unwrap().is_some());
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5"] {
            assert_eq!(check_code(RFC_SECRET, bad, now, None).unwrap(), None, "{bad:?}");
        }
        assert!(check_code("not base32!", "123456", now, None).is_err());
    }

    #[test]
    fn the_otpauth_url_names_issuer_and_account_and_renders_as_svg() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let url = otpauth_url(&secret, "ada@example.com").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Bulwark:ada%40example.com?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        assert!(url.contains("issuer=Bulwark"), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }

    #[test]
    fn backup_codes_are_ten_distinct_grouped_codes() {
        let codes = new_backup_codes();
        assert_eq!(codes.len(), BACKUP_CODE_COUNT);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(&code[5..6], "-", "{code}");
            assert!(normalize_backup_code(code).is_some(), "{code}");
        }
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), codes.len());
    }

    #[test]
    fn backup_codes_verify_against_their_salted_hashes_only() {
        let codes = new_backup_codes();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| hash_backup_code(&normalize_backup_code(c).unwrap()))
            .collect();
        assert!(
            !hashes
                .iter()
                .zip(&codes)
                .any(|(h, c)| h.contains(&c.replace('-', "")))
        );
        assert_eq!(find_backup_code(&codes[3], &hashes), Some(3));
        // Typed without the dash, in capitals, with spaces.
        let typed = format!(" {} ", codes[7].replace('-', "").to_uppercase());
        assert_eq!(find_backup_code(&typed, &hashes), Some(7));
        assert_eq!(find_backup_code("abcde-fghij", &hashes), None);
        assert_eq!(find_backup_code("too-short", &hashes), None);
        // The same code hashes differently each time (per-code salt).
        let one = normalize_backup_code(&codes[0]).unwrap();
        assert_ne!(hash_backup_code(&one), hash_backup_code(&one));
    }
}
