//! Telegram through the Bot API's sendMessage, as HTML: the title in bold, the summary,
//! one line per field and a link to the execution, in a chat or a forum topic.
//! <https://core.telegram.org/bots/api#sendmessage>,
//! <https://core.telegram.org/bots/api#html-style>

use super::Targets;
use super::http::{self, origin, parse_url};
use super::{Message, Rendered};
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct TelegramNotifier {
    /// `{api_url}/bot{token}/sendMessage`: holds the token, so never shown.
    endpoint: url::Url,
    chat_id: Value,
    topic_id: Option<i64>,
}

const DEFAULT_API_URL: &str = "https://api.telegram.org";

/// Telegram's limit is 4096 characters of text; the HTML is held to it too, so the
/// message fits however Telegram counts.
const TEXT_MAX: usize = 4096;
const TITLE_MAX: usize = 256;
const SUMMARY_MAX: usize = 3072;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;

impl TelegramNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("bot_token", "Bot token", FieldType::Password)
                .required()
                .help("The token @BotFather gave the bot, 123456789:AA…"),
            ConfigField::new("chat_id", "Chat ID", FieldType::Text)
                .required()
                .help("The chat's numeric ID (e.g. -1001234567890) or a public channel's @name."),
            ConfigField::new("topic_id", "Topic ID", FieldType::Number)
                .help("The forum topic to post in (message_thread_id); empty for the main chat."),
            ConfigField::new("api_url", "Bot API URL", FieldType::Url)
                .endpoint()
                .default(DEFAULT_API_URL)
                .help("Only for a self-hosted Bot API server."),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let config = Config::parse(&Self::schema(), config)?;
        let token = config.required("bot_token")?;
        // The token becomes part of the URL's path; anything else would change the URL.
        if !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'))
        {
            return Err(AdapterError::InvalidConfig(
                "the bot token must look like 123456789:AAE… (digits, a colon, letters)".into(),
            ));
        }
        let api_url = config
            .string("api_url")
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let api_url = parse_url("the Bot API URL", &api_url)?;
        let endpoint = format!(
            "{}/bot{token}/sendMessage",
            api_url.as_str().trim_end_matches('/')
        );
        let endpoint = url::Url::parse(&endpoint)
            .map_err(|_| AdapterError::InvalidConfig("the bot token does not fit in a URL".into()))?;
        Ok(TelegramNotifier {
            endpoint,
            chat_id: chat_id(&config.required("chat_id")?)?,
            topic_id: topic_id(config.string("topic_id"))?,
        })
    }
}

/// A numeric chat ID goes as a JSON number, a channel's `@name` as a string.
fn chat_id(raw: &str) -> Result<Value> {
    let raw = raw.trim();
    if let Ok(id) = raw.parse::<i64>() {
        return Ok(json!(id));
    }
    if raw.len() > 1 && raw.starts_with('@') {
        return Ok(json!(raw));
    }
    Err(AdapterError::InvalidConfig(format!(
        "the chat ID must be a number like -1001234567890 or a channel's @name, not {raw}"
    )))
}

fn topic_id(raw: Option<String>) -> Result<Option<i64>> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(Some(id)),
        _ => Err(AdapterError::InvalidConfig(format!(
            "the topic ID must be a positive whole number, not {raw}"
        ))),
    }
}

/// The escapes Telegram's HTML parse mode understands.
fn escape_char(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        _ => None,
    }
}

fn escape(text: &str) -> String {
    escape_within(text, usize::MAX)
}

/// `text` HTML-escaped in at most `max` characters, ending with `…` when cut; an
/// escape is never cut in half.
fn escape_within(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut buf = [0; 4];
        let piece = escape_char(c).unwrap_or_else(|| c.encode_utf8(&mut buf));
        let n = piece.chars().count();
        // The last character may take the room the ellipsis would have needed.
        let room = if chars.peek().is_some() {
            max.saturating_sub(1)
        } else {
            max
        };
        if used + n > room {
            if max > 0 {
                out.push('…');
            }
            break;
        }
        out.push_str(piece);
        used += n;
    }
    out
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The message text: the title and summary, then the fields and the link, each part
/// clipped to its limit and the fields left out once the whole would pass 4096.
pub fn text(message: &Message) -> String {
    let head = format!("<b>{}</b>\n", escape_within(&message.title, TITLE_MAX));
    let link = message
        .link
        .as_ref()
        .map(|l| format!("<a href=\"{}\">View in Bulwark</a>", escape(l)));
    // The blank line before the tail and a line break per tail line.
    let mut room = TEXT_MAX.saturating_sub(chars(&head) + 2 + link.as_ref().map_or(0, |l| chars(l) + 1));
    let summary = escape_within(&message.summary, SUMMARY_MAX.min(room));
    room -= chars(&summary);
    let mut tail = Vec::new();
    for field in &message.fields {
        let line = format!(
            "<b>{}:</b> {}",
            escape_within(&field.name, FIELD_NAME_MAX),
            escape_within(&field.value, FIELD_VALUE_MAX)
        );
        if chars(&line) + 1 > room {
            break;
        }
        room -= chars(&line) + 1;
        tail.push(line);
    }
    tail.extend(link);
    let mut text = head + &summary;
    if !tail.is_empty() {
        text.push_str("\n\n");
        text.push_str(&tail.join("\n"));
    }
    text
}

#[async_trait]
impl Notifier for TelegramNotifier {
    fn kind(&self) -> &'static str {
        "telegram"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        let mut payload = json!({
            "chat_id": self.chat_id,
            "text": text(message),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        if let Some(topic) = self.topic_id {
            payload["message_thread_id"] = json!(topic);
        }
        Ok(Rendered::json(&payload))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        // Telegram's errors are JSON whose `description` says what is wrong ("Bad
        // Request: chat not found"); the reason quoted back is that description.
        let request = http::post(targets, &self.endpoint)?;
        http::send_json(request, &rendered.payload, &origin(self.endpoint.as_str())).await?;
        Ok(())
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo =
    AdapterInfo::notifier("telegram", "Telegram", TelegramNotifier::schema, |c| {
        Ok(Arc::new(TelegramNotifier::from_config(c)?))
    });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{Field, Severity};

    const TOKEN: &str = "123456:ABC-test_token";

    fn message() -> Message {
        Message {
            event: "backup_failure".into(),
            title: "Backup failed: <nightly>".into(),
            summary: "pg_dump said \"no\" & stopped".into(),
            fields: vec![Field::new("Job", "a<b"), Field::new("Size", "1 GB")],
            severity: Severity::Failure,
            link: Some("http://localhost:3000/executions/7?a=1&b=2".into()),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    fn notifier(extra: Value) -> Result<TelegramNotifier> {
        let mut config = json!({"bot_token": TOKEN, "chat_id": "-100123"});
        for (k, v) in extra.as_object().unwrap() {
            config[k] = v.clone();
        }
        TelegramNotifier::from_config(&config)
    }

    #[test]
    fn html_text_with_everything_escaped() {
        assert_eq!(
            text(&message()),
            "<b>Backup failed: &lt;nightly&gt;</b>\npg_dump said &quot;no&quot; &amp; stopped\n\n\
             <b>Job:</b> a&lt;b\n<b>Size:</b> 1 GB\n\
             <a href=\"http://localhost:3000/executions/7?a=1&amp;b=2\">View in Bulwark</a>"
        );
    }

    #[test]
    fn without_fields_or_link_the_text_is_title_and_summary() {
        let mut m = message();
        m.fields.clear();
        m.link = None;
        assert_eq!(
            text(&m),
            "<b>Backup failed: &lt;nightly&gt;</b>\npg_dump said &quot;no&quot; &amp; stopped"
        );
    }

    #[test]
    fn escapes_are_never_cut_in_half() {
        assert_eq!(escape_within("a&b", 3), "a…");
        assert_eq!(escape_within("a&b", 6), "a…");
        assert_eq!(escape_within("a&bc", 7), "a&amp;…");
        assert_eq!(escape_within("a&b", 7), "a&amp;b");
        assert_eq!(escape_within("abc", 3), "abc");
        assert_eq!(escape_within("abcd", 3), "ab…");
        assert_eq!(escape_within("abc", 0), "");
    }

    #[test]
    fn the_text_stays_within_4096() {
        let mut m = message();
        m.title = "<".repeat(1000);
        m.summary = "&".repeat(5000);
        m.fields = (0..100)
            .map(|i| Field::new(format!("f{i}"), "v".repeat(500)))
            .collect();
        let t = text(&m);
        assert!(chars(&t) <= TEXT_MAX, "{}", chars(&t));
        assert!(t.starts_with("<b>&lt;"));
        assert!(t.ends_with("View in Bulwark</a>"), "the link survives");
        assert!(t.contains("<b>f0:</b>"));
    }

    #[test]
    fn chat_ids_are_numbers_or_channel_names() {
        assert_eq!(chat_id("-1001234").unwrap(), json!(-1001234));
        assert_eq!(chat_id("@bulwark_alerts").unwrap(), json!("@bulwark_alerts"));
        assert!(chat_id("bulwark").is_err());
        assert!(chat_id("@").is_err());
        let n = notifier(json!({"chat_id": 42})).unwrap();
        assert_eq!(n.chat_id, json!(42));
    }

    #[test]
    fn the_payload_has_the_topic_and_no_token() {
        let n = notifier(json!({"topic_id": 7})).unwrap();
        let payload: Value = serde_json::from_str(&n.render(&message()).unwrap().payload).unwrap();
        assert_eq!(payload["chat_id"], json!(-100123));
        assert_eq!(payload["parse_mode"], "HTML");
        assert_eq!(payload["link_preview_options"], json!({"is_disabled": true}));
        assert_eq!(payload["message_thread_id"], json!(7));
        assert!(!payload.to_string().contains("ABC-test"), "{payload}");
        let n = notifier(json!({})).unwrap();
        let payload: Value = serde_json::from_str(&n.render(&message()).unwrap().payload).unwrap();
        assert!(payload.get("message_thread_id").is_none(), "{payload}");
    }

    #[test]
    fn the_endpoint_carries_the_token_on_the_default_or_own_server() {
        let n = notifier(json!({})).unwrap();
        assert_eq!(
            n.endpoint.as_str(),
            format!("https://api.telegram.org/bot{TOKEN}/sendMessage")
        );
        let n = notifier(json!({"api_url": "http://bot-api:8081/"})).unwrap();
        assert_eq!(
            n.endpoint.as_str(),
            format!("http://bot-api:8081/bot{TOKEN}/sendMessage")
        );
    }

    #[test]
    fn bad_settings_are_refused_without_echoing_the_token() {
        assert!(TelegramNotifier::from_config(&json!({"chat_id": "1"})).is_err());
        assert!(TelegramNotifier::from_config(&json!({"bot_token": TOKEN})).is_err());
        assert!(notifier(json!({"topic_id": "x"})).is_err());
        assert!(notifier(json!({"topic_id": 0})).is_err());
        assert!(notifier(json!({"api_url": "ftp://example.com"})).is_err());
        let err = notifier(json!({"bot_token": "123:abc/../x?secret"}))
            .err()
            .unwrap();
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}
