//! Discord, Microsoft Teams and Telegram against a local capture server: each payload
//! asserted field by field against the service's documented format, plus each service's
//! own limits and Telegram's errors (quoted back, never with the bot token).

use crate::capture;
use crate::notify_support;

use adapters::notify::Field;
use capture::CaptureServer;
use notify_support::{message, send, send_message};
use serde_json::json;

mod discord {
    use super::*;

    #[tokio::test]
    async fn posts_one_embed_to_the_webhook() {
        let server = CaptureServer::start().await;
        let url = format!("{}/api/webhooks/123/TOKEN", server.base);
        let delivery = send("discord", json!({"webhook_url": url})).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/api/webhooks/123/TOKEN");
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        assert_eq!(body["username"], "Bulwark");
        let embeds = body["embeds"].as_array().unwrap();
        assert_eq!(embeds.len(), 1);
        let embed = &embeds[0];
        assert_eq!(embed.as_object().unwrap().len(), 7, "{embed}");
        assert_eq!(embed["title"], "Backup failed: nightly-db");
        assert_eq!(
            embed["description"],
            "pg_dump exited with code 1: connection refused"
        );
        assert_eq!(embed["url"], "http://localhost:3000/executions/42");
        assert_eq!(embed["color"], json!(0xE0_1E_5A));
        assert_eq!(embed["timestamp"], "2026-11-22T03:00:00Z");
        assert_eq!(embed["footer"], json!({"text": "Bulwark · backup_failure"}));
        assert_eq!(
            embed["fields"],
            json!([
                {"name": "Job", "value": "nightly-db", "inline": true},
                {"name": "Duration", "value": "12 s", "inline": true},
                {"name": "Destinations", "value": "0 of 2 written", "inline": true},
            ])
        );
    }

    #[tokio::test]
    async fn the_username_is_configurable() {
        let server = CaptureServer::start().await;
        let url = format!("{}/api/webhooks/1/x", server.base);
        let delivery = send("discord", json!({"webhook_url": url, "username": "Backups"})).await;
        assert_eq!(delivery.result, Ok(()));
        assert_eq!(server.single().json()["username"], "Backups");
    }

    #[tokio::test]
    async fn at_most_25_fields_and_long_titles_are_clipped() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.title = "x".repeat(300);
        m.fields = (1..=30)
            .map(|i| Field::new(format!("F{i}"), format!("v{i}")))
            .collect();
        let url = format!("{}/api/webhooks/1/x", server.base);
        let delivery = send_message("discord", json!({"webhook_url": url}), &m).await;
        assert_eq!(delivery.result, Ok(()));
        let embed = &server.single().json()["embeds"][0];
        let fields = embed["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 25);
        assert_eq!(fields[24]["name"], "F25");
        assert_eq!(embed["title"], format!("{}…", "x".repeat(255)));
    }

    #[tokio::test]
    async fn an_error_status_is_quoted() {
        let server = CaptureServer::start().await;
        let url = format!("{}/status/404/api/webhooks/1/SECRET", server.base);
        let delivery = send("discord", json!({"webhook_url": url})).await;
        let error = delivery.result.unwrap_err();
        assert_eq!(
            error,
            "the receiver answered HTTP 404: Not Found (receiver says no)"
        );
    }
}

mod teams {
    use super::*;

    #[tokio::test]
    async fn posts_an_adaptive_card_to_the_workflow() {
        let server = CaptureServer::start().await;
        let url = format!(
            "{}/workflows/abc/triggers/manual/paths/invoke?sig=SECRET",
            server.base
        );
        let delivery = send("teams", json!({"webhook_url": url})).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/workflows/abc/triggers/manual/paths/invoke?sig=SECRET");
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        assert_eq!(body["type"], "message");
        let attachments = body["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        let attachment = &attachments[0];
        assert_eq!(attachment.as_object().unwrap().len(), 3, "{attachment}");
        assert_eq!(
            attachment["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        assert_eq!(attachment["contentUrl"], json!(null));
        let card = &attachment["content"];
        assert_eq!(card.as_object().unwrap().len(), 5, "{card}");
        assert_eq!(
            card["$schema"],
            "http://adaptivecards.io/schemas/adaptive-card.json"
        );
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["version"], "1.4");
        assert_eq!(
            card["body"],
            json!([
                {
                    "type": "TextBlock",
                    "text": "Backup failed: nightly-db",
                    "weight": "Bolder",
                    "size": "Medium",
                    "wrap": true,
                    "color": "Attention",
                },
                {
                    "type": "TextBlock",
                    "text": "pg_dump exited with code 1: connection refused",
                    "wrap": true,
                },
                {
                    "type": "FactSet",
                    "facts": [
                        {"title": "Job", "value": "nightly-db"},
                        {"title": "Duration", "value": "12 s"},
                        {"title": "Destinations", "value": "0 of 2 written"},
                    ],
                },
            ])
        );
        assert_eq!(
            card["actions"],
            json!([{
                "type": "Action.OpenUrl",
                "title": "View in Bulwark",
                "url": "http://localhost:3000/executions/42",
            }])
        );
    }

    #[tokio::test]
    async fn without_a_link_there_is_no_button() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.link = None;
        let url = format!("{}/workflows/x", server.base);
        let delivery = send_message("teams", json!({"webhook_url": url}), &m).await;
        assert_eq!(delivery.result, Ok(()));
        let body = server.single().json();
        let card = &body["attachments"][0]["content"];
        assert!(card.get("actions").is_none(), "{card}");
    }
}

mod telegram {
    use super::*;

    const TOKEN: &str = "123456:ABC-test";

    fn config(api_url: String) -> serde_json::Value {
        json!({"bot_token": TOKEN, "chat_id": "-1001234567890", "api_url": api_url})
    }

    #[tokio::test]
    async fn sends_html_with_the_token_in_the_path() {
        let server = CaptureServer::start().await;
        let delivery = send("telegram", config(server.base.clone())).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, format!("/bot{TOKEN}/sendMessage"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(body.as_object().unwrap().len(), 4, "{body}");
        assert_eq!(body["chat_id"], json!(-1001234567890_i64));
        assert_eq!(
            body["text"],
            "<b>Backup failed: nightly-db</b>\n\
             pg_dump exited with code 1: connection refused\n\n\
             <b>Job:</b> nightly-db\n\
             <b>Duration:</b> 12 s\n\
             <b>Destinations:</b> 0 of 2 written\n\
             <a href=\"http://localhost:3000/executions/42\">View in Bulwark</a>"
        );
        assert_eq!(body["parse_mode"], "HTML");
        assert_eq!(body["link_preview_options"], json!({"is_disabled": true}));
        assert!(body.get("message_thread_id").is_none(), "{body}");
        assert!(!req.body.contains(TOKEN), "the token stays out of the payload");
    }

    #[tokio::test]
    async fn a_topic_and_a_channel_name() {
        let server = CaptureServer::start().await;
        let mut cfg = config(format!("{}/", server.base));
        cfg["chat_id"] = json!("@bulwark_alerts");
        cfg["topic_id"] = json!(17);
        let delivery = send("telegram", cfg).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.uri, format!("/bot{TOKEN}/sendMessage"));
        let body = req.json();
        assert_eq!(body["chat_id"], "@bulwark_alerts");
        assert_eq!(body["message_thread_id"], json!(17));
    }

    #[tokio::test]
    async fn markup_is_escaped_and_long_titles_clipped() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.title = format!("<{}", "t".repeat(400));
        m.summary = "a & b \"c\" <d>".into();
        m.fields = vec![Field::new("<Job>", "x&y")];
        m.link = None;
        let delivery = send_message("telegram", config(server.base.clone()), &m).await;
        assert_eq!(delivery.result, Ok(()));
        let text = server.single().json()["text"].as_str().unwrap().to_string();
        assert_eq!(
            text,
            format!(
                "<b>&lt;{}…</b>\na &amp; b &quot;c&quot; &lt;d&gt;\n\n<b>&lt;Job&gt;:</b> x&amp;y",
                "t".repeat(251)
            )
        );
    }

    #[tokio::test]
    async fn an_over_long_message_is_clipped_to_4096() {
        let server = CaptureServer::start().await;
        let mut m = message();
        m.summary = "s".repeat(10_000);
        m.fields = (0..50)
            .map(|i| Field::new(format!("F{i}"), "v".repeat(900)))
            .collect();
        let delivery = send_message("telegram", config(server.base.clone()), &m).await;
        assert_eq!(delivery.result, Ok(()));
        let text = server.single().json()["text"].as_str().unwrap().to_string();
        assert!(text.chars().count() <= 4096, "{}", text.chars().count());
        assert!(text.ends_with("View in Bulwark</a>"), "{text}");
    }

    #[tokio::test]
    async fn an_error_quotes_the_receiver_and_hides_the_token() {
        let server = CaptureServer::start().await;
        let delivery = send("telegram", config(format!("{}/status/400", server.base))).await;
        assert_eq!(delivery.attempts, 1, "a 400 is not retried");
        let error = delivery.result.unwrap_err();
        assert_eq!(
            error,
            "the receiver answered HTTP 400: Bad Request (receiver says no)"
        );
        assert!(!error.contains(TOKEN) && !error.contains("ABC-test"), "{error}");
        assert_eq!(server.single().uri, format!("/status/400/bot{TOKEN}/sendMessage"));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_named_without_the_token() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let delivery = send("telegram", config(format!("http://{addr}"))).await;
        let error = delivery.result.unwrap_err();
        assert!(
            error.starts_with("host unreachable: http://127.0.0.1:"),
            "{error}"
        );
        assert!(!error.contains("ABC-test"), "{error}");
    }
}
