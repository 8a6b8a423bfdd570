//! A generic webhook: the message as JSON, or a JSON body template with placeholders,
//! sent with the configured method and headers. The URL and the headers may hold tokens,
//! so both are secret and neither is part of the rendered payload.

use super::Targets;
use super::http::{self, origin, parse_url};
use super::{Field, Message, Rendered, Severity};
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use std::sync::Arc;

pub struct WebhookNotifier {
    url: url::Url,
    method: Method,
    headers: HeaderMap,
    template: Option<String>,
}

const METHODS: &[&str] = &["POST", "PUT", "PATCH"];
/// Headers the HTTP client sets itself: the body is always JSON, its length and the host
/// follow from the request.
const RESERVED_HEADERS: &[&str] = &["content-type", "content-length", "host", "transfer-encoding"];
/// Placeholders replaced by a string's JSON-escaped content, meant to sit inside quotes.
const TEXT_PLACEHOLDERS: &[&str] = &[
    "event",
    "title",
    "summary",
    "severity",
    "colour",
    "link",
    "timestamp",
];

impl WebhookNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("url", "URL", FieldType::Password)
                .endpoint()
                .required()
                .help("Where to send; kept secret, since it may hold a token."),
            ConfigField::new("method", "Method", FieldType::Select)
                .options(METHODS)
                .default("POST"),
            ConfigField::new("headers", "Headers", FieldType::List)
                .secret()
                .help(
                    "One `Name: value` per line, e.g. `Authorization: Bearer …`; kept secret. \
                     Content-Type (always application/json), Content-Length and Host are set by Bulwark.",
                ),
            ConfigField::new("body_template", "Body template", FieldType::Textarea).help(
                "JSON. Empty sends the whole message: event, title, summary, severity, colour, link, \
                 timestamp and fields. Inside quotes, {{event}} {{title}} {{summary}} {{severity}} \
                 {{colour}} {{link}} {{timestamp}} become that text, e.g. \"text\": \"{{title}}\"; \
                 {{fields_json}} becomes a JSON array of {name, value} and {{message_json}} the whole \
                 message object.",
            ),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let parsed = Config::parse(&Self::schema(), config)?;
        let url = parse_url("the webhook URL", &parsed.required("url")?)?;
        let method = parsed.string("method").unwrap_or_else(|| "POST".into());
        let method = Method::from_bytes(method.as_bytes()).expect("validated against the options");
        let template = parsed.string("body_template").filter(|t| !t.trim().is_empty());
        let notifier = WebhookNotifier {
            url,
            method,
            headers: headers(config)?,
            template,
        };
        // A template that cannot produce JSON is refused when the channel is saved, not
        // when the first backup fails.
        notifier.render(&sample())?;
        Ok(notifier)
    }
}

/// The configured header lines, checked; values are marked sensitive so that they are
/// never printed. Errors name the line, never its value.
fn headers(config: &Value) -> Result<HeaderMap> {
    let lines: Vec<String> = match config.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.lines().map(str::to_string).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string).unwrap_or_default())
            .collect(),
        Some(_) => {
            return Err(AdapterError::InvalidConfig(
                "headers must be a list of lines".into(),
            ));
        }
    };
    let mut map = HeaderMap::new();
    for (i, line) in lines.iter().filter(|l| !l.trim().is_empty()).enumerate() {
        let n = i + 1;
        let Some((name, value)) = line.split_once(':') else {
            return Err(AdapterError::InvalidConfig(format!(
                "header line {n} must look like `Name: value`"
            )));
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            AdapterError::InvalidConfig(format!("header line {n} has an invalid header name"))
        })?;
        if RESERVED_HEADERS.contains(&name.as_str()) {
            return Err(AdapterError::InvalidConfig(format!(
                "header line {n}: {name} is set by Bulwark and cannot be configured"
            )));
        }
        let mut value = HeaderValue::from_str(value.trim()).map_err(|_| {
            AdapterError::InvalidConfig(format!("header line {n} ({name}) has an invalid value"))
        })?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

/// The message as one JSON object: the default body and `{{message_json}}`.
pub fn message_json(message: &Message) -> Value {
    json!({
        "event": message.event,
        "title": message.title,
        "summary": message.summary,
        "severity": message.severity.as_str(),
        "colour": message.severity.hex(),
        "link": message.link,
        "timestamp": timestamp(message),
        "fields": message.fields,
    })
}

fn timestamp(message: &Message) -> String {
    message
        .timestamp
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A string's content as it goes between JSON quotes.
fn escaped(text: &str) -> String {
    let quoted = Value::String(text.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn placeholder(name: &str, message: &Message) -> Result<String> {
    let text = match name {
        "event" => message.event.clone(),
        "title" => message.title.clone(),
        "summary" => message.summary.clone(),
        "severity" => message.severity.as_str().to_string(),
        "colour" => message.severity.hex(),
        "link" => message.link.clone().unwrap_or_default(),
        "timestamp" => timestamp(message),
        "fields_json" => return Ok(json!(message.fields).to_string()),
        "message_json" => return Ok(message_json(message).to_string()),
        _ => {
            let known: Vec<String> = TEXT_PLACEHOLDERS
                .iter()
                .chain(&["fields_json", "message_json"])
                .map(|p| format!("{{{{{p}}}}}"))
                .collect();
            return Err(AdapterError::InvalidConfig(format!(
                "the body template has an unknown placeholder {{{{{name}}}}} (known: {})",
                known.join(" ")
            )));
        }
    };
    Ok(escaped(&text))
}

/// Fills in every placeholder in one pass, so text from the message is never itself read
/// as a placeholder, then checks that the result is JSON.
pub fn fill(template: &str, message: &Message) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| {
            AdapterError::InvalidConfig("the body template has a {{ without its closing }}".into())
        })?;
        out.push_str(&placeholder(after[..end].trim(), message)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    serde_json::from_str::<Value>(&out).map_err(|e| {
        AdapterError::InvalidConfig(format!(
            "the body template is not valid JSON once its placeholders are filled in ({e}); \
             text placeholders belong inside quotes, e.g. \"{{{{title}}}}\""
        ))
    })?;
    Ok(out)
}

/// What a template is tried with when the channel is saved.
fn sample() -> Message {
    Message {
        event: "backup_failure".into(),
        title: "Backup failed: sample".into(),
        summary: "A sample message to check the body template.".into(),
        fields: vec![Field::new("Job", "sample")],
        severity: Severity::Failure,
        link: Some("http://localhost/executions/1".into()),
        timestamp: chrono::DateTime::UNIX_EPOCH,
    }
}

#[async_trait]
impl Notifier for WebhookNotifier {
    fn kind(&self) -> &'static str {
        "webhook"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        match &self.template {
            None => Ok(Rendered::json(&message_json(message))),
            Some(template) => Ok(Rendered {
                payload: fill(template, message)?,
                html: None,
                subject: None,
            }),
        }
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        let request = http::request(targets, self.method.clone(), &self.url)?.headers(self.headers.clone());
        http::send_json(request, &rendered.payload, &origin(self.url.as_str())).await?;
        Ok(())
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo =
    AdapterInfo::notifier("webhook", "Webhook (generic)", WebhookNotifier::schema, |c| {
        Ok(Arc::new(WebhookNotifier::from_config(c)?))
    });

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: Value) -> Value {
        let mut config = json!({"url": "https://hooks.example.com/in/SECRET"});
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        config
    }

    fn error(extra: Value) -> String {
        WebhookNotifier::from_config(&config(extra))
            .err()
            .unwrap()
            .to_string()
    }

    #[test]
    fn without_a_template_the_whole_message_is_sent() {
        let n = WebhookNotifier::from_config(&config(json!({}))).unwrap();
        assert_eq!(n.method, Method::POST);
        let body: Value = serde_json::from_str(&n.render(&sample()).unwrap().payload).unwrap();
        assert_eq!(
            body,
            json!({
                "event": "backup_failure",
                "title": "Backup failed: sample",
                "summary": "A sample message to check the body template.",
                "severity": "failure",
                "colour": "#e01e5a",
                "link": "http://localhost/executions/1",
                "timestamp": "1970-01-01T00:00:00Z",
                "fields": [{"name": "Job", "value": "sample"}],
            })
        );
    }

    #[test]
    fn placeholders_are_escaped_and_filled_once() {
        let mut m = sample();
        m.title = "Say \"hi\"\n{{summary}}".into();
        m.link = None;
        let filled = fill(
            r#"{"t": "{{ title }}", "l": "{{link}}", "f": {{fields_json}}, "m": {{message_json}}}"#,
            &m,
        )
        .unwrap();
        let v: Value = serde_json::from_str(&filled).unwrap();
        assert_eq!(v["t"], "Say \"hi\"\n{{summary}}");
        assert_eq!(v["l"], "");
        assert_eq!(v["f"], json!([{"name": "Job", "value": "sample"}]));
        assert_eq!(v["m"]["link"], Value::Null);
    }

    #[test]
    fn broken_templates_are_refused_when_saved() {
        let e = error(json!({"body_template": "{\"text\": {{title}}}"}));
        assert!(e.contains("not valid JSON") && e.contains("inside quotes"), "{e}");
        let e = error(json!({"body_template": "{\"text\": \"{{nope}}\"}"}));
        assert!(
            e.contains("unknown placeholder {{nope}}") && e.contains("{{title}}"),
            "{e}"
        );
        let e = error(json!({"body_template": "{\"text\": \"{{title\"}"}));
        assert!(e.contains("closing }}"), "{e}");
        assert!(WebhookNotifier::from_config(&config(json!({"body_template": "  "}))).is_ok());
    }

    #[test]
    fn header_lines_are_checked_without_echoing_values() {
        let n = WebhookNotifier::from_config(&config(json!({
            "headers": ["Authorization: Bearer s3cret", "X-Tag: a", "X-Tag: b"],
            "method": "PATCH",
        })))
        .unwrap();
        assert_eq!(n.method, Method::PATCH);
        assert_eq!(n.headers["authorization"], "Bearer s3cret");
        assert!(n.headers["authorization"].is_sensitive());
        assert_eq!(n.headers.get_all("x-tag").iter().count(), 2);

        let e = error(json!({"headers": ["X-Ok: 1", "no colon s3cret"]}));
        assert_eq!(
            e,
            "invalid configuration: header line 2 must look like `Name: value`"
        );
        let e = error(json!({"headers": ["Bad Name: s3cret"]}));
        assert!(e.contains("invalid header name") && !e.contains("s3cret"), "{e}");
        let e = error(json!({"headers": ["X-Token: s3cret\u{7}"]}));
        assert!(
            e.contains("(x-token) has an invalid value") && !e.contains("s3cret"),
            "{e}"
        );
        for reserved in ["Host: evil", "content-length: 1", "Content-Type: text/plain"] {
            let e = error(json!({"headers": [reserved]}));
            assert!(e.contains("set by Bulwark"), "{e}");
        }
    }

    #[test]
    fn the_url_and_method_are_checked() {
        assert!(WebhookNotifier::from_config(&json!({})).is_err());
        assert!(error(json!({"url": "file:///etc/passwd"})).contains("http:// or https://"));
        assert!(error(json!({"method": "DELETE"})).contains("POST, PUT, PATCH"));
    }
}
