//! Microsoft Teams through a workflow webhook (the Power Automate workflow "Post to a
//! channel when a webhook request is received"), as an Adaptive Card: the title in the
//! colour of the severity, the summary, the fields as facts and a button to the execution.
//! <https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using>,
//! <https://adaptivecards.io/explorer/AdaptiveCard.html>

use super::Targets;
use super::http::{self, parse_url};
use super::{Message, Rendered, Severity};
use crate::config::Config;
use crate::error::Result;
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct TeamsNotifier {
    url: url::Url,
}

const CARD_SCHEMA: &str = "http://adaptivecards.io/schemas/adaptive-card.json";
/// The newest card version Teams renders everywhere.
const CARD_VERSION: &str = "1.4";
const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";

impl TeamsNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("webhook_url", "Webhook URL", FieldType::Password).endpoint()
                .required()
                .help("The HTTP POST URL of the workflow \"Post to a channel when a webhook request is received\"."),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let config = Config::parse(&Self::schema(), config)?;
        let url = parse_url("the webhook URL", &config.required("webhook_url")?)?;
        Ok(TeamsNotifier { url })
    }
}

/// The Adaptive Card text colour of a severity.
fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Success => "Good",
        Severity::Warning => "Warning",
        Severity::Failure => "Attention",
        Severity::Info => "Accent",
    }
}

pub fn card(message: &Message) -> Value {
    let mut body = vec![
        json!({
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": true,
            "color": colour(message.severity),
        }),
        json!({"type": "TextBlock", "text": message.summary, "wrap": true}),
    ];
    if !message.fields.is_empty() {
        let facts: Vec<Value> = message
            .fields
            .iter()
            .map(|f| json!({"title": f.name, "value": f.value}))
            .collect();
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    let mut card = json!({
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    });
    if let Some(link) = &message.link {
        card["actions"] = json!([{"type": "Action.OpenUrl", "title": "View in Bulwark", "url": link}]);
    }
    card
}

#[async_trait]
impl Notifier for TeamsNotifier {
    fn kind(&self) -> &'static str {
        "teams"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        Ok(Rendered::json(&json!({
            "type": "message",
            "attachments": [{
                "contentType": CARD_CONTENT_TYPE,
                "contentUrl": null,
                "content": card(message),
            }],
        })))
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        // The workflow answers 202 Accepted and posts the card afterwards.
        http::post_json(targets, &self.url, &rendered.payload).await
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo =
    AdapterInfo::notifier("teams", "Microsoft Teams", TeamsNotifier::schema, |c| {
        Ok(Arc::new(TeamsNotifier::from_config(c)?))
    });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Field;

    fn message() -> Message {
        Message {
            event: "backup_success".into(),
            title: "Backup done: nightly".into(),
            summary: "3 destinations written".into(),
            fields: vec![Field::new("Job", "nightly"), Field::new("Size", "1 GB")],
            severity: Severity::Success,
            link: Some("http://localhost:3000/executions/7".into()),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn title_summary_facts_and_a_button() {
        let c = card(&message());
        assert_eq!(c["body"][0]["text"], "Backup done: nightly");
        assert_eq!(c["body"][0]["color"], "Good");
        assert_eq!(c["body"][1]["text"], "3 destinations written");
        assert_eq!(
            c["body"][2]["facts"][1],
            json!({"title": "Size", "value": "1 GB"})
        );
        assert_eq!(c["actions"][0]["url"], "http://localhost:3000/executions/7");
    }

    #[test]
    fn no_link_no_button_and_no_fields_no_fact_set() {
        let mut m = message();
        m.link = None;
        m.fields.clear();
        let c = card(&m);
        assert!(c.get("actions").is_none(), "{c}");
        assert_eq!(c["body"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn each_severity_has_its_colour() {
        let colours: Vec<&str> = [
            Severity::Success,
            Severity::Warning,
            Severity::Failure,
            Severity::Info,
        ]
        .into_iter()
        .map(colour)
        .collect();
        assert_eq!(colours, ["Good", "Warning", "Attention", "Accent"]);
    }

    #[test]
    fn a_webhook_url_is_required_and_must_be_web() {
        assert!(TeamsNotifier::from_config(&json!({})).is_err());
        assert!(TeamsNotifier::from_config(&json!({"webhook_url": "ftp://example.com"})).is_err());
        let n =
            TeamsNotifier::from_config(&json!({"webhook_url": "https://prod.logic.azure.com/workflows/x"}))
                .unwrap();
        let payload = n.render(&message()).unwrap().payload;
        assert!(!payload.contains("logic.azure.com"), "the URL is a secret");
    }
}
