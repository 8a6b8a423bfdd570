//! The notification log's read side (`list_notification_log`, `notification_preview`):
//! deliveries made by "Send test" on Slack channels pointed at a local capture server,
//! plus rows written straight into the table; each filter, keyset pages, the preview
//! (payload and an email's HTML), the permission, and no channel secret in any answer.
//! On SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::capture;
use crate::common;

use adapters::notify::{Policy, Targets};
use capture::CaptureServer;
use chrono::Utc;
use common::Harness;
use entity::enums::DeliveryStatus;
use entity::notification_log;
use http::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use std::time::Duration;

on_both_backends!(notification_log_lists_filters_pages_and_previews, scenario);

const FAST: Policy = Policy {
    timeout: Duration::from_millis(1500),
    backoff: Duration::from_millis(50),
    targets: Targets::PublicOnly,
};

/// The secret part of each webhook URL: it must never come back.
const SECRETS: [&str; 2] = ["T0SECRET1xyz", "T0SECRET2xyz"];

fn no_secret(body: &str) {
    for s in SECRETS {
        assert!(!body.contains(s), "a channel secret reached the browser: {body}");
    }
}

async fn create_channel(h: &Harness, admin: &str, name: &str, url: &str) -> i64 {
    let r = h
        .call(
            "create_adapter",
            &[
                ("kind", "notification"),
                ("adapter_id", "slack"),
                ("name", name),
                ("config[webhook_url]", url),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

async fn send_test(h: &Harness, admin: &str, id: i64) -> Value {
    let id = id.to_string();
    let r = h
        .call(
            "test_adapter",
            &[("kind", "notification"), ("id", &id)],
            Some(admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn list(h: &Harness, cookie: &str, form: &[(&str, &str)]) -> Value {
    let r = h.call("list_notification_log", form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{form:?}: {}", r.body);
    no_secret(&r.body);
    r.json()
}

fn ids(page: &Value) -> Vec<i64> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn preview(h: &Harness, cookie: &str, id: i64) -> common::Reply {
    let id = id.to_string();
    let r = h.call("notification_preview", &[("id", &id)], Some(cookie)).await;
    no_secret(&r.body);
    r
}

/// A delivery written straight into the log.
async fn logged(
    h: &Harness,
    event: &str,
    channel: &str,
    config: Option<i64>,
    sent: bool,
    html: Option<&str>,
) -> i64 {
    notification_log::ActiveModel {
        created_at: Set(Utc::now()),
        event: Set(event.into()),
        channel: Set(channel.into()),
        adapter_config_id: Set(config),
        execution_id: Set(None),
        status: Set(if sent {
            DeliveryStatus::Sent
        } else {
            DeliveryStatus::Failed
        }),
        title: Set(format!("{event} via {channel}")),
        message: Set("summary".into()),
        payload: Set("plain text part".into()),
        html: Set(html.map(str::to_string)),
        error: Set((!sent).then(|| "receiver answered 503".to_string())),
        attempts: Set(if sent { 1 } else { 2 }),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap()
    .id
}

async fn scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let ops = create_channel(
        h,
        &admin,
        "ops",
        &format!("{}/services/{}", server.base, SECRETS[0]),
    )
    .await;
    let broken = create_channel(
        h,
        &admin,
        "broken",
        &format!("{}/status/500/{}", server.base, SECRETS[1]),
    )
    .await;

    // "Send test" delivers, logs and reports synchronously.
    let report = send_test(h, &admin, ops).await;
    assert_eq!(report["ok"], true, "{report}");
    let report = send_test(h, &admin, broken).await;
    assert_eq!(report["ok"], false, "{report}");
    no_secret(&report.to_string());

    // Newest first, with the channel's name and what happened.
    let page = list(h, &admin, &[]).await;
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{page}");
    assert_eq!(page["next_before"], Value::Null);
    let (failed, sent) = (&rows[0], &rows[1]);
    assert!(failed["id"].as_i64() > sent["id"].as_i64());
    assert_eq!(sent["event"], "test");
    assert_eq!(sent["event_label"], "Test message");
    assert_eq!(sent["channel"], "slack");
    assert_eq!(sent["channel_name"], "ops");
    assert_eq!(sent["channel_id"], ops);
    assert_eq!(sent["sent"], true);
    assert_eq!(sent["attempts"], 1);
    assert_eq!(sent["error"], Value::Null);
    assert!(!sent["title"].as_str().unwrap().is_empty());
    assert_eq!(failed["channel_name"], "broken");
    assert_eq!(failed["sent"], false);
    assert_eq!(failed["attempts"], 2, "a 500 is retried once");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("500") && error.contains("receiver says no"),
        "{error}"
    );
    let (sent_id, failed_id) = (sent["id"].as_i64().unwrap(), failed["id"].as_i64().unwrap());

    // Each filter.
    let ops_s = ops.to_string();
    assert_eq!(ids(&list(h, &admin, &[("status", "sent")]).await), vec![sent_id]);
    assert_eq!(
        ids(&list(h, &admin, &[("status", "failed")]).await),
        vec![failed_id]
    );
    assert_eq!(
        ids(&list(h, &admin, &[("channel_id", &ops_s)]).await),
        vec![sent_id]
    );
    assert_eq!(
        ids(&list(h, &admin, &[("event", "test")]).await),
        vec![failed_id, sent_id]
    );
    assert!(ids(&list(h, &admin, &[("event", "backup_failure")]).await).is_empty());
    let all_three = [
        ("event", "test"),
        ("status", "sent"),
        ("channel_id", ops_s.as_str()),
    ];
    assert_eq!(ids(&list(h, &admin, &all_three).await), vec![sent_id]);
    // Empty fields are "any", as the page's form sends them.
    assert_eq!(
        ids(&list(h, &admin, &[("event", ""), ("status", "")]).await).len(),
        2
    );
    for bad in [("status", "lost"), ("event", "nope")] {
        let r = h.call("list_notification_log", &[bad], Some(&admin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
    }

    // The preview is the payload as sent: Slack blocks, no HTML.
    let r = preview(h, &admin, sent_id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = r.json();
    assert_eq!(p["id"], sent_id);
    assert_eq!(p["channel"], "slack");
    assert_eq!(p["html"], Value::Null);
    let payload: Value = serde_json::from_str(p["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["blocks"][0]["type"], "header");
    let received = server.requests();
    assert_eq!(received.len(), 1 + 2, "one test to ops, two attempts to broken");
    assert_eq!(
        p["payload"].as_str().unwrap(),
        received[0].body,
        "the log holds exactly what was sent"
    );
    let r = preview(h, &admin, failed_id).await;
    assert!(r.json()["error"].as_str().unwrap().contains("500"));
    assert_eq!(preview(h, &admin, 999_999).await.status, StatusCode::NOT_FOUND);

    // An email's preview carries its HTML.
    let mail = logged(
        h,
        "backup_failure",
        "email",
        None,
        true,
        Some("<h1>Backup failed</h1>"),
    )
    .await;
    let p = preview(h, &admin, mail).await.json();
    assert_eq!(p["channel"], "email");
    assert_eq!(p["html"], "<h1>Backup failed</h1>");
    assert_eq!(p["payload"], "plain text part");
    let page = list(h, &admin, &[("event", "backup_failure")]).await;
    assert_eq!(page["rows"][0]["channel_name"], Value::Null, "{page}");
    assert_eq!(page["rows"][0]["event_label"], "Backup failed");

    // Keyset pages of 50, newest first, through a filter.
    let mut written = vec![mail];
    for i in 0..54 {
        written.push(logged(h, "backup_failure", "slack", Some(ops), i % 2 == 0, None).await);
    }
    written.reverse();
    let mut walked = Vec::new();
    let mut before: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut form = vec![("event", "backup_failure")];
        if let Some(b) = &before {
            form.push(("before_id", b.as_str()));
        }
        let page = list(h, &admin, &form).await;
        let got = ids(&page);
        assert!(got.len() <= 50);
        walked.extend(got);
        pages += 1;
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(walked, written);
    let failed_ops = list(h, &admin, &[("status", "failed"), ("channel_id", &ops_s)]).await;
    assert_eq!(ids(&failed_ops).len(), 27);
    assert!(
        failed_ops["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["sent"] == false && r["error"] == "receiver answered 503")
    );

    // A deleted channel leaves its deliveries, named by the adapter id only.
    let broken_s = broken.to_string();
    let r = h
        .call(
            "delete_adapter",
            &[("kind", "notification"), ("id", &broken_s)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = list(h, &admin, &[("event", "test"), ("status", "failed")]).await;
    assert_eq!(ids(&page), vec![failed_id]);
    assert_eq!(page["rows"][0]["channel_name"], Value::Null);
    assert_eq!(page["rows"][0]["channel"], "slack");

    // notifications:read is needed for both; a reader without write may read.
    let outsider = h
        .user_with(&admin, "outsider@example.com", &["sources:read", "jobs:read"])
        .await;
    let r = h.call("list_notification_log", &[], Some(&outsider)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = h
        .call(
            "notification_preview",
            &[("id", &sent_id.to_string())],
            Some(&outsider),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let reader = h
        .user_with(&admin, "reader@example.com", &["notifications:read"])
        .await;
    assert_eq!(
        ids(&list(h, &reader, &[("event", "test")]).await),
        vec![failed_id, sent_id]
    );
    assert_eq!(preview(h, &reader, sent_id).await.status, StatusCode::OK);
    let r = h.call("list_notification_log", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}
