//! Slack against a local capture server: the payload asserted field by field against
//! Slack's documented format, then the failure paths every HTTP notifier shares (an
//! error status quoted back, a hang cut by the timeout, one retry on 5xx).

use crate::capture;
use crate::notify_support;

use capture::CaptureServer;
use notify_support::send;
use serde_json::json;

mod slack {
    use super::*;

    #[tokio::test]
    async fn posts_block_kit_to_the_webhook() {
        let server = CaptureServer::start().await;
        let url = format!("{}/services/T000/B000/XXXX", server.base);
        let delivery = send("slack", json!({"webhook_url": url})).await;
        assert_eq!(delivery.result, Ok(()));
        let req = server.single();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/services/T000/B000/XXXX");
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(
            body["text"],
            "Backup failed: nightly-db: pg_dump exited with code 1: connection refused"
        );
        let blocks = body["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[0]["text"]["type"], "plain_text");
        assert_eq!(blocks[0]["text"]["text"], "Backup failed: nightly-db");
        assert_eq!(blocks[1]["type"], "section");
        assert_eq!(blocks[1]["text"]["type"], "mrkdwn");
        assert_eq!(
            blocks[1]["text"]["text"],
            "pg_dump exited with code 1: connection refused"
        );
        let fields = blocks[2]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0], json!({"type": "mrkdwn", "text": "*Job*\nnightly-db"}));
        assert_eq!(blocks[3]["type"], "context");
        assert!(
            blocks[3]["elements"][0]["text"]
                .as_str()
                .unwrap()
                .contains("backup_failure"),
            "{body}"
        );
        assert_eq!(blocks[4]["type"], "actions");
        assert_eq!(blocks[4]["elements"][0]["type"], "button");
        assert_eq!(
            blocks[4]["elements"][0]["url"],
            "http://localhost:3000/executions/42"
        );
        assert_eq!(blocks.len(), 5);
    }
}

/// The failure paths every HTTP notifier shares, shown through Slack.
mod failures {
    use super::*;

    #[tokio::test]
    async fn an_error_status_is_quoted_and_4xx_is_not_retried() {
        let server = CaptureServer::start().await;
        let delivery = send(
            "slack",
            json!({"webhook_url": format!("{}/status/404/x", server.base)}),
        )
        .await;
        assert_eq!(delivery.attempts, 1);
        assert_eq!(
            delivery.result,
            Err("the receiver answered HTTP 404: Not Found (receiver says no)".into())
        );
    }

    #[tokio::test]
    async fn a_5xx_is_retried_once() {
        let server = CaptureServer::start().await;
        let delivery = send(
            "slack",
            json!({"webhook_url": format!("{}/status/500/x", server.base)}),
        )
        .await;
        assert_eq!(delivery.attempts, 2);
        assert_eq!(server.requests().len(), 2);
        assert_eq!(
            delivery.result,
            Err("the receiver answered HTTP 500: Internal Server Error (receiver says no)".into())
        );
    }

    #[tokio::test]
    async fn a_hang_times_out_twice() {
        let server = CaptureServer::start().await;
        let delivery = send("slack", json!({"webhook_url": format!("{}/hang/x", server.base)})).await;
        assert_eq!(delivery.attempts, 2);
        assert_eq!(delivery.result, Err("timed out: no answer within 0.5 s".into()));
    }

    #[tokio::test]
    async fn an_unreachable_receiver_is_named_without_its_path() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let delivery = send(
            "slack",
            json!({"webhook_url": format!("http://{addr}/services/SECRET")}),
        )
        .await;
        let error = delivery.result.unwrap_err();
        assert!(
            error.starts_with("host unreachable: http://127.0.0.1:"),
            "{error}"
        );
        assert!(!error.contains("SECRET"), "{error}");
    }
}
