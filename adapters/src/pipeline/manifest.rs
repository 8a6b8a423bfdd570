//! The manifest sidecar `<object>.manifest.json`: what a backup is and how to open it.

use super::compress::Compression;
use super::encrypt::EncryptionInfo;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 2 added `job_id` and `signature` (see `provenance`).
pub const FORMAT_VERSION: u32 = 2;
pub const SUFFIX: &str = ".manifest.json";
/// Manifests are small; anything bigger is not one.
pub const MAX_LEN: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub bulwark_version: String,
    /// The object's key, relative to the destination's root or prefix.
    pub object: String,
    pub job: Option<String>,
    /// The id of the job that made it, in the installation that signed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<i64>,
    pub source: SourceInfo,
    pub databases: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// Bytes the dump tool produced.
    pub raw_bytes: u64,
    /// Bytes stored (after compression and encryption).
    pub stored_bytes: u64,
    /// SHA-256 of the stored object, hex.
    pub sha256: String,
    pub compression: Compression,
    pub compression_level: Option<i32>,
    pub encryption: EncryptionInfo,
    /// HMAC-SHA256 over every other field, hex (see `provenance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The JSON exactly as read from storage, which the signature is checked against.
    #[serde(skip)]
    pub as_stored: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The adapter id: `postgres`, `mysql`, `sqlite`.
    pub kind: String,
    pub server_version: String,
    pub tool_versions: Vec<String>,
    /// The dump format's file extension: `dump`, `sql`, `sqlite`.
    pub format: String,
}

pub fn key_for(object: &str) -> String {
    format!("{object}{SUFFIX}")
}

impl Manifest {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest always serialises")
    }

    pub fn from_json(bytes: &[u8]) -> crate::Result<Self> {
        let invalid =
            |e: serde_json::Error| crate::AdapterError::Corrupt(format!("the manifest is not valid: {e}"));
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(invalid)?;
        let mut m: Manifest = serde_json::from_value(value.clone()).map_err(invalid)?;
        m.as_stored = Some(value);
        if m.format_version > FORMAT_VERSION {
            return Err(crate::AdapterError::Corrupt(format!(
                "manifest format {} is newer than this Bulwark understands ({FORMAT_VERSION}); upgrade Bulwark",
                m.format_version
            )));
        }
        Ok(m)
    }
}
