//! URLs for the command line: which source, which destination, which stored object.
//!
//! - sources: `postgres://user[:pass]@host[:port]/db` (db omitted or `*`: all),
//!   `mysql://…` (MariaDB too), `sqlite:///abs/path.db`
//! - destinations: `file:///abs/dir`, `s3://bucket/prefix?endpoint=…&region=…&path_style=true`
//!   (S3 credentials from the standard AWS environment variables)
//! - objects: a destination URL whose path ends in the object's key

use crate::destination::local::LocalDestination;
use crate::destination::s3::{S3Config, S3Destination};
use crate::error::{AdapterError, Result};
use crate::source::mysql::MysqlSource;
use crate::source::postgres::PostgresSource;
use crate::source::sqlite::SqliteSource;
use crate::traits::{Destination, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use url::Url;

/// A source and the databases the URL selects (empty: every database).
pub fn source(raw: &str) -> Result<(Arc<dyn Source>, Vec<String>)> {
    let scheme = raw.split_once("://").map(|(s, _)| s).unwrap_or_default();
    match scheme {
        "postgres" | "postgresql" => {
            let (s, dbs) = PostgresSource::from_url(raw)?;
            Ok((Arc::new(s), dbs))
        }
        "mysql" | "mariadb" => {
            let (s, dbs) = MysqlSource::from_url(&raw.replacen("mariadb://", "mysql://", 1))?;
            Ok((Arc::new(s), dbs))
        }
        "sqlite" => {
            let (s, dbs) = SqliteSource::from_url(raw)?;
            Ok((Arc::new(s), dbs))
        }
        _ => Err(AdapterError::InvalidConfig(format!(
            "unsupported source URL `{}`: use postgres://, mysql:// or sqlite:///",
            redact(raw)
        ))),
    }
}

pub fn destination(raw: &str) -> Result<Arc<dyn Destination>> {
    let url = parse(raw)?;
    match url.scheme() {
        "file" => Ok(Arc::new(LocalDestination::new(file_path(&url)?))),
        "s3" => Ok(Arc::new(S3Destination::new(s3_config(&url, url.path())?)?)),
        other => Err(AdapterError::InvalidConfig(format!(
            "unsupported destination `{other}://`: use file:///abs/dir or s3://bucket/prefix"
        ))),
    }
}

/// A stored object: the destination holding it and its key there.
pub fn object(raw: &str) -> Result<(Arc<dyn Destination>, String)> {
    let url = parse(raw)?;
    match url.scheme() {
        "file" => {
            let path = file_path(&url)?;
            let (dir, name) = split_file(&path)?;
            Ok((Arc::new(LocalDestination::new(dir)), name))
        }
        "s3" => {
            let key = url.path().trim_start_matches('/').to_string();
            if key.is_empty() || key.ends_with('/') {
                return Err(AdapterError::InvalidConfig(format!(
                    "`{raw}` names a folder, not a backup object"
                )));
            }
            Ok((Arc::new(S3Destination::new(s3_config(&url, "")?)?), key))
        }
        other => Err(AdapterError::InvalidConfig(format!(
            "unsupported object URL `{other}://`: use file:///abs/path or s3://bucket/key"
        ))),
    }
}

fn parse(raw: &str) -> Result<Url> {
    Url::parse(raw).map_err(|e| AdapterError::InvalidConfig(format!("`{}` is not a URL: {e}", redact(raw))))
}

fn file_path(url: &Url) -> Result<PathBuf> {
    if url.host_str().is_some_and(|h| !h.is_empty() && h != "localhost") {
        return Err(AdapterError::InvalidConfig(format!(
            "`{url}`: a file URL needs an absolute path, like file:///var/backups"
        )));
    }
    url.to_file_path()
        .map_err(|_| AdapterError::InvalidConfig(format!("`{url}` is not an absolute file path")))
}

fn split_file(path: &Path) -> Result<(PathBuf, String)> {
    match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
        (Some(dir), Some(name)) => Ok((dir.to_path_buf(), name.to_string())),
        _ => Err(AdapterError::InvalidConfig(format!(
            "`{}` is not a file",
            path.display()
        ))),
    }
}

fn s3_config(url: &Url, prefix: &str) -> Result<S3Config> {
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AdapterError::InvalidConfig("an s3:// URL needs a bucket: s3://bucket/prefix".into()))?
        .to_string();
    let mut config = S3Config {
        endpoint: None,
        region: std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|_| "us-east-1".into()),
        bucket,
        prefix: prefix.trim_matches('/').to_string(),
        path_style: false,
        access_key_id: None,
        secret_access_key: None,
        storage_class: None,
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

/// Hides a password in a URL for messages.
pub fn redact(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_objects_split_into_folder_and_key() {
        let (d, key) = object("file:///var/backups/20261122T000000Z_postgres-app.dump.zst.age").unwrap();
        assert_eq!(key, "20261122T000000Z_postgres-app.dump.zst.age");
        assert_eq!(d.describe(), "/var/backups");
        assert!(destination("file://relative/dir").is_err());
        assert!(object("ftp://x/y").is_err());
    }

    #[test]
    fn s3_urls() {
        let url = Url::parse(
            "s3://bkt/some/prefix/?endpoint=http://127.0.0.1:9000&region=eu-west-1&path_style=true",
        )
        .unwrap();
        let c = s3_config(&url, url.path()).unwrap();
        assert_eq!(c.bucket, "bkt");
        assert_eq!(c.prefix, "some/prefix");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(c.region, "eu-west-1");
        assert!(c.path_style);
        let bad = Url::parse("s3://bkt/?colour=red").unwrap();
        assert!(s3_config(&bad, "").unwrap_err().to_string().contains("colour"));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        let err = source("redis://x").err().expect("redis is not a source yet");
        assert!(err.to_string().contains("unsupported source"), "{err}");
    }
}
