//! A job with two destinations keeps working when one fails: the run is Partial, names
//! the failed destination and why, the other destination gets its backup, and retention
//! is applied per destination (only where the upload succeeded). SQLite and PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::server::state::AppState;
use common::Harness;
use engine_fixtures::*;
use entity::enums::ExecutionStatus;
use entity::execution;
use serde_json::json;
use std::time::Duration;

on_both_backends!(one_failing_destination_makes_a_partial_run, partial);

/// Runs the job now and waits for the outcome; then waits a second, since object names
/// carry the second they were made.
async fn run(state: &AppState, job: i64) -> execution::Model {
    let done = run_now(state, job).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    done
}

fn backups(files: &[String]) -> Vec<&String> {
    files.iter().filter(|f| !f.ends_with(".manifest.json")).collect()
}

async fn partial(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("multi-destination");
    let file = work.join("two.db");
    make_sqlite(&file, 100).await;
    let (a, b) = (work.join("a"), work.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let source = sqlite_source(state, "two", &file).await;
    let targets = [
        local_destination(state, "disk-a", &a).await,
        local_destination(state, "disk-b", &b).await,
    ];
    let mut spec = JobSpec::new("two", source, &targets);
    spec.retention = json!({"kind": "keep_last", "count": 2});
    let job = create_job(state, spec).await;
    state.engine.start().await.unwrap();

    for _ in 0..2 {
        assert_eq!(run(state, job).await.status, ExecutionStatus::Success);
    }
    // disk-b goes away (an unmounted disk): the next two runs still store on disk-a.
    let b_away = work.join("b-away");
    std::fs::rename(&b, &b_away).unwrap();
    for _ in 0..2 {
        let done = run(state, job).await;
        assert_eq!(done.status, ExecutionStatus::Partial, "{done:?}");
        let error = done.error.unwrap_or_default();
        assert!(
            error.contains("disk-b") && error.contains("does not exist"),
            "{error}"
        );
        assert!(!error.contains("disk-a"), "{error}");
        let results = done.destination_results.to_string();
        assert!(results.contains("disk-a"), "{results}");
    }
    std::fs::rename(&b_away, &b).unwrap();

    // disk-a pruned to the newest two after each of its four uploads; disk-b kept the two
    // it got, untouched by the runs that could not reach it.
    let (on_a, on_b) = (files(&a), files(&b));
    assert_eq!(backups(&on_a).len(), 2, "{on_a:?}");
    assert_eq!(on_a.len(), 4, "each with its manifest: {on_a:?}");
    assert_eq!(backups(&on_b).len(), 2, "{on_b:?}");
    assert!(
        backups(&on_a).iter().all(|f| !on_b.contains(f)),
        "disk-a holds the two newest, which disk-b never got: {on_a:?} {on_b:?}"
    );
}
