//! The executions list (filters, keyset pages, speed at 100,000 rows), the detail view
//! and the live-events endpoint's access rules, through the real router. On SQLite and,
//! with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Harness;
use engine_fixtures::{JobSpec, create_job, sqlite_source};
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger, LogLevel};
use entity::{execution, execution_log, group, session, user};
use http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use std::time::Instant;

on_both_backends!(filters_and_keyset_pages, filters_and_pages, with_backend);
on_both_backends!(pages_stay_fast_at_100k_rows, hundred_thousand, with_backend);
on_both_backends!(
    detail_and_live_events_are_guarded,
    detail_and_events,
    with_backend
);
on_both_backends!(live_streams_end_with_their_session, streams_end, with_backend);

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

const STATUSES: [ExecutionStatus; 3] = [
    ExecutionStatus::Success,
    ExecutionStatus::Failed,
    ExecutionStatus::Cancelled,
];
const KINDS: [ExecutionKind; 2] = [ExecutionKind::Backup, ExecutionKind::Verify];

/// Row `i`: job a when i % 3 == 0 else b; status by i % 3... (see below); 10 minutes apart.
fn row(i: i64, jobs: (i64, i64)) -> execution::ActiveModel {
    let created = base() + Duration::minutes(10 * i);
    execution::ActiveModel {
        job_id: Set(Some(if i % 4 == 0 { jobs.0 } else { jobs.1 })),
        kind: Set(KINDS[(i % 2) as usize]),
        status: Set(STATUSES[(i % 3) as usize]),
        trigger: Set(ExecutionTrigger::Schedule),
        triggered_by_user_id: Set(None),
        created_at: Set(created),
        started_at: Set(Some(created)),
        finished_at: Set(Some(created + Duration::seconds(42))),
        raw_bytes: Set(Some(1_000 + i)),
        stored_bytes: Set(Some(500 + i)),
        checksum_sha256: Set(None),
        destination_results: Set(json!([])),
        metadata: Set(json!({})),
        error: Set(None),
        claimed_by: Set(None),
        heartbeat_at: Set(None),
        cancel_requested: Set(false),
        scheduled_for: Set(None),
        ..Default::default()
    }
}

async fn insert_rows(h: &Harness, count: i64, jobs: (i64, i64)) {
    let mut i = 0;
    while i < count {
        let end = (i + 1_000).min(count);
        execution::Entity::insert_many((i..end).map(|i| row(i, jobs)))
            .exec(&h.state.db)
            .await
            .unwrap();
        i = end;
    }
}

async fn two_jobs(h: &Harness) -> (i64, i64) {
    let source = sqlite_source(&h.state, "src", std::path::Path::new("/nonexistent.db")).await;
    let a = create_job(&h.state, JobSpec::new("Alpha", source, &[])).await;
    let b = create_job(&h.state, JobSpec::new("Beta", source, &[])).await;
    (a, b)
}

async fn page(h: &Harness, cookie: &str, filter: &[(&str, String)]) -> Value {
    let form: Vec<(String, String)> = filter
        .iter()
        .map(|(k, v)| (format!("filter[{k}]"), v.clone()))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = h.call("list_executions", &form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{filter:?}: {}", r.body);
    r.json()
}

/// Every id of a filter, walked page by page with `before`.
async fn walk(h: &Harness, cookie: &str, filter: &[(&str, String)]) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut f = filter.to_vec();
        if let Some(b) = before {
            f.push(("before", b.to_string()));
        }
        let p = page(h, cookie, &f).await;
        let rows = p["rows"].as_array().unwrap();
        assert!(rows.len() <= 50);
        ids.extend(rows.iter().map(|r| r["id"].as_i64().unwrap()));
        match p["next_before"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), ids.last().copied());
                before = Some(next);
            }
            None => return ids,
        }
    }
}

async fn filters_and_pages(h: &Harness, _backend: &str) {
    let admin = h.setup_admin().await;
    let jobs = two_jobs(h).await;
    insert_rows(h, 300, jobs).await;
    let all: Vec<execution::Model> = execution::Entity::find().all(&h.state.db).await.unwrap();
    assert_eq!(all.len(), 300);
    let expect = |keep: &dyn Fn(&execution::Model) -> bool| {
        let mut ids: Vec<i64> = all.iter().filter(|e| keep(e)).map(|e| e.id).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids
    };

    let first = page(h, &admin, &[]).await;
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert_eq!(first["jobs"], json!([[jobs.0, "Alpha"], [jobs.1, "Beta"]]));
    let top = &first["rows"][0];
    assert_eq!(
        top["job_name"],
        if top["job_id"] == jobs.0 { "Alpha" } else { "Beta" }
    );
    assert_eq!(top["duration_ms"], 42_000);

    assert_eq!(
        walk(h, &admin, &[]).await,
        expect(&|_| true),
        "all rows, no overlap, no gap"
    );
    assert_eq!(
        walk(h, &admin, &[("status", "failed".into())]).await,
        expect(&|e| e.status == ExecutionStatus::Failed)
    );
    assert_eq!(
        walk(
            h,
            &admin,
            &[("job_id", jobs.0.to_string()), ("kind", "backup".into())]
        )
        .await,
        expect(&|e| e.job_id == Some(jobs.0) && e.kind == ExecutionKind::Backup)
    );
    let day2 = |e: &execution::Model| e.created_at.date_naive().to_string() == "2026-01-02";
    let ids = walk(
        h,
        &admin,
        &[("from", "2026-01-02".into()), ("to", "2026-01-02".into())],
    )
    .await;
    assert_eq!(ids.len(), 144);
    assert_eq!(ids, expect(&day2));
    assert_eq!(
        walk(
            h,
            &admin,
            &[
                ("status", "cancelled".into()),
                ("job_id", jobs.1.to_string()),
                ("from", "2026-01-02".into()),
                ("kind", String::new()),
            ]
        )
        .await,
        expect(&|e| e.status == ExecutionStatus::Cancelled
            && e.job_id == Some(jobs.1)
            && e.created_at >= base() + Duration::days(1))
    );
    // Bad filters are refused with the reason.
    let r = h
        .call("list_executions", &[("filter[status]", "exploded")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = h
        .call("list_executions", &[("filter[from]", "yesterday")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Permission.
    let viewer = h.user_with(&admin, "jobs@example.com", &["jobs:read"]).await;
    assert_eq!(
        h.call("list_executions", &[], Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.call("list_executions", &[], None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn hundred_thousand(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let jobs = two_jobs(h).await;
    let started = Instant::now();
    insert_rows(h, 100_000, jobs).await;
    eprintln!(
        "[{backend}] inserted 100,000 executions in {:?}",
        started.elapsed()
    );
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("first page, no filter", vec![]),
        (
            "first page, job + status",
            vec![("job_id", jobs.0.to_string()), ("status", "failed".into())],
        ),
        (
            "first page, kind + date range",
            vec![
                ("kind", "verify".into()),
                ("from", "2026-02-01".into()),
                ("to", "2026-02-10".into()),
            ],
        ),
        ("deep page, before=500", vec![("before", "500".into())]),
        (
            "deep page, status, before=500",
            vec![("status", "cancelled".into()), ("before", "500".into())],
        ),
    ];
    for (label, filter) in cases {
        let t = Instant::now();
        let p = page(h, &admin, &filter).await;
        let took = t.elapsed();
        eprintln!("[{backend}] {label}: {took:?}");
        assert!(!p["rows"].as_array().unwrap().is_empty(), "{label}");
        assert!(took.as_secs_f64() < 2.0, "{label} took {took:?}");
    }
}

async fn detail_and_events(h: &Harness, _backend: &str) {
    let admin = h.setup_admin().await;
    let jobs = two_jobs(h).await;
    insert_rows(h, 2, jobs).await;
    let done = execution::Entity::find().all(&h.state.db).await.unwrap()[0].clone();
    let mut active: execution::ActiveModel = done.clone().into();
    active.checksum_sha256 = Set(Some("ab".repeat(32)));
    active.destination_results = Set(json!([{"database": "main", "object": "alpha/x.sqlite.zst",
        "destinations": [{"destination": "disk", "ok": true, "object": {"path": "alpha/x.sqlite.zst", "size": 501}, "error": null},
                         {"destination": "s3", "ok": false, "object": null, "error": "bucket missing"}]}]));
    active.update(&h.state.db).await.unwrap();
    for seq in 1..=3 {
        execution_log::ActiveModel {
            execution_id: Set(done.id),
            seq: Set(seq),
            created_at: Set(Utc::now()),
            level: Set(LogLevel::Info),
            stage: Set("dump".into()),
            message: Set(format!("line {seq}")),
            ..Default::default()
        }
        .insert(&h.state.db)
        .await
        .unwrap();
    }
    let id = done.id.to_string();
    let r = h.call("get_execution", &[("id", &id)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.json();
    assert_eq!(d["checksum_sha256"], "ab".repeat(32));
    assert_eq!(d["destinations"][1]["error"], "bucket missing");
    assert_eq!(d["destinations"][0]["size"], 501);
    assert_eq!(d["log"].as_array().unwrap().len(), 3);
    assert_eq!(d["can_cancel"], false, "finished");
    assert_eq!(
        h.call("get_execution", &[("id", "99999")], Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Live events: a session is needed, and executions:read.
    let path = format!("/events/executions/{id}");
    let r = h.get(&path, None).await;
    assert!(
        r.status.is_redirection() && r.location() == Some("/login") || r.status == StatusCode::UNAUTHORIZED,
        "{} {:?}",
        r.status,
        r.location()
    );
    let viewer = h.user_with(&admin, "jobs@example.com", &["jobs:read"]).await;
    assert_eq!(h.get(&path, Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    let reader = h
        .user_with(&admin, "exec@example.com", &["executions:read"])
        .await;
    assert_eq!(
        h.get("/events/executions/99999", Some(&reader)).await.status,
        StatusCode::NOT_FOUND
    );
    // A finished execution: the stored lines and the status, then the stream ends.
    let r = tokio::time::timeout(std::time::Duration::from_secs(10), h.get(&path, Some(&reader)))
        .await
        .expect("the stream of a finished execution ends");
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get(http::header::CONTENT_TYPE).unwrap(),
        "text/event-stream"
    );
    let events: Vec<Value> = r
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let lines: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "log")
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["line 1", "line 2", "line 3"], "{events:?}");
    assert_eq!(events.last().unwrap()["type"], "status");
    assert_eq!(events.last().unwrap()["status"], "success");
}

/// Finding 13 of docs/SECURITY.md: a live log stream ends (with a last event saying why)
/// within seconds of its session being signed out, expiring, or losing executions:read.
async fn streams_end(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let jobs = two_jobs(h).await;
    let mut running = row(0, jobs);
    running.status = Set(ExecutionStatus::Running);
    running.finished_at = Set(None);
    let running = running.insert(&h.state.db).await.unwrap();
    let path = format!("/events/executions/{}", running.id);

    // Follows the stream while `end` runs; the stream must end by itself soon after.
    async fn follow_while<F: std::future::Future<Output = ()>>(
        h: &Harness,
        path: &str,
        cookie: &str,
        end: F,
    ) -> Vec<Value> {
        let stream = h.get(path, Some(cookie));
        let end = async {
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            end.await;
        };
        let (r, ()) = tokio::time::timeout(std::time::Duration::from_secs(12), async {
            tokio::join!(stream, end)
        })
        .await
        .expect("the stream ends once its session no longer allows it");
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(|d| serde_json::from_str(d).unwrap())
            .collect()
    }
    let ended = |events: &[Value]| events.last().cloned().unwrap_or_default();
    let session_of = |cookie: String| async move {
        let token = cookie.split_once('=').unwrap().1.to_string();
        session::Entity::find()
            .filter(session::Column::TokenHash.eq(app::server::session::hash_token(&token)))
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap()
    };

    // Signed out.
    let reader = h.user_with(&admin, "r1@example.com", &["executions:read"]).await;
    let events = follow_while(h, &path, &reader, async {
        let r = h.call("logout", &[], Some(&reader)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    })
    .await;
    let last = ended(&events);
    assert_eq!(last["type"], "ended", "{backend}: {events:?}");
    assert!(
        last["reason"].as_str().unwrap().contains("session ended"),
        "{last}"
    );
    assert_eq!(events[0]["type"], "status", "it streamed before: {events:?}");

    // Expired (the idle timeout passed).
    let reader = h.user_with(&admin, "r2@example.com", &["executions:read"]).await;
    let s = session_of(reader.clone()).await;
    let events = follow_while(h, &path, &reader, async {
        let mut s: session::ActiveModel = s.into();
        s.expires_at = Set(Utc::now() - Duration::seconds(1));
        s.update(&h.state.db).await.unwrap();
    })
    .await;
    assert_eq!(ended(&events)["type"], "ended", "{backend}: {events:?}");

    // Disabled.
    let reader = h.user_with(&admin, "r3@example.com", &["executions:read"]).await;
    let s = session_of(reader.clone()).await;
    let events = follow_while(h, &path, &reader, async {
        let u = user::Entity::find_by_id(s.user_id)
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut u: user::ActiveModel = u.into();
        u.disabled = Set(true);
        u.update(&h.state.db).await.unwrap();
    })
    .await;
    assert_eq!(ended(&events)["type"], "ended", "{backend}: {events:?}");

    // The group no longer grants executions:read.
    let reader = h.user_with(&admin, "r4@example.com", &["executions:read"]).await;
    let s = session_of(reader.clone()).await;
    let events = follow_while(h, &path, &reader, async {
        let u = user::Entity::find_by_id(s.user_id)
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        let g = group::Entity::find_by_id(u.group_id)
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut g: group::ActiveModel = g.into();
        g.permissions = Set(json!(["jobs:read"]));
        g.update(&h.state.db).await.unwrap();
    })
    .await;
    let last = ended(&events);
    assert_eq!(last["type"], "ended", "{backend}: {events:?}");
    assert!(
        last["reason"].as_str().unwrap().contains("executions:read"),
        "{last}"
    );
}
