//! Jobs through the real router: create with a real SQLite source and a local
//! destination, validation, the schedule preview across a DST change, Run now to a
//! finished backup, permissions, disable, retention preview, delete and the audit log.
//! On SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use common::{Harness, fresh_pg_database, harness};
use engine_fixtures::{files, make_sqlite, temp_dir, wait_finished};
use entity::enums::ExecutionStatus;
use entity::{audit_log, execution, job};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::Duration;

/// Field changes to the base form, the status expected, and words the answer holds.
type Case<'a> = (Vec<(&'static str, Option<&'a str>)>, StatusCode, &'a str);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_on_sqlite() {
    let h = harness(None).await;
    scenario(&h).await;
    h.state.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_on_postgres() {
    let Some(url) = fresh_pg_database("jobs_api").await else {
        return;
    };
    let h = harness(Some(url)).await;
    scenario(&h).await;
    h.state.engine.shutdown().await;
}

async fn ok(h: &Harness, endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint} {form:?}: {}", r.body);
    r.json()
}

/// A job's form with these changes (`None` removes the field).
fn job_form(
    base: &[(&'static str, String)],
    changes: &[(&'static str, Option<&str>)],
) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> = base.to_vec();
    for (key, value) in changes {
        form.retain(|(k, _)| k != key);
        if let Some(v) = value {
            form.push((key, v.to_string()));
        }
    }
    form
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn refused(
    h: &Harness,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: &str,
    status: StatusCode,
    says: &str,
) {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, status, "{endpoint} {form:?}: {}", r.body);
    assert!(
        r.body.contains(says),
        "{endpoint} should say {says:?}: {}",
        r.body
    );
}

async fn scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    let work = temp_dir("jobs-api");
    let file = work.join("app.db");
    make_sqlite(&file, 200).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let file_s = file.display().to_string();
    let dest_s = dest.display().to_string();
    let source = ok(
        h,
        "create_adapter",
        &[
            ("kind", "source"),
            ("adapter_id", "sqlite"),
            ("name", "app db"),
            ("config[path]", &file_s),
        ],
        &admin,
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();
    let target = ok(
        h,
        "create_adapter",
        &[
            ("kind", "destination"),
            ("adapter_id", "local"),
            ("name", "local disk"),
            ("config[path]", &dest_s),
        ],
        &admin,
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();

    let choices = ok(h, "job_choices", &[], &admin).await;
    assert_eq!(choices["sources"][0]["name"], "app db");
    assert_eq!(choices["destinations"][0]["name"], "local disk");
    let databases = ok(h, "list_source_databases", &[("source_id", &source)], &admin).await;
    assert_eq!(databases, json!(["app"]));

    let base: Vec<(&'static str, String)> = vec![
        ("job[name]", "Nightly App".into()),
        ("job[source_id]", source.clone()),
        ("job[destinations][0]", target.clone()),
        ("job[compression]", "zstd".into()),
        ("job[compression_level]", "5".into()),
        ("job[cron]", "0 2 * * *".into()),
        ("job[timezone]", "Europe/Berlin".into()),
        ("job[retention][kind]", "keep_last".into()),
        ("job[retention][keep_last]", "3".into()),
        ("job[enabled]", "true".into()),
    ];
    let id = ok(h, "create_job", &pairs(&base), &admin).await.as_i64().unwrap();
    let id_s = id.to_string();
    assert!(
        h.state.engine.scheduled_jobs().contains(&id),
        "a new enabled job is armed"
    );
    let stored = job::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.retention, json!({"kind": "keep_last", "count": 3}));
    assert_eq!(stored.compression_level, Some(5));

    // Validation: specific reasons with the right status.
    let cases: Vec<Case> = vec![
        (
            vec![],
            StatusCode::CONFLICT,
            "A job named Nightly App already exists.",
        ),
        (
            vec![("job[name]", Some("b")), ("job[cron]", Some("61 * * * *"))],
            StatusCode::BAD_REQUEST,
            "invalid cron expression \\\"61 * * * *\\\"",
        ),
        (
            vec![("job[name]", Some("b")), ("job[timezone]", Some("Mars/Olympus"))],
            StatusCode::BAD_REQUEST,
            "unknown time zone",
        ),
        (
            vec![
                ("job[name]", Some("b")),
                ("job[retention][kind]", Some("gfs")),
                ("job[retention][daily]", Some("0")),
            ],
            StatusCode::BAD_REQUEST,
            "a GFS policy must keep at least one",
        ),
        (
            vec![("job[name]", Some("b")), ("job[retention][keep_last]", Some("0"))],
            StatusCode::BAD_REQUEST,
            "keep at least one backup",
        ),
        (
            vec![("job[name]", Some("b")), ("job[source_id]", Some("9999"))],
            StatusCode::BAD_REQUEST,
            "There is no source #9999.",
        ),
        (
            vec![
                ("job[name]", Some("b")),
                ("job[source_id]", Some(target.as_str())),
            ],
            StatusCode::BAD_REQUEST,
            "There is no source #",
        ),
        (
            vec![("job[name]", Some("b")), ("job[destinations][0]", None)],
            StatusCode::BAD_REQUEST,
            "Choose at least one destination.",
        ),
        (
            vec![("job[name]", Some("b")), ("job[compression_level]", Some("25"))],
            StatusCode::BAD_REQUEST,
            "zstd level 25 is out of range 1..=19",
        ),
        (
            vec![("job[name]", Some("  "))],
            StatusCode::BAD_REQUEST,
            "Give the job a name.",
        ),
    ];
    for (changes, status, says) in cases {
        refused(
            h,
            "create_job",
            &pairs(&job_form(&base, &changes)),
            &admin,
            status,
            says,
        )
        .await;
    }
    assert_eq!(job::Entity::find().count(&h.state.db).await.unwrap(), 1);

    // The schedule preview: five increasing runs in the job's zone across the DST change.
    let preview = ok(
        h,
        "cron_preview",
        &[
            ("cron", "0 2 * * *"),
            ("timezone", "Europe/Berlin"),
            ("after", "2026-10-22T12:00:00Z"),
        ],
        &admin,
    )
    .await;
    assert!(
        preview["description"].as_str().unwrap().contains("02:00"),
        "{preview}"
    );
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = preview["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t["rfc3339"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(times.len(), 5, "{preview}");
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{preview}");
    assert!(
        times.iter().all(|t| t.format("%H:%M").to_string() == "02:00"),
        "{preview}"
    );
    assert_eq!(
        times[0].offset().local_minus_utc(),
        7200,
        "CEST before: {preview}"
    );
    assert_eq!(times[4].offset().local_minus_utc(), 3600, "CET after: {preview}");
    let seconds = ok(
        h,
        "cron_preview",
        &[("cron", "*/10 * * * * *"), ("timezone", "UTC")],
        &admin,
    )
    .await;
    assert_eq!(seconds["next"].as_array().unwrap().len(), 5);
    refused(
        h,
        "cron_preview",
        &[("cron", "0 25 * * *"), ("timezone", "UTC")],
        &admin,
        StatusCode::BAD_REQUEST,
        "invalid cron expression",
    )
    .await;
    refused(
        h,
        "cron_preview",
        &[("cron", "0 2 * * *"), ("timezone", "Nowhere/Land")],
        &admin,
        StatusCode::BAD_REQUEST,
        "unknown time zone",
    )
    .await;

    // The list shows the schedule in words, the next run and the names.
    let rows = ok(h, "list_jobs", &[], &admin).await;
    let row = &rows[0];
    assert_eq!(row["input"]["name"], "Nightly App");
    assert_eq!(row["source_name"], "app db");
    assert_eq!(row["destination_names"], json!(["local disk"]));
    assert!(row["schedule_text"].as_str().unwrap().contains("02:00"), "{row}");
    assert!(row["next_run"].as_str().unwrap().contains("02:00:00"), "{row}");
    assert_eq!(row["retention_summary"], "keep the last 3");
    assert_eq!(row["last_run"], Value::Null);
    let page = h.get("/jobs", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nightly App"), "the page lists the job");

    // Without jobs:execute: 403 and nothing queued.
    let ed = h
        .user_with(&admin, "editor@example.com", &["jobs:read", "jobs:write"])
        .await;
    refused(
        h,
        "run_job",
        &[("id", &id_s)],
        &ed,
        StatusCode::FORBIDDEN,
        "jobs:execute",
    )
    .await;
    assert_eq!(execution::Entity::find().count(&h.state.db).await.unwrap(), 0);

    // Run now: a manual execution that ends in success with an object in the folder.
    h.state.engine.start().await.unwrap();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let run = ok(h, "run_job", &[("id", &id_s)], &admin).await.as_i64().unwrap();
        let done = wait_finished(&h.state.db, run).await;
        assert_eq!(done.status, ExecutionStatus::Success, "{done:?}");
        assert_eq!(done.trigger, entity::enums::ExecutionTrigger::Manual);
        runs.push(run);
        // Object names carry the second they were made.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let stored_files = files(&dest);
    assert!(
        stored_files
            .iter()
            .any(|f| f.starts_with("nightly_app/") && f.ends_with("_sqlite-app.sqlite.zst")),
        "{stored_files:?}"
    );
    let rows = ok(h, "list_jobs", &[], &admin).await;
    assert_eq!(rows[0]["last_run"]["execution_id"], json!(runs[1]));
    assert_eq!(rows[0]["last_run"]["status"], "success");

    // The retention preview judges what is already there.
    let retention = |kind: &'static str, n: &'static str| {
        vec![
            ("job_name", "Nightly App"),
            ("destination_id", target.as_str()),
            ("timezone", "Europe/Berlin"),
            ("retention[kind]", kind),
            ("retention[keep_last]", n),
        ]
    };
    let report = ok(h, "retention_preview", &retention("keep_last", "1"), &admin).await;
    assert_eq!(report["unreadable"], Value::Null, "{report}");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{report}");
    assert_eq!(items.iter().filter(|i| i["keep"] == false).count(), 1, "{report}");
    let report = ok(h, "retention_preview", &retention("keep_last", "5"), &admin).await;
    assert!(
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["keep"] == true)
    );
    refused(
        h,
        "retention_preview",
        &retention("gfs", "0"),
        &admin,
        StatusCode::BAD_REQUEST,
        "GFS",
    )
    .await;
    std::fs::remove_dir_all(&dest).unwrap();
    std::fs::write(&dest, "not a folder").unwrap();
    let report = ok(h, "retention_preview", &retention("keep_last", "1"), &admin).await;
    assert!(report["unreadable"].is_string(), "{report}");
    std::fs::remove_file(&dest).unwrap();

    // Edit: a seconds-level schedule; disable and enable; then delete.
    let edited = job_form(
        &base,
        &[
            ("job[cron]", Some("*/30 * * * * *")),
            ("job[name]", Some("Nightly")),
        ],
    );
    let mut form = pairs(&edited);
    form.push(("id", &id_s));
    ok(h, "update_job", &form, &admin).await;
    let stored = job::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.cron.as_str()),
        ("Nightly", "*/30 * * * * *")
    );
    ok(
        h,
        "set_job_enabled",
        &[("id", &id_s), ("enabled", "false")],
        &admin,
    )
    .await;
    assert!(
        !h.state.engine.scheduled_jobs().contains(&id),
        "disabled: unscheduled"
    );
    assert!(
        !job::Entity::find_by_id(id)
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );
    ok(
        h,
        "set_job_enabled",
        &[("id", &id_s), ("enabled", "true")],
        &admin,
    )
    .await;
    assert!(h.state.engine.scheduled_jobs().contains(&id));
    ok(h, "delete_job", &[("id", &id_s)], &admin).await;
    assert!(
        job::Entity::find_by_id(id)
            .one(&h.state.db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !h.state.engine.scheduled_jobs().contains(&id),
        "deleted: unscheduled"
    );
    refused(
        h,
        "run_job",
        &[("id", &id_s)],
        &admin,
        StatusCode::NOT_FOUND,
        "There is no job",
    )
    .await;

    let actions: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("job"))
        .all(&h.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for expected in [
        "job.create",
        "job.run",
        "job.update",
        "job.disable",
        "job.enable",
        "job.delete",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "job.run").count(), 2);
}
