//! Issue 14: what the console's forms show before saving, and Settings' system
//! notifications, over REST with an API key: a schedule's next runs, a source's
//! databases, a retention preview, testing unsaved settings, an adapter's health log.

use crate::common;
use crate::engine_fixtures::{local_destination, make_sqlite, sqlite_source, temp_dir};

use common::Harness;
use http::StatusCode;
use serde_json::json;

on_both_backends!(previews_and_subscriptions_over_rest, scenario);

async fn scenario(h: &Harness) {
    let key = h
        .api_key(
            "previews",
            &[
                "jobs:read",
                "jobs:write",
                "sources:read",
                "sources:write",
                "destinations:read",
                "destinations:write",
                "notifications:read",
                "notifications:write",
                "settings:read",
                "settings:write",
            ],
        )
        .await;
    let dir = temp_dir("rest-previews");
    let file = dir.join("shop.db");
    make_sqlite(&file, 10).await;
    let source = sqlite_source(&h.state, "shop", &file).await;
    let destination = local_destination(&h.state, "disk", &dir.join("backups")).await;

    // The next runs, as the scheduler fires them: every second of 09:30, none skipped.
    let r = h
        .rest("GET", "/api/v1/schedule-preview?cron=*%2030%209%20*%20*%20*&timezone=Europe/Paris&after=2026-12-07T00:00:00Z", &key, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let next: Vec<_> = r.json()["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rfc3339"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<_> = (0..5).map(|s| format!("2026-12-07T09:30:0{s}+01:00")).collect();
    assert_eq!(next, want, "{}", r.body);
    let bad = h
        .rest("GET", "/api/v1/schedule-preview?cron=every%20day", &key, None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

    // The source's databases: a SQLite source holds one, named after its file.
    let r = h
        .rest("GET", &format!("/api/v1/sources/{source}/databases"), &key, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["databases"].as_array().unwrap().len(), 1, "{}", r.body);
    let r = h
        .rest("GET", "/api/v1/sources/999999/databases", &key, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Retention on an empty destination: nothing to keep or delete.
    let r = h
        .rest("POST", "/api/v1/retention-preview", &key, Some(json!({"job_name": "nightly", "destination_id": destination, "retention": {"kind": "keep_last", "count": 3}})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["items"], json!([]), "{}", r.body);

    // Unsaved settings: a file that exists connects; one that does not is a 502 with the
    // adapter's error; settings of the wrong type are refused before anything runs.
    let path = file.display().to_string();
    let r = h
        .rest(
            "POST",
            "/api/v1/sources/test",
            &key,
            Some(json!({"adapter_id": "sqlite", "config": {"path": path}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["ok"], true);
    let missing = dir.join("missing.db").display().to_string();
    let r = h
        .rest(
            "POST",
            "/api/v1/sources/test",
            &key,
            Some(json!({"adapter_id": "sqlite", "config": {"path": missing}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.body);
    assert_eq!(r.json()["code"], "connection_failed", "{}", r.body);
    let r = h
        .rest(
            "POST",
            "/api/v1/sources/test",
            &key,
            Some(json!({"adapter_id": "sqlite", "config": {"path": 7}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("`path` must be a string"),
        "{}",
        r.body
    );

    // A stored test leaves a health check, which the log shows.
    let r = h
        .rest("POST", &format!("/api/v1/sources/{source}/test"), &key, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h
        .rest(
            "GET",
            &format!("/api/v1/sources/{source}/health-log?limit=5"),
            &key,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let checks = r.json()["checks"].as_array().unwrap().clone();
    assert_eq!(checks.len(), 1, "{}", r.body);
    assert_eq!(checks[0]["ok"], true);
    let r = h
        .rest(
            "GET",
            &format!("/api/v1/sources/{source}/health-log?limit=101"),
            &key,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // System notifications: subscribe a channel to failures, read it back; an id that is
    // not a channel stores nothing.
    let r = h
        .rest(
            "POST",
            "/api/v1/notification-channels",
            &key,
            Some(
                json!({"adapter_id": "webhook", "name": "ops", "config": {"url": "http://127.0.0.1:9/hook"}}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let channel = r.json()["id"].as_i64().unwrap();
    let body = json!({"events": [{"event": "backup_failure", "channel_ids": [channel]}]});
    let r = h
        .rest("PUT", "/api/v1/system-notifications", &key, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let subscribed = |v: &serde_json::Value, event: &str| {
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event"] == event)
            .unwrap()["channel_ids"]
            .clone()
    };
    let r = h.rest("GET", "/api/v1/system-notifications", &key, None).await;
    assert_eq!(
        subscribed(&r.json(), "backup_failure"),
        json!([channel]),
        "{}",
        r.body
    );
    assert_eq!(subscribed(&r.json(), "adapter_offline"), json!([]), "{}", r.body);
    let r = h
        .rest(
            "PUT",
            "/api/v1/system-notifications",
            &key,
            Some(json!({"events": [{"event": "adapter_offline", "channel_ids": [source]}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = h.rest("GET", "/api/v1/system-notifications", &key, None).await;
    assert_eq!(
        subscribed(&r.json(), "backup_failure"),
        json!([channel]),
        "{}",
        r.body
    );
    assert_eq!(subscribed(&r.json(), "adapter_offline"), json!([]), "{}", r.body);
}
