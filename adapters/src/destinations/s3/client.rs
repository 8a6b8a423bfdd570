//! Builds the S3 client: endpoint, addressing style, credentials, timeouts and retries.

use super::error::Target;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Builder, Credentials, Region};
use std::time::Duration;

/// An unreachable endpoint should fail in seconds, not hang a backup run.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_ATTEMPTS: u32 = 3;

pub(super) struct ClientSettings<'a> {
    pub endpoint: Option<&'a str>,
    pub region: &'a str,
    pub path_style: bool,
}

fn builder(settings: &ClientSettings<'_>) -> Builder {
    let mut builder = Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(settings.region.to_string()))
        .force_path_style(settings.path_style)
        .timeout_config(TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).build())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
    if let Some(endpoint) = settings.endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    builder
}

pub(super) fn static_client(settings: &ClientSettings<'_>, access_key_id: &str, secret: &str) -> Client {
    let credentials = Credentials::new(access_key_id, secret, None, None, "bulwark-config");
    Client::from_conf(builder(settings).credentials_provider(credentials).build())
}

/// A client using the standard AWS credential chain (environment, profile, web identity,
/// container and instance metadata).
pub(super) async fn default_chain_client(settings: &ClientSettings<'_>) -> Client {
    let chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .region(Region::new(settings.region.to_string()))
        .build()
        .await;
    Client::from_conf(builder(settings).credentials_provider(chain).build())
}

/// One object's client, bucket and key: what a writer needs, shareable with its upload tasks.
pub(super) struct ObjectRef {
    pub client: Client,
    pub bucket: String,
    /// The full key, prefix included.
    pub key: String,
    /// The key relative to the destination's prefix, as callers name it.
    pub relative: String,
    pub endpoint: String,
    pub storage_class: Option<aws_sdk_s3::types::StorageClass>,
}

impl ObjectRef {
    pub fn target(&self) -> Target<'_> {
        Target {
            endpoint: &self.endpoint,
            bucket: &self.bucket,
        }
    }

    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}
