//! Who made a backup. Destination storage is not trusted: anyone who can write to a
//! bucket can plant an object and a manifest beside it. Each manifest Bulwark writes is
//! signed with HMAC-SHA256 under a key derived from the installation's master key, over
//! every field it holds; restore, verify and retention only act on manifests that
//! authenticate, unless the caller explicitly trusts an unsigned (foreign) backup.

use super::manifest::Manifest;
use crate::error::{AdapterError, Result};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Domain separation: a signature made for anything else never verifies as a manifest's.
const CONTEXT: &[u8] = b"bulwark manifest signature v1\n";

/// The installation's manifest signing key (derived from the master key by the app).
#[derive(Clone)]
pub struct ManifestKey([u8; 32]);

impl std::fmt::Debug for ManifestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ManifestKey(..)")
    }
}

impl ManifestKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ManifestKey(bytes)
    }

    fn mac(&self, body: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(CONTEXT);
        mac.update(body.as_bytes());
        mac
    }
}

/// What a manifest says about its origin, as far as this installation can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Signed by this installation's key, and the object is where it was written.
    MadeHere,
    /// No signature at all: an older Bulwark, another tool, or a planted file.
    Unsigned,
    /// A signature that this installation's key does not confirm (another Bulwark, a
    /// manifest altered after it was written, or no key to check with).
    NotVerified,
}

impl Provenance {
    pub fn describe(self) -> &'static str {
        match self {
            Provenance::MadeHere => "made by this Bulwark",
            Provenance::Unsigned => "not made by this Bulwark: its manifest is unsigned",
            Provenance::NotVerified => {
                "not made by this Bulwark: its manifest's signature does not match this installation's key"
            }
        }
    }
}

/// The manifest as it is signed: its JSON value without the signature, keys in a fixed
/// order, no whitespace.
fn body(mut value: Value) -> String {
    if let Value::Object(map) = &mut value {
        map.remove("signature");
    }
    serde_json::to_string(&value).expect("a JSON value always serialises")
}

/// Signs `manifest` in place (sets its `signature`).
pub fn sign(key: &ManifestKey, manifest: &mut Manifest) {
    manifest.signature = None;
    let value = serde_json::to_value(&*manifest).expect("a manifest always serialises");
    let tag = key.mac(&body(value)).finalize().into_bytes();
    manifest.signature = Some(hex::encode(tag));
}

/// Checks a manifest read back from storage. `object` is the key it was read for: a
/// signed manifest moved beside another object (a different file name) does not count.
pub fn check(key: Option<&ManifestKey>, manifest: &Manifest, object: &str) -> Provenance {
    let Some(signature) = manifest.signature.as_deref() else {
        return Provenance::Unsigned;
    };
    let (Some(key), Some(stored)) = (key, manifest.as_stored.as_ref()) else {
        return Provenance::NotVerified;
    };
    let Ok(tag) = hex::decode(signature) else {
        return Provenance::NotVerified;
    };
    if key.mac(&body(stored.clone())).verify_slice(&tag).is_err() {
        return Provenance::NotVerified;
    }
    let written = stored.get("object").and_then(Value::as_str).unwrap_or_default();
    if file_name(written) != file_name(object) {
        return Provenance::NotVerified;
    }
    Provenance::MadeHere
}

fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// Refuses a manifest that does not authenticate, unless the caller trusts it anyway.
pub fn admit(
    key: Option<&ManifestKey>,
    manifest: &Manifest,
    object: &str,
    trust_unsigned: bool,
) -> Result<Provenance> {
    let provenance = check(key, manifest, object);
    if provenance == Provenance::MadeHere || trust_unsigned {
        return Ok(provenance);
    }
    Err(AdapterError::Untrusted(format!(
        "{object}: this backup is {}. It may have been planted or altered in the \
         destination; restore or verify it only if you know where it came from \
         (`--trust-unsigned` on the command line, \"trust_unsigned\" in the API, the \
         confirmation in the console)",
        provenance.describe()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::compress::Compression;
    use crate::pipeline::encrypt::EncryptionInfo;
    use crate::pipeline::manifest::{FORMAT_VERSION, SourceInfo};

    type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

    fn manifest() -> Manifest {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-06T03:04:05.123456789Z")
            .unwrap()
            .to_utc();
        Manifest {
            format_version: FORMAT_VERSION,
            bulwark_version: "0.1.0".into(),
            object: "nightly/20261206T030405.123Z_postgres-app.dump.zst".into(),
            job: Some("Nightly".into()),
            job_id: Some(4),
            source: SourceInfo {
                kind: "postgres".into(),
                server_version: "15.18".into(),
                tool_versions: vec!["pg_dump (PostgreSQL) 15.18".into()],
                format: "dump".into(),
            },
            databases: vec!["app".into()],
            created_at: at,
            finished_at: at,
            raw_bytes: 10,
            stored_bytes: 20,
            sha256: "ab".repeat(32),
            compression: Compression::Zstd,
            compression_level: Some(3),
            encryption: EncryptionInfo {
                kind: "none".into(),
                recipient_fingerprints: vec![],
            },
            signature: None,
            as_stored: None,
        }
    }

    /// Written to storage and read back, as a restore sees it.
    fn stored(m: &Manifest) -> Manifest {
        Manifest::from_json(m.to_json().as_bytes()).unwrap()
    }

    fn edited(m: &Manifest, edit: impl FnOnce(&mut serde_json::Value)) -> Manifest {
        let mut value: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        edit(&mut value);
        Manifest::from_json(value.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn a_signed_manifest_authenticates_only_with_its_key_and_unchanged() {
        let key = ManifestKey::from_bytes([1; 32]);
        let mut m = manifest();
        sign(&key, &mut m);
        let object = m.object.clone();
        assert_eq!(check(Some(&key), &stored(&m), &object), Provenance::MadeHere);
        // Read through another root (a CLI URL naming the folder differently).
        let elsewhere = format!("other/root/{}", object.rsplit('/').next().unwrap());
        assert_eq!(check(Some(&key), &stored(&m), &elsewhere), Provenance::MadeHere);

        let other = ManifestKey::from_bytes([2; 32]);
        assert_eq!(check(Some(&other), &stored(&m), &object), Provenance::NotVerified);
        assert_eq!(check(None, &stored(&m), &object), Provenance::NotVerified);
        assert_eq!(
            check(
                Some(&key),
                &stored(&m),
                "nightly/20271206T030405.123Z_postgres-app.dump.zst"
            ),
            Provenance::NotVerified,
            "a signed manifest beside another object name"
        );

        let edits: Vec<(&str, Edit)> = vec![
            ("job_id", Box::new(|v| v["job_id"] = 5.into())),
            ("sha256", Box::new(|v| v["sha256"] = "cd".repeat(32).into())),
            ("raw_bytes", Box::new(|v| v["raw_bytes"] = 11.into())),
            ("format", Box::new(|v| v["source"]["format"] = "sql".into())),
            ("kind", Box::new(|v| v["source"]["kind"] = "mysql".into())),
            ("object", Box::new(|v| v["object"] = "x/y.dump".into())),
            ("added field", Box::new(|v| v["extra"] = true.into())),
        ];
        for (what, edit) in edits {
            assert_eq!(
                check(Some(&key), &edited(&m, edit), &object),
                Provenance::NotVerified,
                "{what} changed"
            );
        }
        let unsigned = edited(&m, |v| {
            v.as_object_mut().unwrap().remove("signature");
        });
        assert_eq!(check(Some(&key), &unsigned, &object), Provenance::Unsigned);
    }

    #[test]
    fn admit_refuses_what_does_not_authenticate_unless_trusted() {
        let key = ManifestKey::from_bytes([1; 32]);
        let m = stored(&manifest());
        let err = admit(Some(&key), &m, &m.object, false).unwrap_err();
        assert!(matches!(err, AdapterError::Untrusted(_)), "{err}");
        assert!(err.to_string().contains("not made by this Bulwark"), "{err}");
        assert_eq!(
            admit(Some(&key), &m, &m.object, true).unwrap(),
            Provenance::Unsigned
        );
    }
}
