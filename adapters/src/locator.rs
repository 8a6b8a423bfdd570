//! URLs for the command line: which source, which destination, which stored object.
//!
//! - sources: `postgres://user[:pass]@host[:port]/db` (db omitted or `*`: all),
//!   `mysql://…` (MariaDB too), `sqlite:///abs/path.db`
//! - destinations: `file:///abs/dir`, `s3://bucket/prefix?endpoint=…&region=…&path_style=true`
//!   (S3 credentials from the standard AWS environment variables)
//! - objects: a destination URL whose path ends in the object's key

use crate::error::{AdapterError, Result};
use crate::registry::{self, DestinationUrls, Kind};
use crate::traits::{Destination, Source};
use std::sync::Arc;
use url::Url;

/// A source and the databases the URL selects (empty: every database).
pub fn source(raw: &str) -> Result<(Arc<dyn Source>, Vec<String>)> {
    let scheme = raw.split_once("://").map(|(s, _)| s).unwrap_or_default();
    match registry::source_urls(scheme) {
        Some(urls) => (urls.source)(raw),
        None => {
            let known: Vec<&str> = registry::of_kind(Kind::Source)
                .filter_map(|a| a.source_urls())
                .map(|u| u.example)
                .collect();
            Err(AdapterError::InvalidConfig(format!(
                "unsupported source URL `{}`: use {}",
                redact(raw),
                known.join(", ")
            )))
        }
    }
}

pub fn destination(raw: &str) -> Result<Arc<dyn Destination>> {
    let url = parse(raw)?;
    (urls_for(&url, "destination")?.destination)(&url)
}

/// A stored object: the destination holding it and its key there.
pub fn object(raw: &str) -> Result<(Arc<dyn Destination>, String)> {
    let url = parse(raw)?;
    (urls_for(&url, "object")?.object)(&url)
}

/// The destination adapter that reads this URL's scheme; the error lists those there are.
fn urls_for(url: &Url, what: &str) -> Result<&'static DestinationUrls> {
    registry::destination_urls(url.scheme()).ok_or_else(|| {
        let known: Vec<&str> = registry::of_kind(Kind::Destination)
            .filter_map(|a| a.urls())
            .map(|u| u.example)
            .collect();
        AdapterError::InvalidConfig(format!(
            "unsupported {what} URL `{}://`: use {}",
            url.scheme(),
            known.join(" or ")
        ))
    })
}

fn parse(raw: &str) -> Result<Url> {
    Url::parse(raw).map_err(|e| AdapterError::InvalidConfig(format!("`{}` is not a URL: {e}", redact(raw))))
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
    fn schemes_come_from_the_registry() {
        let err = destination("ftp://host/dir").err().unwrap().to_string();
        assert!(err.contains("file:///abs/dir or s3://bucket/prefix"), "{err}");
        assert_eq!(destination("s3://bkt/p?region=eu-west-1").unwrap().kind(), "s3");
        let (_, key) = object("s3://bkt/p/x.dump").unwrap();
        assert_eq!(key, "p/x.dump");
        assert!(object("s3://bkt/p/").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        let err = source("redis://x").err().expect("redis is not a source yet");
        assert!(err.to_string().contains("unsupported source"), "{err}");
    }
}
