//! The adapter registry: each adapter id maps to its constructor and its config schema.
//! Adding an adapter is one module plus one entry here; the console renders its form
//! from the schema, so no UI code is written per adapter.

use crate::error::{AdapterError, Result};
use crate::schema::ConfigField;
use crate::traits::{Capabilities, Destination, Notifier, Source};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Source,
    Destination,
    Notification,
}

type Build<T> = fn(&Value) -> Result<Arc<T>>;

enum Constructor {
    Source(Build<dyn Source>),
    Destination(Build<dyn Destination>),
    Notifier(Build<dyn Notifier>),
}

/// A stored object: the destination holding it and its key there.
pub type Located = (Arc<dyn Destination>, String);

/// A source and the databases its URL selects (empty: every database).
pub type SourceAndDatabases = (Arc<dyn Source>, Vec<String>);

/// How the command line names a source by URL.
pub struct SourceUrls {
    pub schemes: &'static [&'static str],
    /// For messages: `postgres://`.
    pub example: &'static str,
    pub(crate) source: fn(&str) -> Result<SourceAndDatabases>,
}

/// How the command line names a destination, or an object in it, by URL.
pub struct DestinationUrls {
    pub schemes: &'static [&'static str],
    /// For messages: `s3://bucket/prefix`.
    pub example: &'static str,
    pub(crate) destination: fn(&Url) -> Result<Arc<dyn Destination>>,
    pub(crate) object: fn(&Url) -> Result<Located>,
}

/// A named starting point for an adapter's form: the values it fills in (for example
/// an S3 provider's endpoint, region and addressing style).
pub struct Preset {
    pub id: &'static str,
    pub label: &'static str,
    pub values: &'static [(&'static str, &'static str)],
    /// What is still to be entered or replaced, for people.
    pub note: &'static str,
}

impl Preset {
    /// Lays its values over a config in the stored form's shape (switches as booleans).
    pub fn apply(&self, config: &mut Value) {
        for (name, value) in self.values {
            config[*name] = match *value {
                "true" | "false" => Value::Bool(*value == "true"),
                v => Value::from(v),
            };
        }
    }
}

/// One adapter: its id, its label, its config schema (which draws the console form,
/// validates input and documents the REST API) and its constructor. Each adapter's
/// module declares its own `ADAPTER`; [`ADAPTERS`] lists them, one line each.
pub struct AdapterInfo {
    pub id: &'static str,
    pub label: &'static str,
    pub schema: fn() -> Vec<ConfigField>,
    build: Constructor,
    urls: Option<&'static DestinationUrls>,
    capabilities: Option<Capabilities>,
    presets: &'static [Preset],
    source_urls: Option<&'static SourceUrls>,
}

impl AdapterInfo {
    pub const fn source(
        id: &'static str,
        label: &'static str,
        schema: fn() -> Vec<ConfigField>,
        build: Build<dyn Source>,
    ) -> Self {
        Self {
            id,
            label,
            schema,
            build: Constructor::Source(build),
            urls: None,
            capabilities: None,
            presets: &[],
            source_urls: None,
        }
    }

    pub const fn destination(
        id: &'static str,
        label: &'static str,
        schema: fn() -> Vec<ConfigField>,
        capabilities: Capabilities,
        urls: &'static DestinationUrls,
        build: Build<dyn Destination>,
    ) -> Self {
        Self {
            id,
            label,
            schema,
            build: Constructor::Destination(build),
            urls: Some(urls),
            capabilities: Some(capabilities),
            presets: &[],
            source_urls: None,
        }
    }

    pub const fn notifier(
        id: &'static str,
        label: &'static str,
        schema: fn() -> Vec<ConfigField>,
        build: Build<dyn Notifier>,
    ) -> Self {
        Self {
            id,
            label,
            schema,
            build: Constructor::Notifier(build),
            urls: None,
            capabilities: None,
            presets: &[],
            source_urls: None,
        }
    }

    pub const fn with_source_urls(mut self, urls: &'static SourceUrls) -> Self {
        self.source_urls = Some(urls);
        self
    }

    pub fn source_urls(&self) -> Option<&'static SourceUrls> {
        self.source_urls
    }

    pub const fn with_presets(mut self, presets: &'static [Preset]) -> Self {
        self.presets = presets;
        self
    }

    pub fn presets(&self) -> &'static [Preset] {
        self.presets
    }

    pub fn kind(&self) -> Kind {
        match self.build {
            Constructor::Source(_) => Kind::Source,
            Constructor::Destination(_) => Kind::Destination,
            Constructor::Notifier(_) => Kind::Notification,
        }
    }

    pub fn urls(&self) -> Option<&'static DestinationUrls> {
        self.urls
    }

    /// A destination's capabilities; `None` for sources and notifiers.
    pub fn capabilities(&self) -> Option<Capabilities> {
        self.capabilities
    }
}

pub static ADAPTERS: &[&AdapterInfo] = &[
    &crate::sources::postgres::ADAPTER,
    &crate::sources::mysql::ADAPTER,
    &crate::sources::sqlite::ADAPTER,
    &crate::destinations::local::ADAPTER,
    &crate::destinations::s3::ADAPTER,
    &crate::notify::slack::ADAPTER,
    &crate::notify::discord::ADAPTER,
    &crate::notify::teams::ADAPTER,
    &crate::notify::telegram::ADAPTER,
    &crate::notify::email::ADAPTER,
    &crate::notify::gotify::ADAPTER,
    &crate::notify::ntfy::ADAPTER,
    &crate::notify::webhook::ADAPTER,
];

pub fn find(id: &str) -> Option<&'static AdapterInfo> {
    ADAPTERS.iter().copied().find(|a| a.id == id)
}

pub fn of_kind(kind: Kind) -> impl Iterator<Item = &'static AdapterInfo> {
    ADAPTERS.iter().copied().filter(move |a| a.kind() == kind)
}

/// The source adapter that reads URLs of `scheme`.
pub fn source_urls(scheme: &str) -> Option<&'static SourceUrls> {
    of_kind(Kind::Source)
        .filter_map(|a| a.source_urls)
        .find(|u| u.schemes.contains(&scheme))
}

/// The destination adapter that reads URLs of `scheme`.
pub fn destination_urls(scheme: &str) -> Option<&'static DestinationUrls> {
    of_kind(Kind::Destination)
        .filter_map(|a| a.urls)
        .find(|u| u.schemes.contains(&scheme))
}

fn unknown(id: &str, kind: Kind) -> AdapterError {
    let known: Vec<&str> = of_kind(kind).map(|a| a.id).collect();
    AdapterError::InvalidConfig(
        format!("unknown {kind:?} adapter `{id}` (known: {})", known.join(", ")).to_lowercase(),
    )
}

pub fn source(id: &str, config: &Value) -> Result<Arc<dyn Source>> {
    match find(id).map(|a| &a.build) {
        Some(Constructor::Source(build)) => build(config),
        _ => Err(unknown(id, Kind::Source)),
    }
}

pub fn destination(id: &str, config: &Value) -> Result<Arc<dyn Destination>> {
    match find(id).map(|a| &a.build) {
        Some(Constructor::Destination(build)) => build(config),
        _ => Err(unknown(id, Kind::Destination)),
    }
}

pub fn notifier(id: &str, config: &Value) -> Result<Arc<dyn Notifier>> {
    match find(id).map(|a| &a.build) {
        Some(Constructor::Notifier(build)) => build(config),
        _ => Err(unknown(id, Kind::Notification)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FieldType;
    use serde_json::json;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_schemas_well_formed() {
        let mut ids = HashSet::new();
        for a in ADAPTERS {
            assert!(ids.insert(a.id), "duplicate id {}", a.id);
            let schema = (a.schema)();
            let mut names = HashSet::new();
            for f in &schema {
                assert!(names.insert(f.name), "{}: duplicate field {}", a.id, f.name);
                assert!(!f.label.is_empty(), "{}.{} has no label", a.id, f.name);
                if f.field_type == FieldType::Password {
                    assert!(f.secret, "{}.{} is a password but not secret", a.id, f.name);
                }
                if f.field_type == FieldType::Select {
                    assert!(
                        !f.options.is_empty(),
                        "{}.{} select without options",
                        a.id,
                        f.name
                    );
                }
                if f.name.contains("password") || f.name.contains("secret") {
                    assert!(f.secret, "{}.{} looks secret but is not marked so", a.id, f.name);
                }
                if [
                    "host",
                    "port",
                    "url",
                    "server_url",
                    "api_url",
                    "endpoint",
                    "webhook_url",
                ]
                .contains(&f.name)
                    || f.name.ends_with("_tool")
                    || f.name == "tool_dir"
                {
                    assert!(
                        f.endpoint,
                        "{}.{} decides where secrets go but is not an endpoint",
                        a.id, f.name
                    );
                }
                if f.name.ends_with("_tool") || f.name == "tool_dir" {
                    assert!(
                        f.program,
                        "{}.{} runs a program but is not marked so",
                        a.id, f.name
                    );
                }
                if f.field_type == FieldType::Path && !f.program {
                    assert!(
                        f.host_path,
                        "{}.{} is a host path but is not marked so",
                        a.id, f.name
                    );
                }
            }
            // An edit keeps stored secrets only while their endpoint stays: an adapter
            // with secrets but no endpoint would let them follow any change.
            if schema.iter().any(|f| f.secret) {
                assert!(
                    schema.iter().any(|f| f.endpoint),
                    "{} has secrets but no endpoint field",
                    a.id
                );
            }
        }
    }

    #[test]
    fn constructors_build_from_config_and_refuse_bad_ones() {
        let pg = source("postgres", &json!({"host": "db.example", "username": "backup"})).unwrap();
        assert_eq!(pg.kind(), "postgres");
        let local = destination("local", &json!({"path": "/var/backups"})).unwrap();
        assert_eq!(local.kind(), "local");
        let s3 = destination(
            "s3",
            &json!({"bucket": "b", "region": "eu-west-1", "use_server_credentials": true}),
        )
        .unwrap();
        assert!(
            destination("s3", &json!({"bucket": "b"})).is_err(),
            "keyless needs the switch"
        );
        assert!(s3.describe().contains("s3://b"));
        assert!(destination("local", &json!({"path": "relative"})).is_err());
        assert!(
            source("local", &json!({}))
                .err()
                .unwrap()
                .to_string()
                .contains("unknown source adapter")
        );
        assert!(destination("ftp", &json!({})).is_err());
        assert!(
            of_kind(Kind::Source).all(|a| a.source_urls().is_some()),
            "every source has a URL form"
        );
        let destinations: Vec<_> = of_kind(Kind::Destination).collect();
        assert!(
            destinations.iter().all(|a| a.urls().is_some()),
            "every destination has a URL form"
        );
    }
}
