//! Issue 14: notification channels and their delivery log over REST, as in the console.
//! An API key creates a Slack channel pointed at a local capture server, renames it,
//! sends a test message (which the server receives), reads the delivery and its payload
//! from the log, and deletes the channel; the same steps through the console's server
//! functions leave the same audit entries but for the actor. The channel's secret never
//! comes back, and a key without `notifications:write` is refused.

use crate::capture;
use crate::common;

use adapters::notify::{Policy, Targets};
use capture::CaptureServer;
use common::{Harness, Reply};
use http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(notification_channels_and_their_log_over_rest, scenario);

const FAST: Policy = Policy {
    timeout: Duration::from_millis(1500),
    backoff: Duration::from_millis(50),
    targets: Targets::PublicOnly,
};

const SECRET: &str = "T0RESTSECRETxyz";

async fn rest(h: &Harness, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let reply = h.rest(method, path, key, body).await;
    assert!(
        !reply.body.contains(SECRET),
        "a channel secret came back: {}",
        reply.body
    );
    reply
}

/// `(action, resource, summary, outcome)` of the `channel.` entries `label` made, with
/// the channel's id written as `ID`.
async fn entries(h: &Harness, label: &str, id: i64) -> Vec<(String, String, String, String)> {
    h.audit_by(label, "channel.")
        .await
        .into_iter()
        .map(|e| {
            let resource = match e.resource_id {
                Some(r) if r == id.to_string() => "ID".to_string(),
                other => other.unwrap_or_default(),
            };
            (e.action, resource, e.summary, e.outcome)
        })
        .collect()
}

async fn scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let hook = format!("{}/services/{SECRET}", server.base);
    let writer = h
        .api_key("notifier", &["notifications:read", "notifications:write"])
        .await;
    let reader = h.api_key("watcher", &["notifications:read"]).await;

    // A reader may list but not create.
    let create = json!({"adapter_id": "slack", "name": "ops", "config": {"webhook_url": hook}});
    let r = rest(
        h,
        "POST",
        "/api/v1/notification-channels",
        &reader,
        Some(create.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Through the REST API.
    let r = rest(h, "POST", "/api/v1/notification-channels", &writer, Some(create)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let made = r.json();
    let rest_id = made["id"].as_i64().unwrap();
    assert_eq!(made["kind"], "channel");
    assert_eq!(made["secrets"]["webhook_url"], "set", "{made}");
    let one = format!("/api/v1/notification-channels/{rest_id}");
    let r = rest(h, "PUT", &one, &writer, Some(json!({"name": "ops-renamed"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["name"], "ops-renamed");
    let r = rest(h, "POST", &format!("{one}/test"), &writer, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["ok"], true, "{}", r.body);
    let received = server.single();
    assert!(received.uri.contains(SECRET), "{received:?}");
    assert!(received.body.contains("api-key:notifier"), "{}", received.body);

    let r = rest(h, "GET", "/api/v1/notification-channels", &reader, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = r.json();
    let names: Vec<&str> = listed["notification_channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ops-renamed"]);
    let q = format!("/api/v1/notification-log?event=test&status=sent&channel_id={rest_id}");
    let r = rest(h, "GET", &q, &reader, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["sent"], true);
    assert_eq!(rows[0]["channel_name"], "ops-renamed");
    let delivery = rows[0]["id"].as_i64().unwrap();
    let r = rest(
        h,
        "GET",
        &format!("/api/v1/notification-log/{delivery}"),
        &reader,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let preview = r.json();
    assert_eq!(preview["channel"], "slack");
    assert!(
        preview["payload"].as_str().unwrap() == received.body,
        "the log keeps what was sent: {preview} vs {}",
        received.body
    );
    let r = rest(h, "GET", "/api/v1/notification-log?status=lost", &reader, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = rest(h, "DELETE", &one, &writer, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = rest(h, "GET", &one, &reader, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Through the console.
    let ok = |r: Reply| {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    };
    let console_id = ok(h
        .call(
            "create_adapter",
            &[
                ("kind", "notification"),
                ("adapter_id", "slack"),
                ("name", "ops"),
                ("config[webhook_url]", &hook),
            ],
            Some(&admin),
        )
        .await)
    .as_i64()
    .unwrap();
    let id = console_id.to_string();
    ok(h.call(
        "update_adapter",
        &[
            ("kind", "notification"),
            ("id", &id),
            ("name", "ops-renamed"),
            ("config[webhook_url]", ""),
        ],
        Some(&admin),
    )
    .await);
    let report = ok(h
        .call(
            "test_adapter",
            &[("kind", "notification"), ("id", &id)],
            Some(&admin),
        )
        .await);
    assert_eq!(report["ok"], true, "{report}");
    ok(h.call(
        "delete_adapter",
        &[("kind", "notification"), ("id", &id)],
        Some(&admin),
    )
    .await);

    let console = entries(h, "admin@example.com", console_id).await;
    let by_key = entries(h, "api-key:notifier", rest_id).await;
    let actions: Vec<&str> = console.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        ["channel.create", "channel.update", "channel.delete"],
        "{console:?}"
    );
    assert_eq!(console, by_key);
}
