//! Issue 14: verify, restore, download and delete of a backup are one use case each, so
//! the console and the REST API record the same audit entries but for the actor (and the
//! object and execution each run touched). Runs on SQLite and PostgreSQL.

use crate::common;
use crate::engine_fixtures::*;

use common::Harness;
use entity::enums::ExecutionStatus;
use http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn console_and_rest_record_the_same_backup_operations() {
    let sqlite = common::harness(None).await;
    scenario(&sqlite).await;
    sqlite.state.engine.shutdown().await;
    if let Some(url) = common::fresh_pg_database("core_parity_storage").await {
        let pg = common::harness(Some(url)).await;
        scenario(&pg).await;
        pg.state.engine.shutdown().await;
    }
}

/// Writes each execution number in `summary` as `#E`.
fn without_execution_ids(summary: &str) -> String {
    let mut out = String::new();
    let mut rest = summary;
    while let Some(at) = rest.find("execution #") {
        let (before, after) = rest.split_at(at + "execution #".len());
        out.push_str(before);
        out.push('E');
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

async fn entries(h: &Harness, label: &str, object: &str) -> Vec<(String, Option<String>, String, String)> {
    h.audit_by(label, "backup.")
        .await
        .into_iter()
        .map(|e| {
            let summary = without_execution_ids(&e.summary.replace(object, "OBJ"));
            (e.action, e.resource_id, summary, e.outcome)
        })
        .collect()
}

async fn backup_of(h: &Harness, job: i64) {
    let done = run_now(&h.state, job).await;
    assert_eq!(done.status, ExecutionStatus::Success, "{:?}", done.error);
}

async fn succeeded(h: &Harness, execution: i64) {
    let done = wait_finished(&h.state.db, execution).await;
    assert_eq!(done.status, ExecutionStatus::Success, "{:?}", done.error);
}

async fn scenario(h: &Harness) {
    let state = &h.state;
    let admin = h.setup_admin().await;
    let key = h
        .api_key(
            "restorer",
            &[
                "storage:read",
                "storage:download",
                "storage:restore",
                "storage:delete",
            ],
        )
        .await;
    let work = temp_dir("parity-storage");
    let file = work.join("shop.db");
    make_sqlite(&file, 200).await;
    let dest_dir = work.join("backups");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let source = sqlite_source(state, "shop db", &file).await;
    let dest = local_destination(state, "local disk", &dest_dir).await;
    let targets = [dest];
    let job = create_job(state, JobSpec::new("Shop nightly", source, &targets)).await;
    state.engine.start().await.unwrap();
    backup_of(h, job).await;
    // Backup names carry their second: the second backup must not share it.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    backup_of(h, job).await;

    let r = h
        .rest("GET", &format!("/api/v1/destinations/{dest}/backups"), &key, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listing = r.json();
    let objects: Vec<String> = listing["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["object"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(objects.len(), 2, "{listing}");
    assert_eq!(listing["can_delete"], true);
    let (by_console, by_rest) = (&objects[0], &objects[1]);
    let d = dest.to_string();
    let s = source.to_string();

    // Through the console: verify, restore (replacing), download, delete.
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", by_console)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    succeeded(h, r.json().as_i64().unwrap()).await;
    let form = [
        ("destination_id", d.as_str()),
        ("object", by_console.as_str()),
        ("source_id", s.as_str()),
        ("database", "copy"),
        ("replace_confirmation", "copy"),
    ];
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    succeeded(h, r.json().as_i64().unwrap()).await;
    let (status, _, _) = h
        .get_bytes(
            &app::api::storage_types::download_href(dest, by_console),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = h
        .call(
            "delete_backup",
            &[("destination_id", &d), ("object", by_console)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Through the REST API: the same four on the other backup.
    let base = format!("/api/v1/destinations/{dest}/backups");
    let r = h
        .rest(
            "POST",
            &format!("{base}/verify"),
            &key,
            Some(json!({"object": by_rest})),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    succeeded(h, r.json()["execution_id"].as_i64().unwrap()).await;
    let body = json!({"object": by_rest, "source_id": source, "database": "copy", "replace": true});
    let r = h.rest("POST", &format!("{base}/restore"), &key, Some(body)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    succeeded(h, r.json()["execution_id"].as_i64().unwrap()).await;
    let query = [("object", by_rest.clone())];
    let r = h
        .rest(
            "GET",
            &app::url::with_query(&format!("{base}/download"), &query),
            &key,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = h
        .rest("DELETE", &app::url::with_query(&base, &query), &key, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let console = entries(h, "admin@example.com", by_console).await;
    let actions: Vec<&str> = console.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "backup.verify",
            "backup.restore",
            "backup.download",
            "backup.delete"
        ],
        "{console:?}"
    );
    assert_eq!(
        console[1].2,
        format!(
            "queued a restore of OBJ from local disk into database copy of source #{source} (execution #E)"
        )
    );
    assert_eq!(console, entries(h, "api-key:restorer", by_rest).await);
    assert!(!dest_dir.join(by_console).exists() && !dest_dir.join(by_rest).exists());
}

#[test]
fn execution_ids_are_written_as_placeholders() {
    assert_eq!(
        without_execution_ids("a (execution #12) b execution #3"),
        "a (execution #E) b execution #E"
    );
}
