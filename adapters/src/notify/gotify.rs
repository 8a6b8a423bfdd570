//! Gotify: one message to an application, as Markdown, with a click URL to the execution.
//! The app token travels in the `X-Gotify-Key` header, never in the URL.
//! <https://gotify.net/api-docs>, <https://gotify.net/docs/msgextras>

use super::Targets;
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

pub struct GotifyNotifier {
    /// `{server_url}/message`
    url: url::Url,
    token: String,
    priority: u8,
}

const DEFAULT_PRIORITY: u8 = 5;
const MAX_PRIORITY: u8 = 10;
/// Good news and information never ring louder than this.
const QUIET_PRIORITY: u8 = 2;

impl GotifyNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("server_url", "Server URL", FieldType::Url)
                .endpoint()
                .required()
                .help("The Gotify server, e.g. https://gotify.example.com"),
            ConfigField::new("app_token", "Application token", FieldType::Password)
                .required()
                .help("The token of the Gotify application the messages belong to."),
            ConfigField::new("priority", "Priority", FieldType::Number)
                .default(DEFAULT_PRIORITY)
                .help(
                    "0 to 10, for failures and warnings. Successes and information are sent at \
                     priority 2, or at this priority when it is lower.",
                ),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let config = Config::parse(&Self::schema(), config)?;
        let server = parse_url("the server URL", &config.required("server_url")?)?;
        let token = config.required("app_token")?.trim().to_string();
        let priority = match config.string("priority") {
            None => DEFAULT_PRIORITY,
            Some(raw) => raw
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= MAX_PRIORITY)
                .ok_or_else(|| {
                    AdapterError::InvalidConfig(format!("priority must be a number from 0 to 10, not {raw}"))
                })?,
        };
        Ok(GotifyNotifier {
            url: message_url(server),
            token,
            priority,
        })
    }
}

/// `/message` under the server's URL, which may itself sit under a path (a reverse proxy).
fn message_url(mut server: url::Url) -> url::Url {
    if !server.path().ends_with('/') {
        let path = format!("{}/", server.path());
        server.set_path(&path);
    }
    server.set_query(None);
    server
        .join("message")
        .expect("a relative path joins any http(s) URL")
}

/// The configured priority for bad news; good news and information no louder than 2.
pub fn priority(configured: u8, severity: Severity) -> u8 {
    match severity {
        Severity::Failure | Severity::Warning => configured,
        Severity::Success | Severity::Info => configured.min(QUIET_PRIORITY),
    }
}

/// Escapes the characters Markdown would read as emphasis, code or links. An underscore
/// inside a word (`pg_dump`) is never emphasis, so it stays as is for clients that show
/// the text raw.
pub(super) fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside_word =
            |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
        let intraword = c == '_' && inside_word(i.checked_sub(1)) && inside_word(Some(i + 1));
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') && !intraword {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The summary, a blank line, then one `**name:** value` line per field. Lines end in two
/// spaces, Markdown's hard line break, so the fields do not run together in one paragraph.
pub(super) fn markdown_text(message: &Message) -> String {
    let mut text = escape_markdown(&message.summary);
    if !message.fields.is_empty() {
        let lines: Vec<String> = message
            .fields
            .iter()
            .map(|f| format!("**{}:** {}", escape_markdown(&f.name), escape_markdown(&f.value)))
            .collect();
        text.push_str("\n\n");
        text.push_str(&lines.join("  \n"));
    }
    text
}

pub fn body(message: &Message, configured_priority: u8) -> Value {
    let mut text = markdown_text(message);
    let mut extras = json!({"client::display": {"contentType": "text/markdown"}});
    if let Some(link) = &message.link {
        text.push_str(&format!("\n\n[View in Bulwark]({link})"));
        extras["client::notification"] = json!({"click": {"url": link}});
    }
    json!({
        "title": message.title,
        "message": text,
        "priority": priority(configured_priority, message.severity),
        "extras": extras,
    })
}

#[async_trait]
impl Notifier for GotifyNotifier {
    fn kind(&self) -> &'static str {
        "gotify"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        Ok(Rendered::json(&body(message, self.priority)))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        let request = http::post(targets, &self.url)?.header("X-Gotify-Key", &self.token);
        http::send_json(request, &rendered.payload, &origin(self.url.as_str())).await?;
        Ok(())
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::notifier("gotify", "Gotify", GotifyNotifier::schema, |c| {
    Ok(Arc::new(GotifyNotifier::from_config(c)?))
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Field;

    fn message(severity: Severity, link: Option<&str>) -> Message {
        Message {
            event: "backup_failure".into(),
            title: "Backup failed: nightly".into(),
            summary: "pg_dump failed on *db_1* _now_".into(),
            fields: vec![Field::new("Job", "nightly"), Field::new("Duration", "3 s")],
            severity,
            link: link.map(str::to_string),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn markdown_has_summary_fields_and_link() {
        let b = body(
            &message(Severity::Failure, Some("http://localhost:3000/executions/7")),
            5,
        );
        assert_eq!(
            b["message"],
            "pg_dump failed on \\*db_1\\* \\_now\\_\n\n**Job:** nightly  \n**Duration:** 3 s\n\n\
             [View in Bulwark](http://localhost:3000/executions/7)"
        );
        assert_eq!(b["priority"], 5);
        assert_eq!(b["extras"]["client::display"]["contentType"], "text/markdown");
        assert_eq!(
            b["extras"]["client::notification"]["click"]["url"],
            "http://localhost:3000/executions/7"
        );
    }

    #[test]
    fn without_a_link_there_is_no_click_extra() {
        let b = body(&message(Severity::Failure, None), 5);
        assert!(b["extras"].get("client::notification").is_none(), "{b}");
        assert!(!b["message"].as_str().unwrap().contains("View in Bulwark"));
    }

    #[test]
    fn good_news_is_quieter_unless_configured_lower() {
        assert_eq!(priority(8, Severity::Failure), 8);
        assert_eq!(priority(8, Severity::Warning), 8);
        assert_eq!(priority(8, Severity::Success), 2);
        assert_eq!(priority(8, Severity::Info), 2);
        assert_eq!(priority(1, Severity::Success), 1);
        assert_eq!(priority(0, Severity::Failure), 0);
    }

    #[test]
    fn the_message_url_keeps_a_sub_path_and_drops_queries() {
        let url = |raw: &str| message_url(url::Url::parse(raw).unwrap()).to_string();
        assert_eq!(
            url("https://gotify.example.com"),
            "https://gotify.example.com/message"
        );
        assert_eq!(
            url("https://example.com/gotify"),
            "https://example.com/gotify/message"
        );
        assert_eq!(
            url("https://example.com/gotify/?x=1"),
            "https://example.com/gotify/message"
        );
    }

    #[test]
    fn config_needs_a_web_url_a_token_and_a_priority_in_range() {
        let ok = json!({"server_url": "https://gotify.example.com", "app_token": "Axyz"});
        let n = GotifyNotifier::from_config(&ok).unwrap();
        assert_eq!(n.priority, DEFAULT_PRIORITY);
        assert!(GotifyNotifier::from_config(&json!({"server_url": "https://g.example"})).is_err());
        assert!(
            GotifyNotifier::from_config(&json!({"server_url": "ftp://g.example", "app_token": "A"})).is_err()
        );
        for bad in [json!(11), json!(-1), json!("loud")] {
            let config = json!({"server_url": "https://g.example", "app_token": "A", "priority": bad});
            let err = GotifyNotifier::from_config(&config).err().unwrap();
            assert!(err.to_string().contains("0 to 10"), "{err}");
        }
        let config = json!({"server_url": "https://g.example", "app_token": "A", "priority": "7"});
        assert_eq!(GotifyNotifier::from_config(&config).unwrap().priority, 7);
    }
}
