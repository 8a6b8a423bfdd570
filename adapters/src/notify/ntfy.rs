//! ntfy, published as JSON to the server's root URL: title, Markdown message, priority,
//! a severity emoji tag first, then the configured tags, and a click action and button to
//! the execution. An access token travels as `Authorization: Bearer`.
//! <https://docs.ntfy.sh/publish/#publish-as-json>

use super::Targets;
use super::gotify::markdown_text;
use super::http::{self, origin, parse_url};
use super::{Message, Rendered, Severity};
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct NtfyNotifier {
    /// The server's root, where JSON is published.
    url: url::Url,
    topic: String,
    token: Option<String>,
    priority: u8,
    tags: Vec<String>,
}

const DEFAULT_SERVER: &str = "https://ntfy.sh";
const PRIORITIES: &[&str] = &["1", "2", "3", "4", "5"];
const DEFAULT_PRIORITY: u8 = 3;
/// Good news and information never ring louder than this ("low").
const QUIET_PRIORITY: u8 = 2;
/// ntfy's default message size limit, in bytes; larger messages are refused or turned
/// into attachments.
const MESSAGE_MAX_BYTES: usize = 4096;
const TOPIC_MAX: usize = 64;

impl NtfyNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("server_url", "Server URL", FieldType::Url)
                .endpoint()
                .default(DEFAULT_SERVER)
                .help("https://ntfy.sh or your own ntfy server."),
            ConfigField::new("topic", "Topic", FieldType::Text)
                .required()
                .help("Letters, digits, - and _, up to 64. On ntfy.sh anyone who knows it can read it."),
            ConfigField::new("token", "Access token", FieldType::Password)
                .help("For a protected topic: an access token (tk_…), sent as a bearer token."),
            ConfigField::new("priority", "Priority", FieldType::Select)
                .options(PRIORITIES)
                .default(DEFAULT_PRIORITY.to_string())
                .help(
                    "1 (min) to 5 (max), for failures and warnings. Successes and information are \
                     sent at 2 (low), or at this priority when it is lower.",
                ),
            ConfigField::new("tags", "Tags", FieldType::List)
                .help("Extra tags or emoji short codes, one per line, shown after the severity emoji."),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let parsed = Config::parse(&Self::schema(), config)?;
        let raw_url = parsed
            .string("server_url")
            .unwrap_or_else(|| DEFAULT_SERVER.into());
        let url = parse_url("the server URL", &raw_url)?;
        let topic = parsed.required("topic")?.trim().to_string();
        let topic_ok = topic.len() <= TOPIC_MAX
            && topic
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !topic_ok {
            return Err(AdapterError::InvalidConfig(
                "the topic may hold only letters, digits, - and _, at most 64 of them".into(),
            ));
        }
        let priority = match parsed.string("priority") {
            None => DEFAULT_PRIORITY,
            Some(p) => p.parse().expect("validated against the options"),
        };
        Ok(NtfyNotifier {
            url,
            topic,
            token: parsed.string("token").map(|t| t.trim().to_string()),
            priority,
            tags: tags(config)?,
        })
    }
}

/// The configured tags: a list (as forms store it) or one per line.
fn tags(config: &Value) -> Result<Vec<String>> {
    let lines: Vec<String> = match config.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.lines().map(str::to_string).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(AdapterError::InvalidConfig(format!(
                    "a tag must be text, not {other}"
                ))),
            })
            .collect::<Result<_>>()?,
        Some(other) => {
            return Err(AdapterError::InvalidConfig(format!(
                "tags must be a list of text, not {other}"
            )));
        }
    };
    let tags: Vec<String> = lines
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.iter().any(|t| t.contains(',')) {
        return Err(AdapterError::InvalidConfig(
            "put one tag per line; a tag may not contain a comma".into(),
        ));
    }
    Ok(tags)
}

/// The configured priority for bad news; good news and information no louder than 2.
pub fn priority(configured: u8, severity: Severity) -> u8 {
    match severity {
        Severity::Failure | Severity::Warning => configured,
        Severity::Success | Severity::Info => configured.min(QUIET_PRIORITY),
    }
}

/// The emoji short code shown before the title.
fn severity_tag(severity: Severity) -> &'static str {
    match severity {
        Severity::Success => "white_check_mark",
        Severity::Warning => "warning",
        Severity::Failure => "rotating_light",
        Severity::Info => "information_source",
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary, ending with `…` when cut.
fn clip_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl NtfyNotifier {
    pub fn body(&self, message: &Message) -> Value {
        let mut tags = vec![severity_tag(message.severity).to_string()];
        tags.extend(self.tags.iter().cloned());
        let mut body = json!({
            "topic": self.topic,
            "title": message.title,
            "message": clip_bytes(&markdown_text(message), MESSAGE_MAX_BYTES),
            "priority": priority(self.priority, message.severity),
            "tags": tags,
            "markdown": true,
        });
        if let Some(link) = &message.link {
            body["click"] = json!(link);
            body["actions"] = json!([{"action": "view", "label": "View in Bulwark", "url": link}]);
        }
        body
    }
}

#[async_trait]
impl Notifier for NtfyNotifier {
    fn kind(&self) -> &'static str {
        "ntfy"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        Ok(Rendered::json(&self.body(message)))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        let mut request = http::post(targets, &self.url)?;
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        http::send_json(request, &rendered.payload, &origin(self.url.as_str())).await?;
        Ok(())
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::notifier("ntfy", "ntfy", NtfyNotifier::schema, |c| {
    Ok(Arc::new(NtfyNotifier::from_config(c)?))
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Field;

    fn message(severity: Severity, link: Option<&str>) -> Message {
        Message {
            event: "backup_success".into(),
            title: "Backup succeeded: nightly".into(),
            summary: "All written.".into(),
            fields: vec![Field::new("Job", "nightly")],
            severity,
            link: link.map(str::to_string),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    fn notifier(extra: Value) -> NtfyNotifier {
        let mut config = json!({"topic": "backups"});
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        NtfyNotifier::from_config(&config).unwrap()
    }

    #[test]
    fn defaults_to_ntfy_sh_at_priority_3_without_a_token() {
        let n = notifier(json!({}));
        assert_eq!(n.url.as_str(), "https://ntfy.sh/");
        assert_eq!(n.priority, 3);
        assert_eq!(n.token, None);
        assert!(n.tags.is_empty());
    }

    #[test]
    fn severity_tag_comes_first_and_the_link_becomes_click_and_a_button() {
        let n = notifier(json!({"tags": ["backup", " prod "], "priority": "5"}));
        let b = n.body(&message(
            Severity::Success,
            Some("http://localhost:3000/executions/7"),
        ));
        assert_eq!(b["tags"], json!(["white_check_mark", "backup", "prod"]));
        assert_eq!(b["priority"], 2);
        assert_eq!(b["message"], "All written.\n\n**Job:** nightly");
        assert_eq!(b["click"], "http://localhost:3000/executions/7");
        assert_eq!(b["actions"][0]["action"], "view");
        let b = n.body(&message(Severity::Failure, None));
        assert_eq!(b["priority"], 5);
        assert_eq!(b["tags"][0], "rotating_light");
        assert!(b.get("click").is_none() && b.get("actions").is_none(), "{b}");
    }

    #[test]
    fn good_news_is_quieter_unless_configured_lower() {
        assert_eq!(priority(4, Severity::Warning), 4);
        assert_eq!(priority(4, Severity::Info), 2);
        assert_eq!(priority(1, Severity::Success), 1);
    }

    #[test]
    fn bad_topics_tags_and_priorities_are_refused() {
        for config in [
            json!({}),
            json!({"topic": "has space"}),
            json!({"topic": "x".repeat(65)}),
            json!({"topic": "ok", "priority": "6"}),
            json!({"topic": "ok", "tags": ["a,b"]}),
            json!({"topic": "ok", "tags": [1]}),
            json!({"topic": "ok", "server_url": "ftp://ntfy.example"}),
        ] {
            assert!(NtfyNotifier::from_config(&config).is_err(), "{config}");
        }
        assert_eq!(notifier(json!({"tags": "a\n\nb"})).tags, vec!["a", "b"]);
    }

    #[test]
    fn long_messages_are_clipped_on_a_character_boundary() {
        assert_eq!(clip_bytes("abc", 3), "abc");
        assert_eq!(clip_bytes("abcdef", 5), "ab…");
        assert_eq!(clip_bytes("ééé", 5), "é…");
        assert!(clip_bytes(&"é".repeat(5000), MESSAGE_MAX_BYTES).len() <= MESSAGE_MAX_BYTES);
    }
}
