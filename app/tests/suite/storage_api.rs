//! The storage explorer through the console's server functions and the download route:
//! a real backup (SQLite source, local destination, age encryption) is listed from its
//! manifest, verified and restored as executions of their own, downloaded as stored,
//! refused when corrupt, and deleted. Runs on SQLite and PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use common::Harness;
use engine_fixtures::*;
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger};
use http::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn storage_explorer_lists_verifies_restores_downloads_and_deletes() {
    let sqlite = common::harness(None).await;
    scenario(&sqlite).await;
    sqlite.state.engine.shutdown().await;
    if let Some(url) = common::fresh_pg_database("storage_explorer").await {
        let pg = common::harness(Some(url)).await;
        scenario(&pg).await;
        pg.state.engine.shutdown().await;
    }
}

async fn rows_of(file: &Path) -> Vec<(i64, String)> {
    let db = Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id, body FROM items ORDER BY id",
        ))
        .await
        .unwrap();
    let out = rows
        .iter()
        .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap()))
        .collect();
    db.close().await.unwrap();
    out
}

async fn scenario(h: &Harness) {
    let state = &h.state;
    let admin = h.setup_admin().await;
    let work = temp_dir("storage");
    let file = work.join("shop.db");
    make_sqlite(&file, 3_000).await;
    let dest_dir = work.join("backups");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let source = sqlite_source(state, "shop db", &file).await;
    let dest = local_destination(state, "local disk", &dest_dir).await;
    let profile = encryption_profile(state, "main key").await;
    let targets = [dest];
    let mut spec = JobSpec::new("Shop nightly", source, &targets);
    spec.encryption_profile_id = Some(profile);
    let job = create_job(state, spec).await;
    state.engine.start().await.unwrap();
    let backup = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let done = wait_finished(&state.db, backup).await;
    assert_eq!(done.status, ExecutionStatus::Success, "{:?}", done.error);
    // Something that is not a backup must never be offered.
    std::fs::write(dest_dir.join("notes.txt"), "not a backup").unwrap();

    let d = dest.to_string();
    let r = h.call("storage_destinations", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()[0]["name"], "local disk");

    let r = h
        .call("list_backups", &[("destination_id", &d)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listing = r.json();
    let backups = listing["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 1, "{listing}");
    let b = &backups[0];
    let object = b["object"].as_str().unwrap().to_string();
    assert!(object.starts_with("shop_nightly/"), "{object}");
    assert_eq!(b["job"], "Shop nightly");
    assert_eq!(b["source_kind"], "sqlite");
    assert_eq!(b["databases"][0], "shop");
    assert_eq!(b["encryption"], "age-x25519");
    assert_eq!(b["key_profile"], "main key");
    assert!(b["problem"].is_null(), "{b}");
    assert_eq!(b["default_source_id"], source);
    assert_eq!(b["default_database"], "shop");
    assert_eq!(b["sha256"], done.checksum_sha256.clone().unwrap().as_str());
    assert_eq!(listing["other_files"], 1);
    assert_eq!(listing["sources"][0]["name"], "shop db");
    let stored = std::fs::read(dest_dir.join(&object)).unwrap();
    assert_eq!(b["stored_bytes"], stored.len() as u64);

    // A backup of the same job "running" elsewhere does not hold up a verify of its
    // backups: only backups of one job exclude each other.
    let busy = {
        use sea_orm::{ActiveModelTrait, Set};
        entity::execution::ActiveModel {
            job_id: Set(Some(job)),
            kind: Set(ExecutionKind::Backup),
            status: Set(ExecutionStatus::Running),
            trigger: Set(ExecutionTrigger::Manual),
            created_at: Set(chrono::Utc::now()),
            started_at: Set(Some(chrono::Utc::now())),
            heartbeat_at: Set(Some(chrono::Utc::now())),
            destination_results: Set(serde_json::json!([])),
            metadata: Set(serde_json::json!({})),
            cancel_requested: Set(false),
            ..Default::default()
        }
        .insert(&state.db)
        .await
        .unwrap()
        .id
    };

    // Verify: an execution of its own, with a log.
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let verify: i64 = r.json().as_i64().unwrap();
    let v = wait_finished(&state.db, verify).await;
    assert_eq!(v.status, ExecutionStatus::Success, "{:?}", v.error);
    assert_eq!(v.kind, ExecutionKind::Verify);
    assert_eq!(v.job_id, Some(job), "linked to the job that made the backup");
    assert_eq!(v.checksum_sha256, done.checksum_sha256);
    let lines: Vec<String> = logs(&state.db, verify)
        .await
        .into_iter()
        .map(|l| l.message)
        .collect();
    assert!(lines.iter().any(|l| l.starts_with("verified ")), "{lines:?}");
    use sea_orm::EntityTrait;
    entity::execution::Entity::delete_by_id(busy)
        .exec(&state.db)
        .await
        .unwrap();

    // Restore under a new name: equal data, original untouched.
    let form = [
        ("destination_id", d.as_str()),
        ("object", object.as_str()),
        ("source_id", &source.to_string()),
        ("database", "shop-restored"),
    ];
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let restore: i64 = r.json().as_i64().unwrap();
    let rr = wait_finished(&state.db, restore).await;
    assert_eq!(rr.status, ExecutionStatus::Success, "{:?}", rr.error);
    assert_eq!(rr.kind, ExecutionKind::Restore);
    let restored = work.join("shop-restored.db");
    let original = rows_of(&file).await;
    assert_eq!(original.len(), 3_000);
    assert_eq!(rows_of(&restored).await, original);

    // Bad restore requests are refused before anything is queued.
    let path_target = [
        ("destination_id", d.as_str()),
        ("object", object.as_str()),
        ("source_id", &source.to_string()),
        ("database", "/tmp/elsewhere.db"),
    ];
    let r = h.call("restore_backup", &path_target, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("file name, not a path"), "{}", r.body);
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", "../../etc/passwd")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", "notes.txt")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(r.body.contains("manifest is missing"), "{}", r.body);

    // Download: the stored bytes, for those allowed.
    let url = app::api::storage_types::download_href(dest, &object);
    let (status, headers, body) = h.get_bytes(&url, Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body == stored, "the download is the stored object, byte for byte");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(headers["content-length"], stored.len().to_string().as_str());
    let anonymous = h.get(&url, None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::SEE_OTHER,
        "signed-out browsers go to sign in"
    );
    assert_eq!(anonymous.location(), Some("/login"));
    let reader = h.user_with(&admin, "reader@example.com", &["storage:read"]).await;
    assert_eq!(h.get(&url, Some(&reader)).await.status, StatusCode::FORBIDDEN);
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&reader),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = h
        .call(
            "delete_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&reader),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(dest_dir.join(&object).exists());
    let r = h
        .call("list_backups", &[("destination_id", &d)], Some(&reader))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["can_delete"], false);
    assert_eq!(r.json()["sources"].as_array().unwrap().len(), 0);

    // A corrupted object: verify and restore fail with the checksum, the target untouched.
    let mut damaged = stored.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0xff;
    std::fs::write(dest_dir.join(&object), &damaged).unwrap();
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&admin),
        )
        .await;
    let bad = wait_finished(&state.db, r.json().as_i64().unwrap()).await;
    assert_eq!(bad.status, ExecutionStatus::Failed);
    // One pass: the damaged age chunk fails before the end-of-stream checksum.
    let why = bad.error.as_deref().unwrap();
    assert!(
        why.contains("corrupt backup") || why.contains("checksum mismatch"),
        "{why}"
    );
    let again = [
        ("destination_id", d.as_str()),
        ("object", object.as_str()),
        ("source_id", &source.to_string()),
        ("database", "shop-from-damaged"),
    ];
    let r = h.call("restore_backup", &again, Some(&admin)).await;
    let bad = wait_finished(&state.db, r.json().as_i64().unwrap()).await;
    assert_eq!(bad.status, ExecutionStatus::Failed);
    assert!(
        bad.error.as_deref().unwrap().contains("checksum mismatch"),
        "{:?}",
        bad.error
    );
    assert!(!work.join("shop-from-damaged.db").exists());
    std::fs::write(dest_dir.join(&object), &stored).unwrap();

    // Delete: object and manifest gone, the unrelated file kept, audited.
    let r = h
        .call(
            "delete_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let left = files(&dest_dir);
    assert_eq!(left, vec!["notes.txt".to_string()]);
    let r = h
        .call("list_backups", &[("destination_id", &d)], Some(&admin))
        .await;
    assert_eq!(r.json()["backups"].as_array().unwrap().len(), 0);
    use sea_orm::{ColumnTrait, QueryFilter};
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.is_in([
            "backup.verify",
            "backup.restore",
            "backup.delete",
            "backup.download",
        ]))
        .all(&state.db)
        .await
        .unwrap();
    for action in [
        "backup.verify",
        "backup.restore",
        "backup.delete",
        "backup.download",
    ] {
        assert!(
            audited.iter().any(|a| a.action == action),
            "no audit entry {action}"
        );
    }
    std::fs::remove_dir_all(&work).ok();
}
