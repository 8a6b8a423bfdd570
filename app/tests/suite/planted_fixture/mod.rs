//! A backup object and manifest planted in a destination folder by someone with write
//! access to it: no signature, or one that is not this installation's.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Writes `body` as a plain, unencrypted backup object with a hand-made manifest, as
/// someone with write access to the destination could. `signature` is added as given.
pub fn plant(dest: &Path, kind: &str, format: &str, body: &str, signature: Option<&str>) -> PathBuf {
    let path = plant_stored(dest, kind, format, body.as_bytes(), "none", body.len() as u64);
    if let Some(sig) = signature {
        let manifest = format!("{}.manifest.json", path.display());
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        m["signature"] = sig.into();
        std::fs::write(manifest, m.to_string()).unwrap();
    }
    path
}

/// Writes `stored` as the object, compressed with `compression` (as the manifest says),
/// with a manifest claiming it decompresses to `raw_bytes`.
pub fn plant_stored(
    dest: &Path,
    kind: &str,
    format: &str,
    stored: &[u8],
    compression: &str,
    raw_bytes: u64,
) -> PathBuf {
    let object = format!("planted/20261206T010203.000Z_{kind}-app.{format}");
    let path = dest.join(&object);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, stored).unwrap();
    let manifest = serde_json::json!({
        "format_version": 2,
        "bulwark_version": "0.1.0",
        "object": object,
        "job": "nightly",
        "job_id": 1,
        "source": {"kind": kind, "server_version": "1", "tool_versions": [], "format": format},
        "databases": ["app"],
        "created_at": "2026-12-06T01:02:03Z",
        "finished_at": "2026-12-06T01:02:04Z",
        "raw_bytes": raw_bytes,
        "stored_bytes": stored.len(),
        "sha256": sha256_hex(stored),
        "compression": compression,
        "compression_level": null,
        "encryption": {"kind": "none", "recipient_fingerprints": []},
    });
    std::fs::write(format!("{}.manifest.json", path.display()), manifest.to_string()).unwrap();
    path
}
