//! Slack incoming webhooks, as Block Kit: a header, the summary, the fields (at most ten
//! per section), a context line and a button to the execution.
//! <https://api.slack.com/messaging/webhooks>, <https://api.slack.com/reference/block-kit/blocks>

use super::Targets;
use super::http::{self, parse_url};
use super::{Message, Rendered, Severity, clip};
use crate::config::Config;
use crate::error::Result;
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct SlackNotifier {
    url: url::Url,
}

/// Slack's limits: header text 150 characters, section text 3000, a field 2000.
const HEADER_MAX: usize = 150;
const SECTION_MAX: usize = 3000;
const FIELD_MAX: usize = 2000;
const FIELDS_PER_SECTION: usize = 10;

impl SlackNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("webhook_url", "Webhook URL", FieldType::Password)
                .endpoint()
                .required()
                .help("The incoming webhook's URL, https://hooks.slack.com/services/…"),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let config = Config::parse(&Self::schema(), config)?;
        let url = parse_url("the webhook URL", &config.required("webhook_url")?)?;
        Ok(SlackNotifier { url })
    }
}

/// Escapes the three characters Slack's mrkdwn treats as markup.
fn mrkdwn(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn emoji(severity: Severity) -> &'static str {
    match severity {
        Severity::Success => ":white_check_mark:",
        Severity::Warning => ":warning:",
        Severity::Failure => ":x:",
        Severity::Info => ":information_source:",
    }
}

pub fn blocks(message: &Message) -> Vec<Value> {
    let mut blocks = vec![
        json!({
            "type": "header",
            "text": {"type": "plain_text", "text": clip(&message.title, HEADER_MAX), "emoji": true},
        }),
        json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": clip(&mrkdwn(&message.summary), SECTION_MAX)},
        }),
    ];
    for chunk in message.fields.chunks(FIELDS_PER_SECTION) {
        let fields: Vec<Value> = chunk
            .iter()
            .map(|f| {
                let text = format!("*{}*\n{}", mrkdwn(&f.name), mrkdwn(&f.value));
                json!({"type": "mrkdwn", "text": clip(&text, FIELD_MAX)})
            })
            .collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{
            "type": "mrkdwn",
            "text": format!(
                "{} Bulwark · {} · {}",
                emoji(message.severity),
                message.event,
                message.timestamp.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        }],
    }));
    if let Some(link) = &message.link {
        blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": {"type": "plain_text", "text": "View in Bulwark"},
                "url": link,
            }],
        }));
    }
    blocks
}

#[async_trait]
impl Notifier for SlackNotifier {
    fn kind(&self) -> &'static str {
        "slack"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        Ok(Rendered::json(&json!({
            // The fallback shown in notifications and by clients without Block Kit.
            "text": format!("{}: {}", message.title, message.summary),
            "blocks": blocks(message),
        })))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        http::post_json(targets, &self.url, &rendered.payload).await
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo = AdapterInfo::notifier("slack", "Slack", SlackNotifier::schema, |c| {
    Ok(Arc::new(SlackNotifier::from_config(c)?))
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Field;

    fn message(fields: usize) -> Message {
        Message {
            event: "backup_failure".into(),
            title: "Backup failed: nightly".into(),
            summary: "pg_dump exited with code 1 <oops> & more".into(),
            fields: (0..fields).map(|i| Field::new(format!("f{i}"), "v")).collect(),
            severity: Severity::Failure,
            link: Some("http://localhost:3000/executions/7".into()),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn fields_go_ten_to_a_section_and_markup_is_escaped() {
        let b = blocks(&message(12));
        assert_eq!(b[0]["type"], "header");
        assert_eq!(
            b[1]["text"]["text"],
            "pg_dump exited with code 1 &lt;oops&gt; &amp; more"
        );
        assert_eq!(b[2]["fields"].as_array().unwrap().len(), 10);
        assert_eq!(b[3]["fields"].as_array().unwrap().len(), 2);
        assert_eq!(b[4]["type"], "context");
        assert_eq!(b[5]["elements"][0]["url"], "http://localhost:3000/executions/7");
    }

    #[test]
    fn a_webhook_url_is_required_and_must_be_web() {
        assert!(SlackNotifier::from_config(&json!({})).is_err());
        assert!(SlackNotifier::from_config(&json!({"webhook_url": "file:///etc/passwd"})).is_err());
        assert!(
            SlackNotifier::from_config(&json!({"webhook_url": "https://hooks.slack.com/services/x"})).is_ok()
        );
    }
}
