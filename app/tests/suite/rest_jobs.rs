//! Jobs through the REST API: list, read, run (202 + execution id) and cancel, with
//! permission scoping and audit entries, through the real router and the real engine.
//! Runs on SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use chrono::Utc;
use common::{Harness, Reply};
use engine_fixtures::*;
use entity::{audit_log, execution};
use http::{Request, StatusCode, header};
use sea_orm::QueryOrder;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_backends!(jobs_run_and_cancel_through_the_rest_api, run_and_cancel);
on_both_backends!(
    console_and_rest_record_the_same_run_and_cancel,
    same_audit_both_ways
);
on_both_backends!(
    console_and_rest_record_the_same_job_changes,
    same_job_changes_both_ways
);

async fn key(h: &Harness, name: &str, perms: &[&str]) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: name.into(),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            created_by_user_id: None,
            expires_at: None,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

async fn call(h: &Harness, method: &str, path: &str, key: &str) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    h.send(req).await
}

async fn executions(h: &Harness) -> u64 {
    execution::Entity::find().count(&h.state.db).await.unwrap()
}

async fn audit_by(h: &Harness, label: &str, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::ActorLabel.eq(label))
        .filter(audit_log::Column::Action.eq(action))
        .count(&h.state.db)
        .await
        .unwrap()
}

async fn run_and_cancel(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("rest-jobs");
    let file = work.join("shop.db");
    make_sqlite(&file, 1_500).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "shop db", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let targets = [target];
    let job = create_job(state, JobSpec::new("Shop", source, &targets)).await;

    let reader = key(h, "reader", &["jobs:read"]).await;
    let runner = key(h, "runner", &["jobs:execute", "executions:read"]).await;
    let canceller = key(h, "canceller", &["executions:cancel"]).await;

    // Reading jobs.
    let r = call(h, "GET", "/api/v1/jobs", &reader).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let jobs = r.json()["jobs"].as_array().unwrap().clone();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["name"], "Shop");
    assert_eq!(jobs[0]["destinations"][0]["destination_id"], target);
    let r = call(h, "GET", &format!("/api/v1/jobs/{job}"), &reader).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["source_id"], source);
    let r = call(h, "GET", "/api/v1/jobs/99999", &reader).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "not_found");
    let r = call(h, "GET", "/api/v1/jobs", &runner).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A key without jobs:execute is refused and nothing is queued.
    let r = call(h, "POST", &format!("/api/v1/jobs/{job}/run"), &reader).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["code"], "forbidden");
    assert_eq!(executions(h).await, 0, "a refused run creates no execution");
    let r = call(h, "POST", "/api/v1/jobs/99999/run", &runner).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(executions(h).await, 0);

    // With the engine stopped the run stays pending: cancel it through the API.
    let r = call(h, "POST", &format!("/api/v1/jobs/{job}/run"), &runner).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let pending = r.json()["execution_id"].as_i64().unwrap();
    let r = call(
        h,
        "POST",
        &format!("/api/v1/executions/{pending}/cancel"),
        &runner,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "jobs:execute does not cancel");
    let r = call(
        h,
        "POST",
        &format!("/api/v1/executions/{pending}/cancel"),
        &canceller,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.json()["outcome"], "cancelled");
    let r = call(h, "GET", &format!("/api/v1/executions/{pending}"), &runner).await;
    assert_eq!(r.json()["status"], "cancelled", "{}", r.body);
    let r = call(
        h,
        "POST",
        &format!("/api/v1/executions/{pending}/cancel"),
        &canceller,
    )
    .await;
    assert_eq!(r.json()["outcome"], "already_finished");
    let r = call(h, "POST", "/api/v1/executions/99999/cancel", &canceller).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Now run it for real.
    state.engine.start().await.unwrap();
    let r = call(h, "POST", &format!("/api/v1/jobs/{job}/run"), &runner).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let id = r.json()["execution_id"].as_i64().unwrap();
    let done = wait_finished(&state.db, id).await;
    assert_eq!(done.status, entity::enums::ExecutionStatus::Success, "{done:?}");
    let r = call(h, "GET", &format!("/api/v1/executions/{id}"), &runner).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["status"], "success");
    assert_eq!(body["trigger"], "api");
    assert!(body["raw_bytes"].as_i64().unwrap() > 100_000, "{body}");
    assert!(body["stored_bytes"].as_i64().unwrap() > 0);
    assert_eq!(body["checksum_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(body["destination_results"][0]["destinations"][0]["ok"], true);
    let log = body["log"].as_array().unwrap();
    assert!(!log.is_empty());
    assert!(
        log.iter()
            .any(|l| l["message"].as_str().unwrap().starts_with("disk: stored shop/")),
        "{log:?}"
    );
    assert_eq!(files(&dest).len(), 2, "object and manifest");

    assert_eq!(audit_by(h, "api-key:runner", "job.run").await, 2);
    assert_eq!(audit_by(h, "api-key:reader", "job.run").await, 0);
    assert_eq!(audit_by(h, "api-key:canceller", "execution.cancel").await, 2);
    std::fs::remove_dir_all(&work).ok();
}

/// Issue 14: running a job and cancelling its execution are one use case each, so the
/// console and the REST API record them alike: the audit entries differ only in the
/// actor (and the execution each one made).
async fn same_audit_both_ways(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("same-audit");
    let file = work.join("shop.db");
    make_sqlite(&file, 10).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "shop db", &file).await;
    let targets = [local_destination(state, "disk", &dest).await];
    let job = create_job(state, JobSpec::new("Shop", source, &targets)).await;
    let admin = h.setup_admin().await;
    let operator = key(h, "operator", &["jobs:execute", "executions:cancel"]).await;

    // The engine is stopped: both runs stay pending until cancelled.
    let r = h.call("run_job", &[("id", &job.to_string())], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let by_console = r.json().as_i64().unwrap();
    let r = call(h, "POST", &format!("/api/v1/jobs/{job}/run"), &operator).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let by_rest = r.json()["execution_id"].as_i64().unwrap();
    let r = h
        .call(
            "cancel_execution",
            &[("id", &by_console.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = call(
        h,
        "POST",
        &format!("/api/v1/executions/{by_rest}/cancel"),
        &operator,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);

    let entries = |label: &'static str, execution: i64| async move {
        audit_log::Entity::find()
            .filter(audit_log::Column::ActorLabel.eq(label))
            .filter(audit_log::Column::Action.is_in(["job.run", "execution.cancel"]))
            .order_by_asc(audit_log::Column::Id)
            .all(&h.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| {
                let id = execution.to_string();
                // A cancel names the execution; a run names the job (the same for both).
                let resource = match e.resource_id {
                    Some(r) if e.resource_type == "execution" && r == id => "EXECUTION".to_string(),
                    other => other.unwrap_or_default(),
                };
                let summary = e.summary.replace(&format!("#{id}"), "#EXECUTION");
                (e.action, e.resource_type, resource, summary, e.outcome)
            })
            .collect::<Vec<_>>()
    };
    let console = entries("admin@example.com", by_console).await;
    let rest = entries("api-key:operator", by_rest).await;
    assert_eq!(console.len(), 2, "{console:?}");
    assert_eq!(console, rest);
    std::fs::remove_dir_all(&work).ok();
}

async fn send_json(h: &Harness, method: &str, path: &str, key: &str, body: serde_json::Value) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    h.send(req).await
}

/// Issue 14: creating, editing, disabling, enabling and deleting a job are one use case
/// each: the console and the REST API record the same entries, but for the actor and the
/// job's id.
async fn same_job_changes_both_ways(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("same-job-changes");
    let file = work.join("shop.db");
    make_sqlite(&file, 10).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "shop db", &file).await;
    let disk = local_destination(state, "disk", &dest).await;
    let admin = h.setup_admin().await;
    let editor = key(h, "editor", &["jobs:read", "jobs:write"]).await;
    let (source_s, disk_s) = (source.to_string(), disk.to_string());

    // Through the console.
    let form = |cron: &str| {
        vec![
            ("job[name]", "Nightly".to_string()),
            ("job[source_id]", source_s.clone()),
            ("job[destinations][0]", disk_s.clone()),
            ("job[compression]", "zstd".into()),
            ("job[cron]", cron.to_string()),
            ("job[timezone]", "UTC".into()),
            ("job[retention][kind]", "keep_last".into()),
            ("job[retention][keep_last]", "3".into()),
            ("job[enabled]", "true".into()),
        ]
    };
    let console_call = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = h.call(endpoint, &pairs, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
            r
        }
    };
    let r = console_call("create_job", form("0 0 2 * * *")).await;
    let console_job = r.json().as_i64().unwrap().to_string();
    let mut edit = form("0 0 4 * * *");
    edit.push(("id", console_job.clone()));
    console_call("update_job", edit).await;
    for enabled in ["false", "true"] {
        console_call(
            "set_job_enabled",
            vec![("id", console_job.clone()), ("enabled", enabled.into())],
        )
        .await;
    }
    console_call("delete_job", vec![("id", console_job.clone())]).await;

    // Through the REST API.
    let body = |cron: &str| {
        serde_json::json!({"name": "Nightly", "source_id": source, "destinations": [disk],
            "compression": "zstd", "cron": cron, "timezone": "UTC",
            "retention": {"kind": "keep_last", "count": 3}, "enabled": true})
    };
    let r = send_json(h, "POST", "/api/v1/jobs", &editor, body("0 0 2 * * *")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rest_job = r.json()["id"].as_i64().unwrap().to_string();
    let path = format!("/api/v1/jobs/{rest_job}");
    let r = send_json(h, "PUT", &path, &editor, body("0 0 4 * * *")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for verb in ["disable", "enable"] {
        let r = call(h, "POST", &format!("{path}/{verb}"), &editor).await;
        assert_eq!(r.status, StatusCode::OK, "{verb}: {}", r.body);
    }
    let r = call(h, "DELETE", &path, &editor).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    let entries = |label: &'static str, job: String| async move {
        h.audit_by(label, "job.")
            .await
            .into_iter()
            .map(|e| {
                assert_eq!(e.resource_id.as_deref(), Some(job.as_str()), "{e:?}");
                (e.action, e.resource_type, e.summary, e.outcome)
            })
            .collect::<Vec<_>>()
    };
    let console = entries("admin@example.com", console_job).await;
    let rest = entries("api-key:editor", rest_job).await;
    let actions: Vec<&str> = console.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "job.create",
            "job.update",
            "job.disable",
            "job.enable",
            "job.delete"
        ],
        "{console:?}"
    );
    assert_eq!(console, rest);
    std::fs::remove_dir_all(&work).ok();
}
