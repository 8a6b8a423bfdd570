//! Gotify, ntfy and the generic webhook against a local capture server: method, path,
//! headers and every field of the payload asserted against each service's documented
//! format (<https://gotify.net/api-docs>, <https://docs.ntfy.sh/publish/#publish-as-json>),
//! plus the priority rule, template escaping and the configs refused when saved.

use crate::capture;
use crate::notify_support;

use adapters::notify::Severity;
use adapters::registry;
use capture::CaptureServer;
use notify_support::{message, send, send_message};
use serde_json::{Value, json};

/// The keys of a JSON object, sorted: proves nothing is sent beyond what is asserted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

const MARKDOWN: &str = "pg_dump exited with code 1: connection refused\n\n\
                        **Job:** nightly-db  \n**Duration:** 12 s  \n**Destinations:** 0 of 2 written";

mod gotify {
    use super::*;

    #[tokio::test]
    async fn posts_markdown_to_message_with_the_token_in_a_header() {
        let server = CaptureServer::start().await;
        let config = json!({"server_url": server.base, "app_token": "AbCdEf.123", "priority": 7});
        let delivery = send("gotify", config).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/message");
        assert_eq!(req.header("x-gotify-key"), Some("AbCdEf.123"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(keys(&body), ["extras", "message", "priority", "title"]);
        assert_eq!(body["title"], "Backup failed: nightly-db");
        assert_eq!(
            body["message"],
            format!("{MARKDOWN}\n\n[View in Bulwark](http://localhost:3000/executions/42)")
        );
        assert_eq!(body["priority"], 7);
        assert_eq!(
            body["extras"],
            json!({
                "client::display": {"contentType": "text/markdown"},
                "client::notification": {"click": {"url": "http://localhost:3000/executions/42"}},
            })
        );
        assert!(!req.body.contains("AbCdEf"), "the token is not in the payload");
    }

    #[tokio::test]
    async fn a_server_under_a_path_and_a_message_without_a_link() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.link = None;
        let config = json!({"server_url": format!("{}/gotify", server.base), "app_token": "T"});
        let delivery = send_message("gotify", config, &m).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.uri, "/gotify/message");
        let body = req.json();
        assert_eq!(body["message"], MARKDOWN);
        assert_eq!(body["priority"], 5, "the default priority");
        assert_eq!(
            body["extras"],
            json!({"client::display": {"contentType": "text/markdown"}})
        );
    }

    #[tokio::test]
    async fn successes_go_at_priority_2_unless_configured_lower() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.severity = Severity::Success;
        for (configured, sent) in [(8, 2), (1, 1)] {
            let config = json!({"server_url": server.base, "app_token": "T", "priority": configured});
            assert_eq!(send_message("gotify", config, &m).await.result, Ok(()));
            assert_eq!(server.requests().last().unwrap().json()["priority"], sent);
        }
    }

    #[tokio::test]
    async fn a_refused_token_is_quoted_and_not_retried() {
        let server = CaptureServer::start().await;
        let config = json!({"server_url": format!("{}/status/401", server.base), "app_token": "SECRET"});
        let delivery = send("gotify", config).await;
        assert_eq!(delivery.attempts, 1);
        assert_eq!(
            delivery.result,
            Err("the receiver answered HTTP 401: Unauthorized (receiver says no)".into())
        );
    }
}

mod ntfy {
    use super::*;

    #[tokio::test]
    async fn publishes_json_to_the_root_with_a_bearer_token() {
        let server = CaptureServer::start().await;
        let config = json!({
            "server_url": server.base,
            "topic": "bulwark-alerts",
            "token": "tk_abc123",
            "priority": "4",
            "tags": ["backup", "prod"],
        });
        let delivery = send("ntfy", config).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/");
        assert_eq!(req.header("authorization"), Some("Bearer tk_abc123"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(
            keys(&body),
            [
                "actions", "click", "markdown", "message", "priority", "tags", "title", "topic"
            ]
        );
        assert_eq!(body["topic"], "bulwark-alerts");
        assert_eq!(body["title"], "Backup failed: nightly-db");
        assert_eq!(body["message"], MARKDOWN);
        assert_eq!(body["priority"], 4);
        assert_eq!(body["tags"], json!(["rotating_light", "backup", "prod"]));
        assert_eq!(body["click"], "http://localhost:3000/executions/42");
        assert_eq!(body["markdown"], true);
        assert_eq!(
            body["actions"],
            json!([{"action": "view", "label": "View in Bulwark", "url": "http://localhost:3000/executions/42"}])
        );
        assert!(!req.body.contains("tk_abc123"), "the token is not in the payload");
    }

    #[tokio::test]
    async fn without_a_token_or_link_there_is_no_authorization_click_or_action() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.link = None;
        let config = json!({"server_url": format!("{}/ntfy/", server.base), "topic": "t"});
        let delivery = send_message("ntfy", config, &m).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.uri, "/ntfy/");
        assert_eq!(req.header("authorization"), None);
        let body = req.json();
        assert_eq!(
            keys(&body),
            ["markdown", "message", "priority", "tags", "title", "topic"]
        );
        assert_eq!(body["priority"], 3, "the default priority");
        assert_eq!(body["tags"], json!(["rotating_light"]));
    }

    #[tokio::test]
    async fn good_news_is_low_priority_with_its_own_emoji() {
        let server = CaptureServer::start().await;
        let cases = [
            (Severity::Success, "5", 2, "white_check_mark"),
            (Severity::Info, "1", 1, "information_source"),
            (Severity::Warning, "5", 5, "warning"),
        ];
        for (severity, configured, sent, tag) in cases {
            let mut m = message();
            m.severity = severity;
            let config = json!({"server_url": server.base, "topic": "t", "priority": configured});
            assert_eq!(send_message("ntfy", config, &m).await.result, Ok(()));
            let body = server.requests().last().unwrap().json();
            assert_eq!(body["priority"], sent, "{severity:?}");
            assert_eq!(body["tags"], json!([tag]), "{severity:?}");
        }
    }
}

mod webhook {
    use super::*;

    #[tokio::test]
    async fn posts_the_whole_message_with_the_configured_headers() {
        let server = CaptureServer::start().await;
        let config = json!({
            "url": format!("{}/hooks/in/SECRET?key=s3cret", server.base),
            "headers": ["Authorization: Bearer h3ader", "X-Bulwark-Test: yes"],
        });
        let delivery = send("webhook", config).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/hooks/in/SECRET?key=s3cret");
        assert_eq!(req.header("authorization"), Some("Bearer h3ader"));
        assert_eq!(req.header("x-bulwark-test"), Some("yes"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(
            keys(&body),
            [
                "colour",
                "event",
                "fields",
                "link",
                "severity",
                "summary",
                "timestamp",
                "title"
            ]
        );
        assert_eq!(body["event"], "backup_failure");
        assert_eq!(body["title"], "Backup failed: nightly-db");
        assert_eq!(body["summary"], "pg_dump exited with code 1: connection refused");
        assert_eq!(body["severity"], "failure");
        assert_eq!(body["colour"], "#e01e5a");
        assert_eq!(body["link"], "http://localhost:3000/executions/42");
        assert_eq!(body["timestamp"], "2026-11-22T03:00:00Z");
        assert_eq!(
            body["fields"],
            json!([
                {"name": "Job", "value": "nightly-db"},
                {"name": "Duration", "value": "12 s"},
                {"name": "Destinations", "value": "0 of 2 written"},
            ])
        );
        assert!(!req.body.contains("h3ader") && !req.body.contains("s3cret"));
    }

    #[tokio::test]
    async fn a_template_with_put_escapes_quotes_and_newlines() {
        let server = CaptureServer::start().await;
        let template = r#"{"text": "{{title}}", "detail": {"why": "{{summary}}", "sev": "{{severity}}",
            "colour": "{{colour}}", "at": "{{timestamp}}", "event": "{{event}}", "url": "{{link}}"},
            "fields": {{fields_json}}, "all": {{message_json}}}"#;
        let config =
            json!({"url": format!("{}/put", server.base), "method": "PUT", "body_template": template});
        let mut m = message();
        m.title = "Backup \"nightly\" failed\nsecond line \\ {{summary}}".into();
        let delivery = send_message("webhook", config, &m).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "PUT");
        assert_eq!(req.uri, "/put");
        let body = req.json();
        assert_eq!(
            body["text"],
            "Backup \"nightly\" failed\nsecond line \\ {{summary}}"
        );
        assert_eq!(
            body["detail"],
            json!({
                "why": "pg_dump exited with code 1: connection refused",
                "sev": "failure",
                "colour": "#e01e5a",
                "at": "2026-11-22T03:00:00Z",
                "event": "backup_failure",
                "url": "http://localhost:3000/executions/42",
            })
        );
        assert_eq!(
            body["fields"][2],
            json!({"name": "Destinations", "value": "0 of 2 written"})
        );
        assert_eq!(body["all"]["title"], body["text"]);
        assert_eq!(body["all"]["fields"], body["fields"]);
    }

    #[tokio::test]
    async fn patch_is_sent_as_patch() {
        let server = CaptureServer::start().await;
        let config = json!({"url": format!("{}/p", server.base), "method": "PATCH"});
        assert_eq!(send("webhook", config).await.result, Ok(()));
        assert_eq!(server.single().method, "PATCH");
    }

    #[test]
    fn a_broken_template_is_refused_when_the_channel_is_saved() {
        let config = json!({"url": "https://example.com/hook", "body_template": "{\"text\": {{title}}}"});
        let error = registry::notifier("webhook", &config).err().unwrap().to_string();
        assert!(
            error.starts_with(
                "invalid configuration: the body template is not valid JSON once its placeholders are filled in"
            ),
            "{error}"
        );
        assert!(error.contains("inside quotes"), "{error}");
        let config = json!({"url": "https://example.com/hook", "body_template": "{\"text\": \"{{titel}}\"}"});
        let error = registry::notifier("webhook", &config).err().unwrap().to_string();
        assert!(error.contains("unknown placeholder {{titel}}"), "{error}");
    }

    #[test]
    fn an_invalid_header_line_is_refused_without_its_value() {
        let config = json!({"url": "https://example.com/hook", "headers": ["X-Fine: 1", "Authorization Bearer s3cret"]});
        let error = registry::notifier("webhook", &config).err().unwrap().to_string();
        assert_eq!(
            error,
            "invalid configuration: header line 2 must look like `Name: value`"
        );
        let config = json!({"url": "https://example.com/hook", "headers": ["Host: other.example"]});
        let error = registry::notifier("webhook", &config).err().unwrap().to_string();
        assert!(error.contains("host is set by Bulwark"), "{error}");
    }

    #[tokio::test]
    async fn an_error_status_is_quoted_and_4xx_is_not_retried() {
        let server = CaptureServer::start().await;
        let config = json!({"url": format!("{}/status/403/SECRET", server.base)});
        let delivery = send("webhook", config).await;
        assert_eq!(delivery.attempts, 1);
        assert_eq!(
            delivery.result,
            Err("the receiver answered HTTP 403: Forbidden (receiver says no)".into())
        );
    }
}
