//! Discord webhooks, as one embed: the title (linking to the execution), the summary,
//! the colour of the severity, the fields inline, a timestamp and a footer naming the event.
//! <https://discord.com/developers/docs/resources/webhook#execute-webhook>,
//! <https://discord.com/developers/docs/resources/message#embed-object>

use super::Targets;
use super::http::{self, parse_url};
use super::{Message, Rendered, clip};
use crate::config::Config;
use crate::error::Result;
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use chrono::SecondsFormat;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct DiscordNotifier {
    url: url::Url,
    username: String,
}

/// Discord's limits: a title 256 characters, a description 4096, at most 25 fields with
/// names of 256 and values of 1024, a webhook username 80, and 6000 in all (title,
/// description, field names and values, footer).
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
const FIELDS_MAX: usize = 25;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;
const USERNAME_MAX: usize = 80;
const EMBED_MAX: usize = 6000;

const DEFAULT_USERNAME: &str = "Bulwark";

/// Discord refuses an embed field with an empty name or value; a zero-width space shows
/// as nothing.
const BLANK: &str = "\u{200b}";

impl DiscordNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("webhook_url", "Webhook URL", FieldType::Password)
                .endpoint()
                .required()
                .help("The webhook's URL, https://discord.com/api/webhooks/…"),
            ConfigField::new("username", "Username", FieldType::Text)
                .default(DEFAULT_USERNAME)
                .help("The name the messages are posted under."),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let config = Config::parse(&Self::schema(), config)?;
        let url = parse_url("the webhook URL", &config.required("webhook_url")?)?;
        let username = config
            .string("username")
            .unwrap_or_else(|| DEFAULT_USERNAME.to_string());
        Ok(DiscordNotifier {
            url,
            username: clip(&username, USERNAME_MAX),
        })
    }
}

fn non_blank(text: String) -> String {
    if text.trim().is_empty() {
        BLANK.to_string()
    } else {
        text
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

pub fn embed(message: &Message) -> Value {
    let title = clip(&message.title, TITLE_MAX);
    let description = clip(&message.summary, DESCRIPTION_MAX);
    let footer = format!("Bulwark · {}", message.event);
    // Each part is clipped to its own limit; the fields then fill what the 6000 in all
    // leaves, in order, and the ones that no longer fit are left out.
    let mut total = chars(&title) + chars(&description) + chars(&footer);
    let mut fields = Vec::new();
    for field in message.fields.iter().take(FIELDS_MAX) {
        let name = non_blank(clip(&field.name, FIELD_NAME_MAX));
        let value = non_blank(clip(&field.value, FIELD_VALUE_MAX));
        total += chars(&name) + chars(&value);
        if total > EMBED_MAX {
            break;
        }
        fields.push(json!({"name": name, "value": value, "inline": true}));
    }
    let mut embed = json!({
        "title": title,
        "description": description,
        "color": message.severity.rgb(),
        "fields": fields,
        "timestamp": message.timestamp.to_rfc3339_opts(SecondsFormat::Secs, true),
        "footer": {"text": footer},
    });
    if let Some(link) = &message.link {
        embed["url"] = json!(link);
    }
    embed
}

#[async_trait]
impl Notifier for DiscordNotifier {
    fn kind(&self) -> &'static str {
        "discord"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        Ok(Rendered::json(&json!({
            "username": self.username,
            "embeds": [embed(message)],
        })))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        // Without `?wait=true` Discord answers 204 No Content.
        http::post_json(targets, &self.url, &rendered.payload).await
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::notifier("discord", "Discord", DiscordNotifier::schema, |c| {
    Ok(Arc::new(DiscordNotifier::from_config(c)?))
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{Field, Severity};

    fn message(fields: usize) -> Message {
        Message {
            event: "backup_failure".into(),
            title: "Backup failed: nightly".into(),
            summary: "pg_dump exited with code 1".into(),
            fields: (0..fields).map(|i| Field::new(format!("f{i}"), "v")).collect(),
            severity: Severity::Failure,
            link: Some("http://localhost:3000/executions/7".into()),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn one_embed_with_colour_inline_fields_and_footer() {
        let e = embed(&message(2));
        assert_eq!(e["title"], "Backup failed: nightly");
        assert_eq!(e["url"], "http://localhost:3000/executions/7");
        assert_eq!(e["color"], 0xE0_1E_5A);
        assert_eq!(e["timestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(e["footer"]["text"], "Bulwark · backup_failure");
        assert_eq!(
            e["fields"][1],
            json!({"name": "f1", "value": "v", "inline": true})
        );
    }

    #[test]
    fn no_link_no_url_and_empty_values_are_not_sent_empty() {
        let mut m = message(0);
        m.link = None;
        m.fields = vec![Field::new("Note", "")];
        let e = embed(&m);
        assert!(e.get("url").is_none(), "{e}");
        assert_eq!(e["fields"][0]["value"], BLANK);
    }

    #[test]
    fn limits_are_respected() {
        let mut m = message(30);
        m.title = "t".repeat(300);
        m.summary = "s".repeat(5000);
        let e = embed(&m);
        assert_eq!(e["title"].as_str().unwrap().chars().count(), TITLE_MAX);
        assert!(e["title"].as_str().unwrap().ends_with('…'));
        assert_eq!(
            e["description"].as_str().unwrap().chars().count(),
            DESCRIPTION_MAX
        );
        assert_eq!(e["fields"].as_array().unwrap().len(), FIELDS_MAX);
    }

    #[test]
    fn fields_that_would_pass_6000_in_all_are_left_out() {
        let mut m = message(0);
        m.summary = "s".repeat(4000);
        m.fields = (0..5)
            .map(|i| Field::new(format!("f{i}"), "v".repeat(1000)))
            .collect();
        let e = embed(&m);
        let fields = e["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1);
        let text = |v: &Value| v.as_str().unwrap().chars().count();
        let total = text(&e["title"])
            + text(&e["description"])
            + text(&e["footer"]["text"])
            + fields
                .iter()
                .map(|f| text(&f["name"]) + text(&f["value"]))
                .sum::<usize>();
        assert!(total <= EMBED_MAX, "{total}");
    }

    #[test]
    fn config_needs_a_web_url_and_defaults_the_username() {
        assert!(DiscordNotifier::from_config(&json!({})).is_err());
        assert!(DiscordNotifier::from_config(&json!({"webhook_url": "file:///etc/passwd"})).is_err());
        let url = "https://discord.com/api/webhooks/1/x";
        let n = DiscordNotifier::from_config(&json!({"webhook_url": url})).unwrap();
        assert_eq!(n.username, "Bulwark");
        let n = DiscordNotifier::from_config(&json!({"webhook_url": url, "username": "Backups"})).unwrap();
        assert_eq!(n.username, "Backups");
        let payload: Value = serde_json::from_str(&n.render(&message(1)).unwrap().payload).unwrap();
        assert_eq!(payload["username"], "Backups");
        assert_eq!(payload["embeds"].as_array().unwrap().len(), 1);
        assert!(!payload.to_string().contains("webhooks"), "the URL is a secret");
    }
}
