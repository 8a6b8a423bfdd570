//! Amazon S3 and S3-compatible object stores (MinIO, Garage, Ceph, Wasabi, B2, R2…).

mod client;
mod config;
mod error;
mod part_buffer;
mod presets;
mod url_form;
mod writer;

pub use config::{DEFAULT_REGION, S3Config, STORAGE_CLASSES};
pub use writer::{MAX_PARTS, part_size};

use super::keys::{validate_key, validate_prefix};
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::traits::{ByteStream, Capabilities, Commit, Destination, DestinationWriter, ObjectInfo};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::StorageClass;
use client::{ClientSettings, ObjectRef, default_chain_client, static_client};
use error::{Missing, Target, map_sdk_error};
use part_buffer::{DEFAULT_MEMORY_PART_LIMIT, SpillPolicy};
use std::sync::Arc;
use tokio::sync::OnceCell;
use writer::{DEFAULT_FIRST_PART_SIZE, MAX_PART_SIZE, MIN_PART_SIZE, S3Writer};

pub struct S3Destination {
    config: S3Config,
    /// For messages: the custom endpoint, or `AWS S3 (region)`.
    endpoint_label: String,
    storage_class: Option<StorageClass>,
    client: OnceCell<Client>,
}

impl S3Destination {
    pub fn new(mut config: S3Config) -> Result<Self> {
        let invalid = |why: String| Err(AdapterError::InvalidConfig(format!("S3 destination: {why}")));
        if config.bucket.is_empty() || config.bucket.contains(['/', ' ']) {
            return invalid(format!("{:?} is not a bucket name", config.bucket));
        }
        if config.region.trim().is_empty() {
            config.region = DEFAULT_REGION.to_string();
        }
        config.prefix = config.prefix.trim_matches('/').to_string();
        if !config.prefix.is_empty() {
            validate_key(&config.prefix)?;
        }
        let endpoint_label = match &config.endpoint {
            Some(endpoint) => endpoint_host(endpoint)?,
            None => format!("AWS S3 ({})", config.region),
        };
        let storage_class = match &config.storage_class {
            Some(class) if STORAGE_CLASSES.contains(&class.as_str()) => {
                Some(StorageClass::from(class.as_str()))
            }
            Some(class) => return invalid(format!("unknown storage class {class:?}")),
            None => None,
        };
        if let Some(size) = config.min_part_size
            && !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&size)
        {
            return invalid(format!(
                "the part size must be between 5 MiB and 5 GiB, not {size} bytes"
            ));
        }
        let client = OnceCell::new();
        match (&config.access_key_id, &config.secret_access_key) {
            (Some(key), Some(secret)) => {
                let _ = client.set(static_client(&settings(&config), key, secret));
            }
            (None, None) => {}
            _ => return invalid("set both the access key ID and the secret access key, or neither".into()),
        }
        Ok(S3Destination {
            config,
            endpoint_label,
            storage_class,
            client,
        })
    }

    pub fn config(&self) -> &S3Config {
        &self.config
    }

    /// The SDK client, for callers (and tests) that need operations outside `Destination`,
    /// such as creating the bucket.
    pub async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async { default_chain_client(&settings(&self.config)).await })
            .await
    }

    /// Creates the configured bucket (outside us-east-1, in the configured region).
    pub async fn create_bucket(&self) -> Result<()> {
        let mut request = self.client().await.create_bucket().bucket(&self.config.bucket);
        if self.config.region != DEFAULT_REGION {
            let location = aws_sdk_s3::types::BucketLocationConstraint::from(self.config.region.as_str());
            let bucket_config = aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(location)
                .build();
            request = request.create_bucket_configuration(bucket_config);
        }
        request.send().await.map_err(|e| {
            map_sdk_error(
                e,
                &format!("creating bucket {}", self.config.bucket),
                &self.target(),
                Missing::Bucket,
            )
        })?;
        Ok(())
    }

    fn target(&self) -> Target<'_> {
        Target {
            endpoint: &self.endpoint_label,
            bucket: &self.config.bucket,
        }
    }

    fn full_key(&self, relative: &str) -> String {
        if self.config.prefix.is_empty() {
            relative.to_string()
        } else {
            format!("{}/{relative}", self.config.prefix)
        }
    }

    fn uri(&self, relative: &str) -> String {
        format!("s3://{}/{}", self.config.bucket, self.full_key(relative))
    }

    async fn head(&self, path: &str) -> Result<ObjectInfo> {
        validate_key(path)?;
        let head = self
            .client()
            .await
            .head_object()
            .bucket(&self.config.bucket)
            .key(self.full_key(path))
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &format!("reading {}", self.uri(path)),
                    &self.target(),
                    Missing::Object,
                )
            })?;
        Ok(ObjectInfo {
            path: path.to_string(),
            size: head.content_length.unwrap_or(0).max(0) as u64,
            modified_unix: head.last_modified.map(|t| t.secs()),
        })
    }

    /// HeadBucket answers 403 without saying why; listing one key does.
    async fn explain_forbidden(&self, head_error: AdapterError) -> AdapterError {
        let listed = self
            .client()
            .await
            .list_objects_v2()
            .bucket(&self.config.bucket)
            .max_keys(1)
            .send()
            .await;
        match listed {
            Err(e) if e.code().is_some() => map_sdk_error(
                e,
                &format!("listing s3://{}", self.config.bucket),
                &self.target(),
                Missing::Bucket,
            ),
            _ => head_error,
        }
    }
}

fn settings(config: &S3Config) -> ClientSettings<'_> {
    ClientSettings {
        endpoint: config.endpoint.as_deref(),
        region: &config.region,
        path_style: config.path_style,
    }
}

/// `host[:port]` of a custom endpoint, which must be an http(s) URL.
fn endpoint_host(endpoint: &str) -> Result<String> {
    // A preset's placeholder (`<account-id>`) left in.
    if let (Some(a), Some(b)) = (endpoint.find('<'), endpoint.find('>'))
        && a < b
    {
        return Err(AdapterError::InvalidConfig(format!(
            "S3 endpoint {endpoint:?}: replace {} with your own value",
            &endpoint[a..=b]
        )));
    }
    let url = url::Url::parse(endpoint)
        .map_err(|e| AdapterError::InvalidConfig(format!("S3 endpoint {endpoint:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AdapterError::InvalidConfig(format!(
            "S3 endpoint {endpoint:?} must start with https:// or http://"
        )));
    }
    let host = url.host_str().unwrap_or_default();
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

#[async_trait]
impl Destination for S3Destination {
    fn kind(&self) -> &'static str {
        "s3"
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn describe(&self) -> String {
        let location = if self.config.prefix.is_empty() {
            format!("s3://{}", self.config.bucket)
        } else {
            format!("s3://{}/{}", self.config.bucket, self.config.prefix)
        };
        match &self.config.endpoint {
            Some(_) => format!("{location} at {}", self.endpoint_label),
            None => location,
        }
    }

    async fn test_connection(&self) -> Result<()> {
        let result = self
            .client()
            .await
            .head_bucket()
            .bucket(&self.config.bucket)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let forbidden =
                    e.raw_response().is_some_and(|r| r.status().as_u16() == 403) && e.code().is_none();
                let mapped = map_sdk_error(
                    e,
                    &format!("checking bucket {}", self.config.bucket),
                    &self.target(),
                    Missing::Bucket,
                );
                Err(if forbidden {
                    self.explain_forbidden(mapped).await
                } else {
                    mapped
                })
            }
        }
    }

    async fn writer(&self, path: &str) -> Result<Box<dyn DestinationWriter>> {
        validate_key(path)?;
        let object = ObjectRef {
            client: self.client().await.clone(),
            bucket: self.config.bucket.clone(),
            key: self.full_key(path),
            relative: path.to_string(),
            endpoint: self.endpoint_label.clone(),
            storage_class: self.storage_class.clone(),
        };
        let first_part = self.config.min_part_size.unwrap_or(DEFAULT_FIRST_PART_SIZE);
        let spill = SpillPolicy {
            memory_limit: self.config.memory_part_limit.unwrap_or(DEFAULT_MEMORY_PART_LIMIT),
            dir: self.config.temp_dir.clone().unwrap_or_else(std::env::temp_dir),
        };
        Ok(Box::new(S3Writer::new(object, first_part, spill)))
    }

    async fn read(&self, path: &str) -> Result<ByteStream> {
        validate_key(path)?;
        let output = self
            .client()
            .await
            .get_object()
            .bucket(&self.config.bucket)
            .key(self.full_key(path))
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &format!("reading {}", self.uri(path)),
                    &self.target(),
                    Missing::Object,
                )
            })?;
        Ok(Box::pin(output.body.into_async_read()))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        validate_prefix(prefix)?;
        let root = if self.config.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.config.prefix)
        };
        let client = self.client().await;
        let mut objects = Vec::new();
        let mut token = None;
        loop {
            let page = client
                .list_objects_v2()
                .bucket(&self.config.bucket)
                .prefix(format!("{root}{prefix}"))
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| {
                    map_sdk_error(
                        e,
                        &format!("listing s3://{}/{root}{prefix}", self.config.bucket),
                        &self.target(),
                        Missing::Bucket,
                    )
                })?;
            for object in page.contents() {
                let Some(relative) = object.key().and_then(|k| k.strip_prefix(&root)) else {
                    continue;
                };
                // Skips "folder" markers some consoles create.
                if relative.is_empty() || relative.ends_with('/') {
                    continue;
                }
                objects.push(ObjectInfo {
                    path: relative.to_string(),
                    size: object.size().unwrap_or(0).max(0) as u64,
                    modified_unix: object.last_modified().map(|t| t.secs()),
                });
            }
            token = page.next_continuation_token().map(str::to_string);
            if token.is_none() || page.is_truncated() != Some(true) {
                break;
            }
        }
        objects.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(objects)
    }

    async fn stat(&self, path: &str) -> Result<ObjectInfo> {
        self.head(path).await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        // S3 deletes missing keys silently; the contract says NotFound.
        self.head(path).await?;
        self.client()
            .await
            .delete_object()
            .bucket(&self.config.bucket)
            .key(self.full_key(path))
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &format!("deleting {}", self.uri(path)),
                    &self.target(),
                    Missing::Object,
                )
            })?;
        Ok(())
    }
}

const CAPABILITIES: Capabilities = Capabilities {
    list: true,
    delete: true,
    commit: Commit::Staged,
};

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::destination(
    "s3",
    "Amazon S3 and S3-compatible",
    S3Destination::schema,
    CAPABILITIES,
    &url_form::URLS,
    |c| Ok(Arc::new(S3Destination::from_config(c)?)),
)
.with_presets(&presets::PRESETS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_fills_known_fields_and_builds_once_its_placeholders_are_replaced() {
        let fields: Vec<&str> = S3Destination::schema().iter().map(|f| f.name).collect();
        for p in ADAPTER.presets() {
            let mut config =
                serde_json::json!({"bucket": "b", "access_key_id": "k", "secret_access_key": "s"});
            for (name, _) in p.values {
                assert!(fields.contains(name), "{}: no field {name}", p.id);
            }
            p.apply(&mut config);
            let placeholder = config["endpoint"].as_str().unwrap().contains('<');
            match S3Destination::from_config(&config) {
                Ok(_) => assert!(!placeholder, "{}: a placeholder endpoint was accepted", p.id),
                Err(e) => {
                    assert!(placeholder, "{}: {e}", p.id);
                    assert!(e.to_string().contains("replace <"), "{}: {e}", p.id);
                    let endpoint = config["endpoint"].as_str().unwrap().replace(['<', '>'], "");
                    config["endpoint"] = serde_json::json!(endpoint);
                    S3Destination::from_config(&config).unwrap_or_else(|e| panic!("{}: {e}", p.id));
                }
            }
        }
        assert_eq!(ADAPTER.presets().len(), 7);
    }
    use serde_json::json;

    #[test]
    fn keyless_needs_the_servers_credentials_switched_on() {
        for off in [
            json!({"bucket": "b"}),
            json!({"bucket": "b", "access_key_id": "", "use_server_credentials": false}),
        ] {
            let err = S3Destination::from_config(&off).err().unwrap().to_string();
            assert!(err.contains("Use the server's own AWS credentials"), "{err}");
        }
        assert!(
            S3Destination::from_config(
                &json!({"bucket": "b", "access_key_id": "k", "secret_access_key": "s"})
            )
            .is_ok()
        );
    }

    #[test]
    fn form_settings_are_normalised() {
        let d = S3Destination::from_config(&json!({
            "endpoint": "", "region": "", "bucket": "backups", "prefix": "/team/db/",
            "access_key_id": "", "secret_access_key": "", "storage_class": "",
            "use_server_credentials": true
        }))
        .unwrap();
        assert_eq!(d.config().region, DEFAULT_REGION);
        assert_eq!(d.config().prefix, "team/db");
        assert_eq!(d.config().endpoint, None);
        assert_eq!(d.describe(), "s3://backups/team/db");
        assert_eq!(d.uri("a/b"), "s3://backups/team/db/a/b");
    }

    #[test]
    fn describe_names_a_custom_endpoint_but_no_secrets() {
        let d = S3Destination::new(S3Config {
            endpoint: Some("http://user:pw@127.0.0.1:9000/".into()),
            bucket: "b".into(),
            access_key_id: Some("AKIA".into()),
            secret_access_key: Some("topsecret".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(d.describe(), "s3://b at http://127.0.0.1:9000");
        assert!(!format!("{:?}", d.config()).contains("topsecret"));
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad = [
            json!({"bucket": ""}),
            json!({"bucket": "b", "endpoint": "ftp://x"}),
            json!({"bucket": "b", "storage_class": "COLD"}),
            json!({"bucket": "b", "access_key_id": "only-the-id"}),
            json!({"bucket": "b", "prefix": "a/../b"}),
            json!({"region": "eu-west-1"}),
        ];
        for config in bad {
            assert!(
                matches!(
                    S3Destination::from_config(&config),
                    Err(AdapterError::InvalidConfig(_))
                ),
                "{config}"
            );
        }
    }

    #[test]
    fn the_schema_marks_the_secret() {
        let schema = S3Destination::schema();
        let secret: Vec<_> = schema.iter().filter(|f| f.secret).map(|f| f.name).collect();
        assert_eq!(secret, ["secret_access_key"]);
    }
}
