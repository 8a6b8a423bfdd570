//! The master key: loads or generates it, and seals secrets at rest with it.
//!
//! Sealed values look like `v1:<base64(nonce || ciphertext)>` (XChaCha20-Poly1305, a
//! random 24-byte nonce each time), so a future key rotation can tell formats apart.

use super::config::KeySource;
use super::error::{Result, ServerError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct MasterKey {
    cipher: XChaCha20Poly1305,
    manifest_key: adapters::pipeline::ManifestKey,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    pub fn from_hex(hex_key: &str) -> Result<Self> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| ServerError::MasterKey("the key must be 64 hexadecimal characters".into()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            ServerError::MasterKey("the key must be 64 hexadecimal characters (32 bytes)".into())
        })?;
        Ok(MasterKey {
            cipher: XChaCha20Poly1305::new(&key.into()),
            manifest_key: derive_manifest_key(&key),
        })
    }

    /// Resolves the configured key; generates `<data_dir>/master.key` (mode 0600) the
    /// first time when none was given. Returns the key and whether it was just created.
    pub fn load(source: &KeySource) -> Result<(Self, bool)> {
        match source {
            KeySource::Inline(hex_key) => Ok((Self::from_hex(hex_key)?, false)),
            KeySource::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ServerError::io(path, e))?;
                Ok((Self::from_hex(&text)?, false))
            }
            KeySource::Generated(path) if path.exists() => {
                let text = std::fs::read_to_string(path).map_err(|e| ServerError::io(path, e))?;
                Ok((Self::from_hex(&text)?, false))
            }
            KeySource::Generated(path) => {
                let hex_key = generate_hex();
                write_private(path, &hex_key)?;
                Ok((Self::from_hex(&hex_key)?, true))
            }
        }
    }

    /// The key that signs backup manifests (see `adapters::pipeline::provenance`).
    pub fn manifest_key(&self) -> adapters::pipeline::ManifestKey {
        self.manifest_key.clone()
    }

    pub fn seal(&self, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext)
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>> {
        let body = sealed
            .strip_prefix(PREFIX)
            .ok_or_else(|| ServerError::MasterKey("sealed value has an unknown format".into()))?;
        let raw = B64
            .decode(body)
            .map_err(|_| ServerError::MasterKey("sealed value is not valid base64".into()))?;
        if raw.len() < NONCE_LEN {
            return Err(ServerError::MasterKey("sealed value is truncated".into()));
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| {
                ServerError::MasterKey(
                    "cannot decrypt a stored secret: the master key differs from the one it was sealed with"
                        .into(),
                )
            })
    }
}

/// A separate key per use: SHA-256 over a label and the (uniformly random) master key.
fn derive_manifest_key(master: &[u8; 32]) -> adapters::pipeline::ManifestKey {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"bulwark manifest signing key v1\0");
    hasher.update(master);
    adapters::pipeline::ManifestKey::from_bytes(hasher.finalize().into())
}

pub fn generate_hex() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    hex::encode(key)
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ServerError::io(dir, e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| ServerError::io(path, e))?;
    file.write_all(format!("{contents}\n").as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| ServerError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_with_fresh_nonces() {
        let key = MasterKey::from_hex(&generate_hex()).unwrap();
        let a = key.seal(b"s3 secret");
        let b = key.seal(b"s3 secret");
        assert_ne!(a, b, "each seal uses a new nonce");
        assert!(!a.contains("s3 secret"));
        assert_eq!(key.open(&a).unwrap(), b"s3 secret");
    }

    #[test]
    fn wrong_key_and_tampering_are_refused() {
        let key = MasterKey::from_hex(&generate_hex()).unwrap();
        let other = MasterKey::from_hex(&generate_hex()).unwrap();
        let sealed = key.seal(b"secret");
        assert!(
            other
                .open(&sealed)
                .unwrap_err()
                .to_string()
                .contains("master key differs")
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(key.open(&tampered).is_err());
        assert!(key.open("plain").is_err());
    }

    #[test]
    fn bad_hex_is_explained() {
        assert!(
            MasterKey::from_hex("abc")
                .unwrap_err()
                .to_string()
                .contains("64 hexadecimal")
        );
        assert!(MasterKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn generated_file_is_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("bulwark-mk-{}", uuid::Uuid::new_v4()));
        let path = dir.join("master.key");
        let (k1, created) = MasterKey::load(&KeySource::Generated(path.clone())).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let (k2, created) = MasterKey::load(&KeySource::Generated(path.clone())).unwrap();
        assert!(!created);
        assert_eq!(k2.open(&k1.seal(b"x")).unwrap(), b"x");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
