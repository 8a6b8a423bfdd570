//! The adapter registry: each adapter id maps to its constructor and its config schema.
//! Adding an adapter is one module plus one entry here; the console renders its form
//! from the schema, so no UI code is written per adapter.

use crate::destination::{LocalDestination, S3Destination};
use crate::error::{AdapterError, Result};
use crate::notify::discord::DiscordNotifier;
use crate::notify::email::EmailNotifier;
use crate::notify::gotify::GotifyNotifier;
use crate::notify::ntfy::NtfyNotifier;
use crate::notify::slack::SlackNotifier;
use crate::notify::teams::TeamsNotifier;
use crate::notify::telegram::TelegramNotifier;
use crate::notify::webhook::WebhookNotifier;
use crate::schema::ConfigField;
use crate::source::{MysqlSource, PostgresSource, SqliteSource};
use crate::traits::{Destination, Notifier, Source};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

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

pub struct AdapterInfo {
    pub id: &'static str,
    pub label: &'static str,
    pub schema: fn() -> Vec<ConfigField>,
    build: Constructor,
}

impl AdapterInfo {
    pub fn kind(&self) -> Kind {
        match self.build {
            Constructor::Source(_) => Kind::Source,
            Constructor::Destination(_) => Kind::Destination,
            Constructor::Notifier(_) => Kind::Notification,
        }
    }
}

fn arc_source<T: Source + 'static>(r: Result<T>) -> Result<Arc<dyn Source>> {
    r.map(|s| Arc::new(s) as Arc<dyn Source>)
}

fn arc_destination<T: Destination + 'static>(r: Result<T>) -> Result<Arc<dyn Destination>> {
    r.map(|d| Arc::new(d) as Arc<dyn Destination>)
}

fn arc_notifier<T: Notifier + 'static>(r: Result<T>) -> Result<Arc<dyn Notifier>> {
    r.map(|n| Arc::new(n) as Arc<dyn Notifier>)
}

pub static ADAPTERS: &[AdapterInfo] = &[
    AdapterInfo {
        id: "postgres",
        label: "PostgreSQL",
        schema: PostgresSource::schema,
        build: Constructor::Source(|c| arc_source(PostgresSource::from_config(c))),
    },
    AdapterInfo {
        id: "mysql",
        label: "MySQL / MariaDB",
        schema: MysqlSource::schema,
        build: Constructor::Source(|c| arc_source(MysqlSource::from_config(c))),
    },
    AdapterInfo {
        id: "sqlite",
        label: "SQLite",
        schema: SqliteSource::schema,
        build: Constructor::Source(|c| arc_source(SqliteSource::from_config(c))),
    },
    AdapterInfo {
        id: "local",
        label: "Local directory",
        schema: LocalDestination::schema,
        build: Constructor::Destination(|c| arc_destination(LocalDestination::from_config(c))),
    },
    AdapterInfo {
        id: "s3",
        label: "Amazon S3 and S3-compatible",
        schema: S3Destination::schema,
        build: Constructor::Destination(|c| arc_destination(S3Destination::from_config(c))),
    },
    AdapterInfo {
        id: "slack",
        label: "Slack",
        schema: SlackNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(SlackNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "discord",
        label: "Discord",
        schema: DiscordNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(DiscordNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "teams",
        label: "Microsoft Teams",
        schema: TeamsNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(TeamsNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "telegram",
        label: "Telegram",
        schema: TelegramNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(TelegramNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "email",
        label: "Email (SMTP)",
        schema: EmailNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(EmailNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "gotify",
        label: "Gotify",
        schema: GotifyNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(GotifyNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "ntfy",
        label: "ntfy",
        schema: NtfyNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(NtfyNotifier::from_config(c))),
    },
    AdapterInfo {
        id: "webhook",
        label: "Webhook (generic)",
        schema: WebhookNotifier::schema,
        build: Constructor::Notifier(|c| arc_notifier(WebhookNotifier::from_config(c))),
    },
];

pub fn find(id: &str) -> Option<&'static AdapterInfo> {
    ADAPTERS.iter().find(|a| a.id == id)
}

pub fn of_kind(kind: Kind) -> impl Iterator<Item = &'static AdapterInfo> {
    ADAPTERS.iter().filter(move |a| a.kind() == kind)
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
        assert_eq!(of_kind(Kind::Source).count(), 3);
        assert_eq!(of_kind(Kind::Destination).count(), 2);
    }
}
