//! What the storage explorer shows: the backups in a destination, read from their
//! manifests, and what the caller may do with them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageDestination {
    pub id: i64,
    pub name: String,
    pub adapter_id: String,
    /// `online`, `degraded`, `offline` or `unknown`.
    pub health: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackupRow {
    /// The object's key in the destination.
    pub object: String,
    pub job: Option<String>,
    /// `postgres`, `mysql`, `sqlite`.
    pub source_kind: String,
    pub databases: Vec<String>,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub created_at: String,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
    pub sha256: String,
    pub compression: String,
    /// `none`, `age-x25519` or `age-passphrase`.
    pub encryption: String,
    /// The encryption profile holding the key, when there is one here.
    pub key_profile: Option<String>,
    /// Why it cannot be restored from the console (object missing, no key), if so.
    pub problem: Option<String>,
    /// Set when this installation did not sign its manifest: why (unsigned, or a
    /// signature that does not match). Reading it then needs an explicit confirmation.
    pub untrusted: Option<String>,
    /// Restore form defaults: the source of the job that made it (absent when there is
    /// none), and its database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_source_id: Option<i64>,
    pub default_database: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceChoice {
    pub id: i64,
    pub name: String,
    pub adapter_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StorageListing {
    pub destination_id: i64,
    pub destination: String,
    /// Where it is, without secrets: a folder or `s3://bucket/prefix`.
    pub location: String,
    /// Newest first.
    pub backups: Vec<BackupRow>,
    /// Manifests that could not be read: (key, reason).
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Vec<String>>))]
    pub unreadable: Vec<(String, String)>,
    /// Files without a manifest beside them (not Bulwark backups; never touched).
    pub other_files: usize,
    /// Set when only the newest backups are shown: how many manifests there are.
    pub total_manifests: usize,
    /// Sources a backup can be restored into (empty without `storage:restore`).
    pub sources: Vec<SourceChoice>,
    pub can_download: bool,
    pub can_restore: bool,
    pub can_delete: bool,
}

/// A browser link that downloads a stored object as it is stored (encrypted, compressed).
pub fn download_href(destination_id: i64, object: &str) -> String {
    crate::url::with_query(
        &format!("/storage/{destination_id}/download"),
        &[("object", object.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_links_escape_the_object_key() {
        assert_eq!(
            download_href(3, "job/a b+c&d.dump.zst"),
            "/storage/3/download?object=job/a%20b%2Bc%26d.dump.zst"
        );
    }
}
