//! Email against a real SMTP server, maildev (`TEST_SMTP_*`): the message as received,
//! read back through maildev's REST API, then each way a send can fail. Other suites may
//! send to the same maildev at the same time, so each test finds its own email by a
//! unique token in the title and never clears the mailbox.

use crate::dest_support;
use crate::notify_support;

use adapters::notify::{Message, Policy, Rendered, Targets, deliver};
use adapters::{AdapterError, Notifier, registry};
use dest_support::service_env;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// maildev's settings, or `None` (after a notice) when the test services are not running.
struct Smtp {
    host: String,
    port: String,
    user: String,
    pass: String,
    api: String,
}

fn smtp() -> Option<Smtp> {
    Some(Smtp {
        host: service_env("TEST_SMTP_HOST")?,
        port: service_env("TEST_SMTP_PORT")?,
        user: service_env("TEST_SMTP_USER")?,
        pass: service_env("TEST_SMTP_PASS")?,
        api: service_env("TEST_SMTP_API")?,
    })
}

impl Smtp {
    /// A channel that reaches maildev in the clear with its credentials.
    fn config(&self) -> Value {
        json!({
            "host": self.host,
            "port": self.port,
            "security": "none",
            "username": self.user,
            "password": self.pass,
            "from": "Bulwark <backup@example.com>",
            "to": ["ops@example.com", "Dev Team <dev@example.com>"],
        })
    }

    /// Every email maildev holds whose subject contains `token`.
    async fn received(&self, token: &str) -> Vec<Value> {
        let all: Vec<Value> = reqwest::get(&self.api)
            .await
            .expect("maildev's API answers")
            .json()
            .await
            .expect("maildev lists emails as JSON");
        all.into_iter()
            .filter(|e| e["subject"].as_str().is_some_and(|s| s.contains(token)))
            .collect()
    }

    /// Waits (up to 5 s) for the one email with `token` to arrive.
    async fn wait_for(&self, token: &str) -> Value {
        for _ in 0..50 {
            let mut found = self.received(token).await;
            if !found.is_empty() {
                assert_eq!(found.len(), 1, "one email per send: {found:?}");
                return found.remove(0);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no email with {token} arrived");
    }
}

fn token() -> String {
    format!("t{}", uuid::Uuid::new_v4().simple())
}

/// `notify_support::message()` with `token` in the title and markup to escape.
fn message_with(token: &str) -> Message {
    let mut message = notify_support::message();
    message.title = format!("Backup <failed> & {token}");
    message
}

fn notifier(config: &Value) -> Arc<dyn Notifier> {
    registry::notifier("email", config).expect("valid config")
}

/// One attempt, to see the error itself rather than the delivery's words for it.
async fn send_once(config: &Value, message: &Message) -> Result<Rendered, AdapterError> {
    let notifier = notifier(config);
    let rendered = notifier.render(message).expect("renders");
    notifier
        .send(&rendered, Targets::AnyAddress)
        .await
        .map(|()| rendered)
}

fn addresses(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .expect("a list of addresses")
        .iter()
        .map(|a| {
            (
                a["address"].as_str().unwrap_or_default().to_string(),
                a["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn authenticates_and_delivers_plain_and_html_to_every_recipient() {
    let Some(smtp) = smtp() else { return };
    let token = token();
    let message = message_with(&token);
    let notifier = notifier(&smtp.config());
    let rendered = notifier.render(&message).unwrap();
    let policy = Policy {
        timeout: Duration::from_secs(10),
        backoff: Duration::from_millis(50),
        targets: Targets::AnyAddress,
    };
    let delivery = deliver(notifier.as_ref(), &rendered, policy).await;
    assert_eq!(delivery.result, Ok(()));
    assert_eq!(delivery.attempts, 1);

    let email = smtp.wait_for(&token).await;
    assert_eq!(email["subject"], format!("[Bulwark] Backup <failed> & {token}"));
    assert_eq!(
        addresses(&email["from"]),
        vec![("backup@example.com".to_string(), "Bulwark".to_string())]
    );
    assert_eq!(
        addresses(&email["to"]),
        vec![
            ("ops@example.com".to_string(), String::new()),
            ("dev@example.com".to_string(), "Dev Team".to_string()),
        ]
    );
    let headers = &email["headers"];
    assert!(
        headers["content-type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/alternative"),
        "{headers}"
    );
    assert!(
        headers["message-id"].as_str().unwrap().ends_with("@example.com>"),
        "{headers}"
    );
    assert!(headers["date"].is_string(), "{headers}");

    let text = email["text"].as_str().expect("a plain-text part");
    assert!(text.contains(&format!("Backup <failed> & {token}")), "{text}");
    assert!(
        text.contains("pg_dump exited with code 1: connection refused"),
        "{text}"
    );
    for field in &message.fields {
        assert!(
            text.contains(&format!("{}: {}", field.name, field.value)),
            "{text}"
        );
    }
    assert!(
        text.contains("View in Bulwark: http://localhost:3000/executions/42"),
        "{text}"
    );

    let html = email["html"].as_str().expect("an HTML part");
    assert!(html.trim_start().starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        html.contains(&format!("Backup &lt;failed&gt; &amp; {token}")),
        "{html}"
    );
    assert!(!html.contains("<failed>"), "{html}");
    assert!(
        html.contains("pg_dump exited with code 1: connection refused"),
        "{html}"
    );
    for field in &message.fields {
        assert!(html.contains(&format!(">{}</th>", field.name)), "{html}");
        assert!(html.contains(&format!(">{}</td>", field.value)), "{html}");
    }
    assert!(
        html.contains("href=\"http://localhost:3000/executions/42\""),
        "{html}"
    );
    assert!(html.contains("#e01e5a"), "the failure colour: {html}");
    // What was sent is what the notification log keeps (maildev rewrites the head a little).
    let body = |h: &str| h[h.find("<body").unwrap()..].trim().to_string();
    assert_eq!(body(rendered.html.as_deref().unwrap()), body(html));
}

#[tokio::test]
async fn a_wrong_password_is_an_authentication_failure_that_does_not_repeat_it() {
    let Some(smtp) = smtp() else { return };
    let token = token();
    let wrong = format!("wrong-{token}");
    let mut config = smtp.config();
    config["password"] = json!(wrong);
    let error = send_once(&config, &message_with(&token)).await.unwrap_err();
    assert!(
        matches!(error, AdapterError::AuthenticationFailed(_)),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("authentication failed: the SMTP server refused the username or password: 535"),
        "{text}"
    );
    assert!(!text.contains(&wrong), "{text}");
    assert!(!format!("{error:?}").contains(&wrong), "{error:?}");
    assert!(smtp.received(&token).await.is_empty());
}

#[tokio::test]
async fn starttls_is_required_not_silently_skipped() {
    let Some(smtp) = smtp() else { return };
    let token = token();
    let mut config = smtp.config();
    config["security"] = json!("starttls");
    let error = send_once(&config, &message_with(&token)).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(&format!("{}:{} does not support STARTTLS", smtp.host, smtp.port)),
        "{text}"
    );
    assert!(text.contains("nothing was sent"), "{text}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(smtp.received(&token).await.is_empty(), "sent in the clear anyway");
}

#[tokio::test]
async fn implicit_tls_against_a_plain_port_fails_with_a_hint() {
    let Some(smtp) = smtp() else { return };
    let token = token();
    let mut config = smtp.config();
    config["security"] = json!("tls");
    let error = send_once(&config, &message_with(&token)).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}:{}: the TLS connection failed", smtp.host, smtp.port)),
        "{text}"
    );
    assert!(text.contains("port 465"), "{text}");
    assert!(smtp.received(&token).await.is_empty());
}

#[tokio::test]
async fn a_closed_port_is_host_unreachable() {
    let Some(smtp) = smtp() else { return };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut config = smtp.config();
    config["host"] = json!("127.0.0.1");
    config["port"] = json!(port);
    let error = send_once(&config, &message_with(&token())).await.unwrap_err();
    assert!(matches!(error, AdapterError::HostUnreachable(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("host unreachable: 127.0.0.1:{port}: ")),
        "{error}"
    );
    assert!(!error.to_string().contains(&smtp.pass), "{error}");
}

#[tokio::test]
async fn invalid_addresses_are_refused_with_the_setting_named() {
    // No server needed: the settings are checked when the channel is built.
    let config =
        json!({"host": "127.0.0.1", "from": "Bulwark <backup@example.com>", "to": ["ops@example.com"]});
    assert!(registry::notifier("email", &config).is_ok());
    let cases = [
        (
            "from",
            json!("Bulwark backup at example.com"),
            "From: `Bulwark backup at example.com`",
        ),
        ("to", json!(["ops@example.com", "dev@"]), "To: `dev@`"),
        ("to", json!([]), "To needs at least one recipient"),
    ];
    for (setting, value, expected) in cases {
        let mut bad = config.clone();
        bad[setting] = value;
        let error = registry::notifier("email", &bad).err().expect("refused");
        assert!(matches!(error, AdapterError::InvalidConfig(_)), "{error:?}");
        assert!(error.to_string().contains(expected), "{error}");
    }
    let mut missing = config.clone();
    missing.as_object_mut().unwrap().remove("to");
    let error = registry::notifier("email", &missing).err().expect("refused");
    assert!(error.to_string().contains("To is required"), "{error}");
}
