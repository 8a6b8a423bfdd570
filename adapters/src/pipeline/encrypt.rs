//! Encryption stage: age (X25519 recipients, several at once, or a passphrase).
//!
//! Output is a standard age file, so `age -d -i key.txt` reads it without Bulwark.

use crate::error::{AdapterError, Result};
use crate::traits::ByteStream;
use age::secrecy::{ExposeSecret, SecretString};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use tokio_util::compat::{FuturesAsyncReadCompatExt, TokioAsyncReadCompatExt};

/// How a backup is encrypted.
#[derive(Clone, Default)]
pub enum Encryption {
    #[default]
    None,
    /// age X25519 recipients (`age1…`); any one of their identities decrypts.
    Recipients(Vec<age::x25519::Recipient>),
    Passphrase(SecretString),
}

/// What the manifest records about encryption: never a key, only fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionInfo {
    /// `none`, `age-x25519` or `age-passphrase`.
    pub kind: String,
    /// First 16 hex digits of SHA-256 over each recipient string.
    pub recipient_fingerprints: Vec<String>,
}

impl Encryption {
    pub fn recipients(values: &[String]) -> Result<Self> {
        let parsed = values
            .iter()
            .map(|v| {
                age::x25519::Recipient::from_str(v.trim()).map_err(|e| {
                    AdapterError::InvalidConfig(format!("`{v}` is not an age recipient (age1…): {e}"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if parsed.is_empty() {
            return Ok(Encryption::None);
        }
        Ok(Encryption::Recipients(parsed))
    }

    pub fn passphrase(text: &str) -> Result<Self> {
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            return Err(AdapterError::InvalidConfig("the passphrase is empty".into()));
        }
        Ok(Encryption::Passphrase(SecretString::from(text.to_string())))
    }

    pub fn info(&self) -> EncryptionInfo {
        match self {
            Encryption::None => EncryptionInfo {
                kind: "none".into(),
                recipient_fingerprints: vec![],
            },
            Encryption::Recipients(rs) => EncryptionInfo {
                kind: "age-x25519".into(),
                recipient_fingerprints: rs.iter().map(|r| fingerprint(&r.to_string())).collect(),
            },
            Encryption::Passphrase(_) => EncryptionInfo {
                kind: "age-passphrase".into(),
                recipient_fingerprints: vec![],
            },
        }
    }

    pub fn suffix(&self) -> &'static str {
        match self {
            Encryption::None => "",
            _ => ".age",
        }
    }
}

pub fn fingerprint(recipient: &str) -> String {
    super::hash::sha256_hex(recipient.as_bytes())[..16].to_string()
}

/// A fresh X25519 identity: (secret `AGE-SECRET-KEY-1…`, public `age1…`).
pub fn keygen() -> (SecretString, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    (identity.to_string(), public)
}

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn take(&self) -> Bytes {
        Bytes::from(std::mem::take(
            &mut *self.0.lock().unwrap_or_else(|p| p.into_inner()),
        ))
    }
}

/// Push-style encryptor: plaintext chunks in, ciphertext chunks out, memory bounded by
/// one age chunk (64 KiB) plus the chunk being pushed.
pub struct Sealer {
    writer: Option<age::stream::StreamWriter<SharedBuf>>,
    out: SharedBuf,
}

impl Sealer {
    pub fn new(encryption: &Encryption) -> Result<Self> {
        let out = SharedBuf::default();
        let encryptor = match encryption {
            Encryption::None => return Ok(Sealer { writer: None, out }),
            Encryption::Recipients(rs) => {
                age::Encryptor::with_recipients(rs.iter().map(|r| r as &dyn age::Recipient))
                    .map_err(|e| AdapterError::InvalidConfig(format!("age: {e}")))?
            }
            Encryption::Passphrase(p) => age::Encryptor::with_user_passphrase(p.clone()),
        };
        let writer = encryptor
            .wrap_output(out.clone())
            .map_err(|e| AdapterError::Other(format!("age: {e}")))?;
        Ok(Sealer {
            writer: Some(writer),
            out,
        })
    }

    /// Encrypts `plain`; returns whatever ciphertext is ready (possibly empty).
    pub fn push(&mut self, plain: Bytes) -> Result<Bytes> {
        match self.writer.as_mut() {
            None => Ok(plain),
            Some(w) => {
                w.write_all(&plain)
                    .map_err(|e| AdapterError::Other(format!("age: {e}")))?;
                Ok(self.out.take())
            }
        }
    }

    pub fn finish(mut self) -> Result<Bytes> {
        if let Some(w) = self.writer.take() {
            w.finish().map_err(|e| AdapterError::Other(format!("age: {e}")))?;
        }
        Ok(self.out.take())
    }
}

/// The key that opens a backup.
pub enum Decryption {
    None,
    Identities(Vec<Box<dyn age::Identity + Send + Sync>>),
    Passphrase(SecretString),
}

impl Decryption {
    /// Reads an age identity file (`AGE-SECRET-KEY-1…` lines, comments allowed).
    pub fn identity_file(text: &str) -> Result<Self> {
        let file = age::IdentityFile::from_buffer(text.as_bytes())
            .map_err(|e| AdapterError::InvalidConfig(format!("cannot read the identity file: {e}")))?;
        let ids = file
            .into_identities()
            .map_err(|e| AdapterError::InvalidConfig(format!("cannot read the identity file: {e}")))?;
        if ids.is_empty() {
            return Err(AdapterError::InvalidConfig(
                "the identity file holds no identity".into(),
            ));
        }
        Ok(Decryption::Identities(ids))
    }

    pub fn passphrase(text: &str) -> Self {
        Decryption::Passphrase(SecretString::from(
            text.trim_end_matches(['\n', '\r']).to_string(),
        ))
    }
}

/// Wraps an age-encrypted stream so it yields plaintext. A wrong key fails here, before
/// any plaintext exists; tampering fails at the damaged chunk.
pub async fn open(stream: ByteStream, key: &Decryption) -> Result<ByteStream> {
    let decryptor = age::Decryptor::new_async(stream.compat())
        .await
        .map_err(|e| decrypt_error("the backup", e))?;
    let reader = match key {
        Decryption::None => {
            return Err(AdapterError::Decryption(
                "the backup is encrypted with age: give an identity file or a passphrase".into(),
            ));
        }
        Decryption::Identities(ids) => {
            if decryptor.is_scrypt() {
                return Err(AdapterError::Decryption(
                    "the backup is encrypted with a passphrase, not to an identity".into(),
                ));
            }
            decryptor.decrypt_async(ids.iter().map(|i| i.as_ref() as &dyn age::Identity))
        }
        Decryption::Passphrase(p) => {
            if !decryptor.is_scrypt() {
                return Err(AdapterError::Decryption(
                    "the backup is encrypted to age recipients, not with a passphrase".into(),
                ));
            }
            let identity = age::scrypt::Identity::new(SecretString::from(p.expose_secret().to_string()));
            decryptor.decrypt_async(std::iter::once(&identity as &dyn age::Identity))
        }
    }
    .map_err(|e| decrypt_error("the backup", e))?;
    Ok(Box::pin(reader.compat()))
}

fn decrypt_error(what: &str, e: age::DecryptError) -> AdapterError {
    match e {
        age::DecryptError::NoMatchingKeys => AdapterError::Decryption(format!(
            "none of the given keys can decrypt {what} (wrong identity)"
        )),
        age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
            AdapterError::Decryption(format!("{what}: wrong passphrase or damaged data"))
        }
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            AdapterError::Corrupt(format!("{what} is not an age file or its header is damaged"))
        }
        age::DecryptError::InvalidMac => {
            AdapterError::Corrupt(format!("{what}: the age header was tampered with"))
        }
        other => AdapterError::Decryption(format!("{what}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;
    use tokio::io::AsyncReadExt;

    fn seal_all(enc: &Encryption, data: &[u8]) -> Vec<u8> {
        let mut s = Sealer::new(enc).unwrap();
        let mut out = Vec::new();
        for chunk in data.chunks(10_000) {
            out.extend_from_slice(&s.push(Bytes::copy_from_slice(chunk)).unwrap());
        }
        out.extend_from_slice(&s.finish().unwrap());
        out
    }

    async fn open_all(data: Vec<u8>, key: &Decryption) -> Result<Vec<u8>> {
        let mut r = open(Box::pin(std::io::Cursor::new(data)), key).await?;
        let mut out = Vec::new();
        r.read_to_end(&mut out)
            .await
            .map_err(|e| AdapterError::io("read", e))?;
        Ok(out)
    }

    #[tokio::test]
    async fn any_recipient_decrypts() {
        let (sk1, pk1) = keygen();
        let (sk2, pk2) = keygen();
        let enc = Encryption::recipients(&[pk1.clone(), pk2]).unwrap();
        let data: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let sealed = seal_all(&enc, &data);
        assert!(sealed.starts_with(b"age-encryption.org/v1"));
        for sk in [&sk1, &sk2] {
            let key = Decryption::identity_file(sk.expose_secret()).unwrap();
            assert_eq!(open_all(sealed.clone(), &key).await.unwrap(), data);
        }
        assert_eq!(enc.info().recipient_fingerprints.len(), 2);
        assert_eq!(enc.info().recipient_fingerprints[0], fingerprint(&pk1));
    }

    #[tokio::test]
    async fn wrong_key_and_tampering_are_reported() {
        let (_, pk) = keygen();
        let (other, _) = keygen();
        let sealed = seal_all(&Encryption::recipients(&[pk]).unwrap(), &[7u8; 200_000]);
        let wrong = Decryption::identity_file(other.expose_secret()).unwrap();
        let err = open_all(sealed.clone(), &wrong).await.unwrap_err();
        assert!(err.to_string().contains("wrong identity"), "{err}");

        let (sk, pk) = keygen();
        let mut sealed = seal_all(&Encryption::recipients(&[pk]).unwrap(), &[7u8; 200_000]);
        let n = sealed.len();
        sealed[n - 100] ^= 0xff;
        let key = Decryption::identity_file(sk.expose_secret()).unwrap();
        assert!(
            open_all(sealed, &key).await.is_err(),
            "a flipped byte must not decrypt"
        );
    }

    #[tokio::test]
    async fn passphrase_round_trip_and_mismatched_key_kind() {
        let enc = Encryption::Passphrase(SecretString::from("correct horse".to_string()));
        let sealed = seal_all(&enc, b"secret dump");
        let ok = open_all(sealed.clone(), &Decryption::passphrase("correct horse\n"))
            .await
            .unwrap();
        assert_eq!(ok, b"secret dump");
        assert!(
            open_all(sealed.clone(), &Decryption::passphrase("wrong horse"))
                .await
                .is_err()
        );
        let (sk, _) = keygen();
        let err = open_all(sealed, &Decryption::identity_file(sk.expose_secret()).unwrap())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("passphrase"), "{err}");
    }

    #[test]
    fn bad_recipients_are_named() {
        let err = Encryption::recipients(&["age1nope".into()]).err().unwrap();
        assert!(err.to_string().contains("age1nope"), "{err}");
    }
}
