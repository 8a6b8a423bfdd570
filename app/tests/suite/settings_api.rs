//! Settings through the real router (defaults, validation, permissions, audit) and the
//! purge of old logs in batches.

use crate::common;

use app::api::adapter_types::AdapterKind;
use app::server::{adapter_store, settings, system_tasks};
use chrono::{Duration, Utc};
use common::{Harness, fresh_pg_database, harness};
use entity::enums::{DeliveryStatus, ExecutionKind, ExecutionStatus, ExecutionTrigger, LogLevel};
use entity::{audit_log, execution, execution_log, health_check_log, notification_log, setting};
use http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

fn value_of(list: &Value, key: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {list}"))["value"]
        .as_i64()
        .unwrap()
}

async fn settings_now(h: &Harness, cookie: &str) -> Value {
    let r = h.call("get_settings", &[], Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn settings_defaults_validation_and_permissions() {
    let h = harness(None).await;
    let admin = h.setup_admin().await;

    // Defaults, every setting listed.
    let list = settings_now(&h, &admin).await;
    for (key, default) in [
        ("max_concurrent_jobs", 2),
        ("health_check_interval_secs", 60),
        ("retention.execution_logs_days", 90),
        ("retention.health_check_logs_days", 30),
        ("retention.notification_logs_days", 90),
        ("retention.audit_logs_days", 365),
        // Off by default; the test harness turns it on for its loopback receivers.
        ("notifications.allow_private_targets", 1),
    ] {
        assert_eq!(value_of(&list, key), default, "{key}");
    }
    assert_eq!(list.as_array().unwrap().len(), 7);

    // Out of range or not a number: 400 with the reason, and nothing is stored, not
    // even the valid value sent alongside.
    for (key, bad, message) in [
        (
            "max_concurrent_jobs",
            "0",
            "Max concurrent jobs must be between 1 and 64 jobs (got 0).",
        ),
        (
            "max_concurrent_jobs",
            "65",
            "Max concurrent jobs must be between 1 and 64 jobs (got 65).",
        ),
        (
            "health_check_interval_secs",
            "5",
            "Health-check interval must be between 10 and 86400 seconds (got 5).",
        ),
        (
            "retention.audit_logs_days",
            "3651",
            "Keep audit logs must be between 1 and 3650 days (got 3651).",
        ),
        (
            "retention.execution_logs_days",
            "soon",
            "Keep execution logs must be a whole number of days",
        ),
        ("no_such_setting", "1", "There is no setting “no_such_setting”."),
    ] {
        let field = format!("values[{key}]");
        let r = h
            .call(
                "save_settings",
                &[
                    (field.as_str(), bad),
                    ("values[retention.health_check_logs_days]", "7"),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}={bad}: {}", r.body);
        assert!(r.body.contains(message), "{key}={bad}: {}", r.body);
    }
    // (The harness stored the notification switch itself.)
    let keys: Vec<&str> = settings::SPECS
        .iter()
        .map(|s| s.key)
        .filter(|k| *k != settings::NOTIFY_PRIVATE_TARGETS.key)
        .collect();
    let stored = setting::Entity::find()
        .filter(setting::Column::Key.is_in(keys))
        .count(&h.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a refused save stores nothing");

    // A valid change is stored (as a JSON number the engine reads) and audited old → new.
    let r = h
        .call(
            "save_settings",
            &[
                ("values[max_concurrent_jobs]", "3"),
                ("values[health_check_interval_secs]", " 15 "),
                ("values[retention.audit_logs_days]", "365"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(value_of(&r.json(), "max_concurrent_jobs"), 3);
    let stored = setting::Entity::find_by_id("max_concurrent_jobs".to_string())
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.value, json!(3));
    assert_eq!(
        settings::get(&h.state.db, &settings::HEALTH_CHECK_INTERVAL_SECS)
            .await
            .unwrap(),
        15
    );
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("settings.update"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].summary.contains("max_concurrent_jobs 2 → 3")
            && audit[0].summary.contains("health_check_interval_secs 60 → 15")
            && !audit[0].summary.contains("audit_logs_days"),
        "{}",
        audit[0].summary
    );

    // A viewer sees the settings but cannot change them.
    let viewer = h
        .user_with(&admin, "viewer@example.com", &["settings:read"])
        .await;
    assert_eq!(
        value_of(&settings_now(&h, &viewer).await, "max_concurrent_jobs"),
        3
    );
    let r = h
        .call(
            "save_settings",
            &[("values[max_concurrent_jobs]", "9")],
            Some(&viewer),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("settings:write"), "{}", r.body);
    assert_eq!(
        value_of(&settings_now(&h, &admin).await, "max_concurrent_jobs"),
        3
    );
    let r = h.call("get_settings", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The page renders the form with the current values.
    let page = h.get("/settings", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"name="values[max_concurrent_jobs]""#),
        "{}",
        page.body
    );
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test]
async fn purge_on_sqlite() {
    purge_removes_old_rows_in_batches_and_keeps_recent_ones(harness(None).await).await;
}

#[tokio::test]
async fn purge_on_postgres() {
    let Some(url) = fresh_pg_database("purge").await else {
        return;
    };
    purge_removes_old_rows_in_batches_and_keeps_recent_ones(harness(Some(url)).await).await;
}

async fn purge_removes_old_rows_in_batches_and_keeps_recent_ones(h: Harness) {
    let db = &h.state.db;
    let now = Utc::now();
    let old = now - Duration::days(400);
    let recent = now - Duration::days(1);
    // Beside the data folder: a destination inside it is refused.
    let dir = h.data_dir.with_extension("dest");
    std::fs::create_dir_all(&dir).unwrap();
    let dest = adapter_store::create(
        db,
        &h.state.master_key,
        &app::server::host_access::HostAccess::new(&h.state.config, true),
        AdapterKind::Destination,
        "local",
        "disk",
        &[("path".to_string(), dir.display().to_string())].into(),
    )
    .await
    .unwrap();

    // 25 old and 5 recent health checks; batches of 10 need at least 3 statements.
    for i in 0..30 {
        health_check_log::ActiveModel {
            adapter_config_id: Set(dest.id),
            checked_at: Set(if i < 25 { old } else { recent }),
            ok: Set(true),
            latency_ms: Set(1),
            error: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    // Executions finished long ago and yesterday, three log lines each; one still running.
    let mut executions = Vec::new();
    for finished in [Some(old), Some(recent), None] {
        let e = execution::ActiveModel {
            job_id: Set(None),
            kind: Set(ExecutionKind::Backup),
            status: Set(if finished.is_some() {
                ExecutionStatus::Success
            } else {
                ExecutionStatus::Running
            }),
            trigger: Set(ExecutionTrigger::Manual),
            triggered_by_user_id: Set(None),
            created_at: Set(old),
            started_at: Set(Some(old)),
            finished_at: Set(finished),
            destination_results: Set(json!([])),
            metadata: Set(json!({})),
            cancel_requested: Set(false),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        for seq in 0..3 {
            execution_log::ActiveModel {
                execution_id: Set(e.id),
                seq: Set(seq),
                created_at: Set(old),
                level: Set(LogLevel::Info),
                stage: Set("dump".into()),
                message: Set(format!("line {seq}")),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
        executions.push(e.id);
    }
    for at in [old, recent] {
        notification_log::ActiveModel {
            created_at: Set(at),
            event: Set("backup.success".into()),
            channel: Set("webhook".into()),
            adapter_config_id: Set(None),
            execution_id: Set(None),
            status: Set(DeliveryStatus::Sent),
            title: Set("t".into()),
            message: Set("m".into()),
            payload: Set("{}".into()),
            html: Set(None),
            error: Set(None),
            attempts: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        audit_log::ActiveModel {
            created_at: Set(at),
            actor_user_id: Set(None),
            actor_label: Set("system".into()),
            action: Set("test.old".into()),
            resource_type: Set("test".into()),
            resource_id: Set(None),
            summary: Set("s".into()),
            changes: Set(None),
            outcome: Set("success".into()),
            ip: Set(None),
            user_agent: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }

    let report = system_tasks::purge_all(db, now, 10).await.unwrap();
    assert_eq!(report.health_check_logs, 25);
    assert_eq!(
        report.execution_logs, 3,
        "only the lines of the long-finished run"
    );
    assert_eq!(report.notification_logs, 1);
    assert_eq!(report.audit_logs, 1);
    assert!(report.batches >= 3 + 3, "25 rows in batches of 10: {report:?}");
    assert_eq!(health_check_log::Entity::find().count(db).await.unwrap(), 5);
    for (id, left) in executions.iter().zip([0, 3, 3]) {
        let n = execution_log::Entity::find()
            .filter(execution_log::Column::ExecutionId.eq(*id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(n, left, "execution {id}");
    }
    assert_eq!(
        execution::Entity::find().count(db).await.unwrap(),
        3,
        "executions stay"
    );
    assert_eq!(notification_log::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("test.old"))
            .count(db)
            .await
            .unwrap(),
        1
    );

    // Nothing left to purge; a shorter retention purges the recent rows too.
    let again = system_tasks::run_system_tasks_once(&h.state, now).await.unwrap();
    assert_eq!(again.total(), 0);
    settings::set(db, &settings::HEALTH_CHECK_LOGS_DAYS, 1)
        .await
        .unwrap();
    let later = system_tasks::run_system_tasks_once(&h.state, now + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(later.health_check_logs, 5);
    std::fs::remove_dir_all(&h.data_dir).ok();
}
