//! Notifications end to end without a browser: real backups through the real engine, Slack
//! channels pointed at a local capture server, the outbox delivering in the background.
//! A receiver that answers 500 or hangs leaves a logged failure with its reason and the
//! backup's own status untouched; job filters pick their events.

use crate::capture;
use crate::common;
use crate::engine_fixtures;

use adapters::notify::{Policy, Targets};
use capture::CaptureServer;
use common::Harness;
use engine_fixtures::*;
use entity::enums::{DeliveryStatus, ExecutionStatus, ExecutionTrigger, NotifyOn};
use entity::notification_log;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::time::Duration;

on_both_backends!(
    outcomes_reach_the_channels_their_filters_allow,
    filters_and_payload
);
on_both_backends!(
    a_failing_or_hanging_receiver_is_logged_and_the_backup_unaffected,
    receiver_failures
);
on_both_backends!(
    new_devices_and_new_users_reach_system_wide_channels,
    account_events
);
on_both_backends!(
    a_destination_going_offline_and_back_is_notified_once_each,
    offline_and_recovered
);
on_both_backends!(a_run_cut_short_by_a_crash_is_notified_as_failed, interrupted_run);
on_both_backends!(
    channels_reach_no_private_address_follow_no_redirect_and_echo_no_body,
    private_targets
);

/// The addresses come from the SuperAdmin's setting, whatever this says.
const FAST: Policy = Policy {
    timeout: Duration::from_millis(1500),
    backoff: Duration::from_millis(100),
    targets: Targets::PublicOnly,
};

/// A Slack channel whose webhook is `path` on the capture server.
async fn slack(h: &Harness, server: &CaptureServer, name: &str, path: &str) -> i64 {
    let hook = json!({"webhook_url": format!("{}{path}", server.base)});
    channel(&h.state, "slack", name, hook).await
}

async fn logs_of(h: &Harness, channel_id: i64) -> Vec<notification_log::Model> {
    notification_log::Entity::find()
        .filter(notification_log::Column::AdapterConfigId.eq(channel_id))
        .order_by_asc(notification_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
}

/// A job backing up a small SQLite file (or a missing one, which fails) to a local dir.
async fn job(h: &Harness, name: &str, ok: bool) -> i64 {
    let work = temp_dir("notify");
    let file = work.join("app.db");
    if ok {
        make_sqlite(&file, 50).await;
    }
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(&h.state, &format!("{name} db"), &file).await;
    let target = local_destination(&h.state, &format!("{name} disk"), &dest).await;
    create_job(&h.state, JobSpec::new(name, source, &[target])).await
}

async fn run(h: &Harness, job: i64) -> entity::execution::Model {
    run_now(&h.state, job).await
}

async fn filters_and_payload(h: &Harness) {
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let always = slack(h, &server, "ops-always", "/always").await;
    let failures = slack(h, &server, "ops-failures", "/failures").await;
    let successes = slack(h, &server, "ops-successes", "/successes").await;
    let good = job(h, "good", true).await;
    let bad = job(h, "bad", false).await;
    for job in [good, bad] {
        subscribe(&h.state, job, always, NotifyOn::Always).await;
        subscribe(&h.state, job, failures, NotifyOn::Failure).await;
        subscribe(&h.state, job, successes, NotifyOn::Success).await;
    }
    h.state.engine.start().await.unwrap();

    let ok_run = run(h, good).await;
    assert_eq!(ok_run.status, ExecutionStatus::Success, "{ok_run:?}");
    h.state.outbox.idle().await;
    let failed_run = run(h, bad).await;
    assert_eq!(failed_run.status, ExecutionStatus::Failed, "{failed_run:?}");
    h.state.outbox.idle().await;

    let events = |logs: Vec<notification_log::Model>| -> Vec<(String, Option<i64>)> {
        logs.into_iter().map(|l| (l.event, l.execution_id)).collect()
    };
    assert_eq!(
        events(logs_of(h, always).await),
        vec![
            ("backup_success".to_string(), Some(ok_run.id)),
            ("backup_failure".to_string(), Some(failed_run.id))
        ]
    );
    assert_eq!(
        events(logs_of(h, failures).await),
        vec![("backup_failure".to_string(), Some(failed_run.id))]
    );
    assert_eq!(
        events(logs_of(h, successes).await),
        vec![("backup_success".to_string(), Some(ok_run.id))]
    );

    // What was logged is what the receiver got, and it says what happened.
    let logged = logs_of(h, failures).await.remove(0);
    assert_eq!(logged.status, DeliveryStatus::Sent);
    assert_eq!(logged.attempts, 1);
    assert_eq!(logged.error, None);
    assert_eq!(logged.channel, "slack");
    let received: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.uri == "/failures")
        .collect();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, logged.payload);
    let payload = received[0].json();
    assert_eq!(payload["blocks"][0]["text"]["text"], "Backup failed: bad");
    let link = format!("{}/executions/{}", h.state.config.public_url, failed_run.id);
    let blocks = payload["blocks"].as_array().unwrap();
    assert_eq!(blocks.last().unwrap()["elements"][0]["url"], json!(link));
    let summary = payload["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(summary.contains("app.db"), "the failure's reason: {summary}");
}

async fn receiver_failures(h: &Harness) {
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let broken = slack(h, &server, "answers 500", "/status/500/hook").await;
    let hanging = slack(h, &server, "hangs", "/hang/hook").await;
    let job = job(h, "nightly", true).await;
    subscribe(&h.state, job, broken, NotifyOn::Always).await;
    subscribe(&h.state, job, hanging, NotifyOn::Always).await;
    h.state.engine.start().await.unwrap();

    let done = run(h, job).await;
    // The backup finished while its notifications were still trying (≥ 3 s for the hang).
    assert_eq!(done.status, ExecutionStatus::Success, "{done:?}");
    assert!(
        logs_of(h, hanging).await.is_empty(),
        "delivery must not hold up the backup"
    );
    h.state.outbox.idle().await;

    let failed = logs_of(h, broken).await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].status, DeliveryStatus::Failed);
    assert_eq!(failed[0].attempts, 2);
    assert_eq!(
        failed[0].error.as_deref(),
        Some("the receiver answered HTTP 500: Internal Server Error (receiver says no)")
    );
    assert!(
        failed[0].payload.contains("Backup succeeded: nightly"),
        "the payload is kept"
    );

    let hung = logs_of(h, hanging).await;
    assert_eq!(hung.len(), 1, "{hung:?}");
    assert_eq!(hung[0].status, DeliveryStatus::Failed);
    assert_eq!(hung[0].attempts, 2);
    assert_eq!(
        hung[0].error.as_deref(),
        Some("timed out: no answer within 1.5 s")
    );

    // The execution is exactly as it was recorded before the deliveries failed.
    let after = execution(&h.state.db, done.id).await;
    assert_eq!(after, done);
    // And each channel's health reflects its last delivery.
    let row = entity::adapter_config::Entity::find_by_id(broken)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.consecutive_failures, 1);
    assert!(row.last_error.unwrap().contains("HTTP 500"));
}

/// Signs in as the admin with `user_agent`; panics unless it works.
async fn sign_in_from(h: &Harness, user_agent: &str) {
    use axum::body::Body;
    use axum::http::{Request, header};
    let body = format!(
        "email=admin%40example.com&password={}",
        common::PASSWORD.replace(' ', "+")
    );
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000")
        .header(header::USER_AGENT, user_agent)
        .body(Body::from(body))
        .unwrap();
    let reply = h.send(request).await;
    assert!(
        reply.session_cookie().is_some(),
        "sign-in failed: {} {}",
        reply.status,
        reply.body
    );
}

/// Subscribes `channel` system-wide to `events`.
async fn subscribe_system(h: &Harness, channel: i64, events: &[app::api::notification_types::NotifyEvent]) {
    use app::server::notify::system_channels;
    use sea_orm::{ActiveModelTrait, Set};
    let subscriptions = events.iter().map(|e| (*e, vec![channel])).collect();
    entity::setting::ActiveModel {
        key: Set(system_channels::SETTING_KEY.to_string()),
        value: Set(system_channels::to_json(&subscriptions)),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
    }
    .insert(&h.state.db)
    .await
    .unwrap();
}

async fn account_events(h: &Harness) {
    use app::api::notification_types::NotifyEvent;
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let security = slack(h, &server, "security", "/security").await;
    subscribe_system(
        h,
        security,
        &[NotifyEvent::NewDeviceSignIn, NotifyEvent::UserCreated],
    )
    .await;

    // The first sign-in has nothing to compare with; a second browser is new, once.
    let admin = h.setup_admin().await;
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    sign_in_from(h, firefox).await;
    sign_in_from(h, firefox).await;
    h.state.outbox.idle().await;
    h.user_with(&admin, "newcomer@example.com", &["jobs:read"]).await;
    h.state.outbox.idle().await;

    let logged = logs_of(h, security).await;
    let seen: Vec<(&str, &str)> = logged
        .iter()
        .map(|l| (l.event.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "new_device_sign_in",
                "Sign-in from a new device: admin@example.com"
            ),
            ("user_created", "User created: newcomer@example.com"),
        ]
    );
    assert!(
        logged.iter().all(|l| l.status == DeliveryStatus::Sent),
        "{logged:?}"
    );
    assert!(
        logged[0].message.contains("Firefox on Linux"),
        "{}",
        logged[0].message
    );
    assert!(
        logged[1].message.contains("admin@example.com created"),
        "{}",
        logged[1].message
    );
    assert_eq!(server.requests().len(), 2);
}

async fn offline_and_recovered(h: &Harness) {
    use app::api::notification_types::NotifyEvent;
    use app::server::health_checks::run_health_checks_once;
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let ops = slack(h, &server, "ops", "/ops").await;
    subscribe_system(
        h,
        ops,
        &[NotifyEvent::AdapterOffline, NotifyEvent::AdapterRecovered],
    )
    .await;
    let dir = temp_dir("offline").join("mount");
    local_destination(&h.state, "nas", &dir).await;

    // Three failed checks in a row take it offline; a fourth says nothing new.
    for _ in 0..4 {
        run_health_checks_once(&h.state).await.unwrap();
    }
    // Deliveries run side by side: let this one land before the next event.
    h.state.outbox.idle().await;
    std::fs::create_dir_all(&dir).unwrap();
    run_health_checks_once(&h.state).await.unwrap();
    run_health_checks_once(&h.state).await.unwrap();
    h.state.outbox.idle().await;

    let logged = logs_of(h, ops).await;
    let seen: Vec<(&str, &str)> = logged
        .iter()
        .map(|l| (l.event.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("adapter_offline", "Destination offline: nas"),
            ("adapter_recovered", "Destination recovered: nas"),
        ]
    );
    assert!(
        logged[0].message.contains("not found"),
        "the last check's error: {}",
        logged[0].message
    );
}

async fn interrupted_run(h: &Harness) {
    use entity::enums::ExecutionKind;
    use sea_orm::{ActiveModelTrait, Set};
    h.state.outbox.set_policy(FAST);
    let server = CaptureServer::start().await;
    let ops = slack(h, &server, "ops", "/ops").await;
    let job = job(h, "crashed", true).await;
    subscribe(&h.state, job, ops, NotifyOn::Failure).await;
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(5);
    let orphan = entity::execution::ActiveModel {
        job_id: Set(Some(job)),
        kind: Set(ExecutionKind::Backup),
        status: Set(ExecutionStatus::Running),
        trigger: Set(ExecutionTrigger::Schedule),
        created_at: Set(long_ago),
        started_at: Set(Some(long_ago)),
        destination_results: Set(json!([])),
        metadata: Set(json!({})),
        claimed_by: Set(Some("an instance that crashed".into())),
        heartbeat_at: Set(Some(long_ago)),
        cancel_requested: Set(false),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap();

    h.state.engine.start().await.unwrap();
    h.state.outbox.idle().await;

    let logged = logs_of(h, ops).await;
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(logged[0].event, "backup_failure");
    assert_eq!(logged[0].execution_id, Some(orphan.id));
    assert_eq!(logged[0].title, "Backup failed: crashed");
    assert_eq!(logged[0].message, app::engine::INTERRUPTED);
}

/// A server on loopback standing for the Bulwark host's own network: an admin page, a
/// redirect to it, and an error page that quotes it. Counts the admin page's visits.
async fn internal_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::any;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let visits = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = visits.clone();
    let app = axum::Router::new()
        .route(
            "/internal-admin",
            any(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "ADMIN-PANEL-SECRET" }
            }),
        )
        .route(
            "/redirect",
            any(|| async { Redirect::temporary("/internal-admin") }),
        )
        .route(
            "/leaky",
            any(|| async {
                (
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "<html><body>db password ADMIN-PANEL-SECRET</body></html>",
                )
                    .into_response()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, visits)
}

/// Finding 6 of docs/SECURITY.md, through the console's server functions: "Send test"
/// (of a form and of a saved channel) reaches no loopback, private or link-local address
/// until a SuperAdmin allows it, never follows a redirect, and never quotes a body.
async fn private_targets(h: &Harness) {
    use std::sync::atomic::Ordering;
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(
            &admin,
            "channels@example.com",
            &[
                "notifications:read",
                "notifications:write",
                "settings:read",
                "settings:write",
            ],
        )
        .await;
    let (base, visits) = internal_server().await;
    let key = "values[notifications.allow_private_targets]";
    let setting = |who: &str| {
        let who = who.to_string();
        async move {
            let r = h.call("get_settings", &[], Some(&who)).await;
            assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["key"] == "notifications.allow_private_targets")
                .cloned()
                .unwrap()
        }
    };

    // Only a SuperAdmin may widen or narrow what channels reach.
    let r = h.call("save_settings", &[(key, "0")], Some(&editor)).await;
    assert_eq!(r.status, http::StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("only a SuperAdmin"), "{}", r.body);
    assert_eq!(setting(&editor).await["locked"], true);
    assert_eq!(setting(&admin).await["locked"], false);
    let r = h.call("save_settings", &[(key, "0")], Some(&admin)).await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);

    let send_test = |url: String| {
        let editor = editor.clone();
        async move {
            let form = [
                ("kind", "notification"),
                ("adapter_id", "webhook"),
                ("config[url]", url.as_str()),
            ];
            let r = h.call("test_adapter_form", &form, Some(&editor)).await;
            assert_eq!(r.status, http::StatusCode::OK, "{url}: {}", r.body);
            let report = r.json();
            assert_eq!(report["ok"], false, "{url}: {report}");
            report["message"].as_str().unwrap().to_string()
        }
    };
    let port = base.rsplit(':').next().unwrap();
    for (url, expected) in [
        (
            format!("{base}/internal-admin"),
            "127.0.0.1 is a loopback address",
        ),
        (
            format!("http://localhost:{port}/internal-admin"),
            "localhost resolves to",
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "link-local",
        ),
        ("http://10.0.0.1/".to_string(), "a private address"),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/internal-admin"),
            "loopback",
        ),
    ] {
        let message = send_test(url.clone()).await;
        assert!(message.contains(expected), "{url}: {message}");
        assert!(
            message.contains("unless a SuperAdmin allows private ones in Settings"),
            "{message}"
        );
    }
    // A saved channel's "Send test" (the path real deliveries take) is refused alike.
    let saved = channel(
        &h.state,
        "webhook",
        "internal",
        json!({"url": format!("{base}/internal-admin")}),
    )
    .await;
    let r = h
        .call(
            "test_adapter",
            &[("kind", "notification"), ("id", &saved.to_string())],
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
    assert!(
        r.json()["message"].as_str().unwrap().contains("loopback"),
        "{}",
        r.body
    );
    assert_eq!(
        visits.load(Ordering::SeqCst),
        0,
        "nothing reached the internal server"
    );

    // Allowed by the SuperAdmin, loopback is reached, but a redirect is not followed and
    // an error page is not quoted.
    let r = h.call("save_settings", &[(key, "1")], Some(&admin)).await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
    let message = send_test(format!("{base}/redirect")).await;
    assert!(
        message.contains("HTTP 307") && message.contains("not follow"),
        "{message}"
    );
    assert_eq!(visits.load(Ordering::SeqCst), 0, "the redirect was not followed");
    let message = send_test(format!("{base}/leaky")).await;
    assert!(
        message.starts_with("the receiver answered HTTP 500: Internal Server Error")
            && !message.contains("SECRET"),
        "{message}"
    );
    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("settings.update"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
}
