//! The S3 destination's settings: the form's schema, the stored form and the config the
//! backend is built from.

use super::S3Destination;
use crate::error::{AdapterError, Result};
use crate::schema::{ConfigField, FieldType};
use serde::Deserialize;
use std::path::PathBuf;

pub const DEFAULT_REGION: &str = "us-east-1";

/// Storage classes offered in forms. Archive classes (GLACIER, DEEP_ARCHIVE) need a restore
/// before a backup can be read back.
pub const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
    "REDUCED_REDUNDANCY",
];

#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `None` means AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Keys live under `prefix/`; empty for the bucket's root.
    pub prefix: String,
    pub path_style: bool,
    /// Both `None`: the standard AWS credential chain (`AWS_ACCESS_KEY_ID`…, profile, IAM role).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub storage_class: Option<String>,
    /// The size of the first multipart parts; `None` for the production schedule
    /// (see `part_size`). At least 5 MiB; tests lower it to exercise several parts.
    pub min_part_size: Option<usize>,
    /// Parts up to this many bytes are buffered in memory, larger ones in a temporary file;
    /// `None` for 16 MiB. Tests lower it to exercise the file path.
    pub memory_part_limit: Option<usize>,
    /// Where those temporary files go; `None` for the system's temporary directory.
    pub temp_dir: Option<PathBuf>,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            endpoint: None,
            region: DEFAULT_REGION.to_string(),
            bucket: String::new(),
            prefix: String::new(),
            path_style: false,
            access_key_id: None,
            secret_access_key: None,
            storage_class: None,
            min_part_size: None,
            memory_part_limit: None,
            temp_dir: None,
        }
    }
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("storage_class", &self.storage_class)
            .field("min_part_size", &self.min_part_size)
            .field("memory_part_limit", &self.memory_part_limit)
            .field("temp_dir", &self.temp_dir)
            .finish()
    }
}

/// The stored form of the settings: empty strings mean "not set".
#[derive(Deserialize)]
struct FormConfig {
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    region: Option<String>,
    bucket: String,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    path_style: Option<bool>,
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    secret_access_key: Option<String>,
    #[serde(default)]
    storage_class: Option<String>,
    #[serde(default)]
    use_server_credentials: Option<bool>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl S3Destination {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("endpoint", "Endpoint URL", FieldType::Url).endpoint()
                .help("Leave empty for Amazon S3; e.g. https://minio.example.com:9000 for S3-compatible stores"),
            ConfigField::new("region", "Region", FieldType::Text).default(DEFAULT_REGION),
            ConfigField::new("bucket", "Bucket", FieldType::Text).required(),
            ConfigField::new("prefix", "Prefix", FieldType::Text)
                .help("Folder inside the bucket, e.g. bulwark/production; empty for the bucket root"),
            ConfigField::new("path_style", "Path-style addressing", FieldType::Bool)
                .default(false)
                .help("Needed by most self-hosted stores (MinIO, Garage, Ceph)"),
            ConfigField::new("access_key_id", "Access key ID", FieldType::Text),
            ConfigField::new("secret_access_key", "Secret access key", FieldType::Password),
            ConfigField::new("use_server_credentials", "Use the server's own AWS credentials", FieldType::Bool)
                .default(false)
                .superadmin_only()
                .help("Without keys: the server's AWS environment, profile or IAM role. Only a SuperAdmin may switch this on"),
            ConfigField::new("storage_class", "Storage class", FieldType::Select)
                .options(STORAGE_CLASSES)
                .help("Empty for the bucket's default. GLACIER and DEEP_ARCHIVE must be restored before a backup can be read"),
        ]
    }

    pub fn from_config(config: &serde_json::Value) -> Result<Self> {
        let form: FormConfig = serde_json::from_value(config.clone())
            .map_err(|e| AdapterError::InvalidConfig(format!("S3 destination: {e}")))?;
        // Keyless, the SDK would act as the Bulwark host itself (its environment, profile
        // or IAM role): only when that was asked for (finding 10 of docs/SECURITY.md).
        let keyless = non_empty(form.access_key_id.clone()).is_none()
            && non_empty(form.secret_access_key.clone()).is_none();
        if keyless && !form.use_server_credentials.unwrap_or(false) {
            return Err(AdapterError::InvalidConfig(
                "S3 destination: enter an access key ID and secret access key, or have a SuperAdmin switch on \"Use the server's own AWS credentials\"".into(),
            ));
        }
        Self::new(S3Config {
            endpoint: non_empty(form.endpoint),
            region: non_empty(form.region).unwrap_or_else(|| DEFAULT_REGION.to_string()),
            bucket: form.bucket.trim().to_string(),
            prefix: form.prefix.unwrap_or_default(),
            path_style: form.path_style.unwrap_or(false),
            access_key_id: non_empty(form.access_key_id),
            secret_access_key: non_empty(form.secret_access_key),
            storage_class: non_empty(form.storage_class),
            ..S3Config::default()
        })
    }
}
