//! Finding 4 of docs/SECURITY.md: retention deletes only what its own job made. Jobs
//! "Nightly" and "nightly!" share a backup folder (`nightly/`) and a source; each keeps
//! the last one. Run in turn twice each, both still hold their newest backup, and a file
//! planted in that folder (unsigned, older than all) is never deleted.

use crate::common;
use crate::engine_fixtures;
use crate::planted_fixture;

use common::Harness;
use engine_fixtures::*;
use entity::enums::{ExecutionStatus, ExecutionTrigger};
use serde_json::json;
use std::time::Duration;

on_both_backends!(jobs_whose_names_slug_alike_keep_their_own_newest, scenario);

async fn scenario(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("retention-attribution");
    let file = work.join("app.db");
    make_sqlite(&file, 50).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "app", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let targets = [target];
    let mut jobs = Vec::new();
    for name in ["Nightly", "nightly!"] {
        let mut spec = JobSpec::new(name, source, &targets);
        spec.retention = json!({"kind": "keep_last", "count": 1});
        jobs.push(create_job(state, spec).await);
    }
    // A planted object with the same file-name shape, older than any real backup.
    let planted = planted_fixture::plant(&dest, "sqlite", "sqlite", "not a database", None);
    let renamed = dest.join("nightly/20200101T000000.000Z_sqlite-app.sqlite.zst");
    std::fs::create_dir_all(renamed.parent().unwrap()).unwrap();
    std::fs::rename(&planted, &renamed).unwrap();
    std::fs::rename(
        format!("{}.manifest.json", planted.display()),
        format!("{}.manifest.json", renamed.display()),
    )
    .unwrap();

    state.engine.start().await.unwrap();
    let mut newest = std::collections::HashMap::new();
    for _round in 0..2 {
        for &job in &jobs {
            let id = state
                .engine
                .enqueue(job, ExecutionTrigger::Manual, None)
                .await
                .unwrap();
            let run = wait_finished(&state.db, id).await;
            assert_eq!(run.status, ExecutionStatus::Success, "{:?}", run.error);
            let object = run.destination_results[0]["object"].as_str().unwrap().to_string();
            assert!(object.starts_with("nightly/"), "{object}");
            newest.insert(job, object);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let left = files(&dest);
    for (job, object) in &newest {
        assert!(
            left.contains(object) && left.contains(&format!("{object}.manifest.json")),
            "job #{job} lost its newest backup {object}: {left:?}"
        );
    }
    assert!(
        left.contains(&"nightly/20200101T000000.000Z_sqlite-app.sqlite.zst".to_string()),
        "retention deleted a file it cannot attribute: {left:?}"
    );
    // Each job's older backup did go: two newest backups and the planted file remain.
    assert_eq!(left.len(), 6, "{left:?}");
    std::fs::remove_dir_all(work).ok();
}
