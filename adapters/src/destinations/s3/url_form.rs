//! `s3://bucket/prefix?endpoint=…&region=…&path_style=true` for the command line, and
//! `s3://bucket/key` for one object. Credentials come from the standard AWS environment.

use super::{DEFAULT_REGION, S3Config, S3Destination};
use crate::error::{AdapterError, Result};
use crate::registry::DestinationUrls;
use crate::traits::Destination;
use std::sync::Arc;
use url::Url;

pub static URLS: DestinationUrls = DestinationUrls {
    schemes: &["s3"],
    example: "s3://bucket/prefix",
    destination: |url| Ok(Arc::new(S3Destination::new(config(url, url.path())?)?)),
    object: |url| {
        let key = url.path().trim_start_matches('/').to_string();
        if key.is_empty() || key.ends_with('/') {
            return Err(AdapterError::InvalidConfig(format!(
                "`{url}` names a folder, not a backup object"
            )));
        }
        Ok((
            Arc::new(S3Destination::new(config(url, "")?)?) as Arc<dyn Destination>,
            key,
        ))
    },
};

fn config(url: &Url, prefix: &str) -> Result<S3Config> {
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AdapterError::InvalidConfig("an s3:// URL needs a bucket: s3://bucket/prefix".into()))?
        .to_string();
    let mut config = S3Config {
        region: std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|_| DEFAULT_REGION.into()),
        bucket,
        prefix: prefix.trim_matches('/').to_string(),
        ..S3Config::default()
    };
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "endpoint" => config.endpoint = Some(v.into_owned()),
            "region" => config.region = v.into_owned(),
            "path_style" => config.path_style = matches!(v.as_ref(), "true" | "1" | "yes"),
            "storage_class" => config.storage_class = Some(v.into_owned()),
            other => {
                return Err(AdapterError::InvalidConfig(format!(
                    "unknown s3 URL option `{other}` (endpoint, region, path_style, storage_class)"
                )));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_prefix_and_options() {
        let url = Url::parse(
            "s3://bkt/some/prefix/?endpoint=http://127.0.0.1:9000&region=eu-west-1&path_style=true",
        )
        .unwrap();
        let c = config(&url, url.path()).unwrap();
        assert_eq!(c.bucket, "bkt");
        assert_eq!(c.prefix, "some/prefix");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(c.region, "eu-west-1");
        assert!(c.path_style);
        let bad = Url::parse("s3://bkt/?colour=red").unwrap();
        assert!(config(&bad, "").unwrap_err().to_string().contains("colour"));
    }
}
