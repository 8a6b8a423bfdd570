//! The execution engine end to end, without a browser: real SQLite sources, real local
//! destinations, the real runner. Each case runs on SQLite and, with `TEST_PG_URL`, on
//! PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::engine::{CancelOutcome, Event, INTERRUPTED};
use chrono::Utc;
use common::Harness;
use engine_fixtures::*;
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger, LogLevel};
use entity::{execution, instance};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use std::time::Duration;

on_both_backends!(a_backup_runs_end_to_end, backup_end_to_end);
on_both_backends!(one_slot_runs_jobs_one_after_the_other, fifo_with_one_slot);
on_both_backends!(a_second_trigger_while_running_is_skipped, second_trigger_skipped);
on_both_backends!(
    cancelling_stops_the_run_and_leaves_nothing,
    cancel_running_and_pending
);
on_both_backends!(runs_left_by_a_dead_instance_are_marked_failed, recovery);
on_both_backends!(
    an_unreachable_destination_fails_with_its_reason,
    unreachable_destination
);
on_both_backends!(retention_keeps_the_newest_after_each_run, retention_keep_last);
on_both_backends!(shutdown_cancels_running_backups, shutdown_cancels);
on_both_backends!(editing_a_job_rearms_or_disarms_its_schedule, reschedule);

async fn backup_end_to_end(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("e2e");
    let file = work.join("app.db");
    make_sqlite(&file, 2_000).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "app db", &file).await;
    let target = local_destination(state, "local disk", &dest).await;
    let profile = encryption_profile(state, "main key").await;
    let targets = [target];
    let mut spec = JobSpec::new("Nightly App", source, &targets);
    spec.encryption_profile_id = Some(profile);
    let job = create_job(state, spec).await;

    let mut events = state.engine.subscribe();
    state.engine.start().await.unwrap();
    let id = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let done = wait_finished(&state.db, id).await;
    assert_eq!(done.status, ExecutionStatus::Success, "{done:?}");
    assert_eq!(done.claimed_by.as_deref(), Some(state.engine.instance_id()));
    assert!(done.started_at.is_some() && done.finished_at.is_some() && done.error.is_none());

    let stored = files(&dest);
    assert_eq!(stored.len(), 2, "object and manifest: {stored:?}");
    let object = stored.iter().find(|f| !f.ends_with(".manifest.json")).unwrap();
    assert!(
        object.starts_with("nightly_app/") && object.ends_with("_sqlite-app.sqlite.zst.age"),
        "{object}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dest.join(format!("{object}.manifest.json"))).unwrap())
            .unwrap();
    assert_eq!(done.checksum_sha256.as_deref(), manifest["sha256"].as_str());
    assert_eq!(done.raw_bytes, manifest["raw_bytes"].as_i64());
    assert_eq!(done.stored_bytes, manifest["stored_bytes"].as_i64());
    assert_eq!(
        std::fs::metadata(dest.join(object)).unwrap().len() as i64,
        done.stored_bytes.unwrap()
    );
    assert!(done.raw_bytes.unwrap() > 300_000);
    assert_eq!(
        manifest["encryption"]["recipient_fingerprints"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(done.destination_results[0]["destinations"][0]["ok"], json!(true));
    assert_eq!(
        done.destination_results[0]["object"].as_str(),
        Some(object.as_str())
    );

    let lines = logs(&state.db, id).await;
    let seqs: Vec<i32> = lines.iter().map(|l| l.seq).collect();
    assert_eq!(seqs, (1..=lines.len() as i32).collect::<Vec<_>>());
    let text: Vec<&str> = lines.iter().map(|l| l.message.as_str()).collect();
    assert!(
        text.iter().any(|m| m.contains("dumping database app")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.starts_with("local disk: stored nightly_app/")),
        "{text:?}"
    );
    assert!(lines.iter().all(|l| l.level != LogLevel::Error), "{text:?}");
    assert_eq!(
        state.engine.progress(id).map(|p| p.stage),
        None,
        "progress is dropped once finished"
    );

    // The final status is broadcast just after the outcome is stored, so it may still
    // be on its way when the row already reads finished: wait for it.
    let mut saw = (false, false, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !saw.2 {
        let Ok(Ok(event)) = tokio::time::timeout_at(deadline, events.recv()).await else {
            break;
        };
        match event {
            Event::Status { execution_id, status } if execution_id == id => {
                saw.0 |= status == ExecutionStatus::Running;
                saw.2 |= status == ExecutionStatus::Success;
            }
            Event::Progress { execution_id, .. } if execution_id == id => saw.1 = true,
            _ => {}
        }
    }
    assert_eq!(
        saw,
        (true, true, true),
        "running, progress and success were broadcast"
    );
    let job_row = entity::job::Entity::find_by_id(job)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(job_row.last_run_at.is_some());
}

async fn fifo_with_one_slot(h: &Harness) {
    let state = &h.state;
    set_max_concurrent(&state.db, 1).await;
    let work = temp_dir("fifo");
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let target = local_destination(state, "disk", &dest).await;
    let mut jobs = Vec::new();
    for name in ["first", "second"] {
        let file = work.join(format!("{name}.db"));
        make_sqlite(&file, 8_000).await;
        let source = sqlite_source(state, name, &file).await;
        jobs.push(create_job(state, JobSpec::new(name, source, &[target]).slow()).await);
    }
    state.engine.start().await.unwrap();
    let a = state
        .engine
        .enqueue(jobs[0], ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let b = state
        .engine
        .enqueue(jobs[1], ExecutionTrigger::Api, None)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let (ea, eb) = (execution(&state.db, a).await, execution(&state.db, b).await);
        assert!(
            !(ea.status == ExecutionStatus::Running && eb.status == ExecutionStatus::Running),
            "both ran at once with max_concurrent_jobs = 1"
        );
        if eb.status == ExecutionStatus::Running {
            assert!(
                finished(ea.status),
                "the second started before the first finished"
            );
        }
        if finished(ea.status) && finished(eb.status) {
            assert_eq!(
                (ea.status, eb.status),
                (ExecutionStatus::Success, ExecutionStatus::Success)
            );
            assert!(
                eb.started_at.unwrap() >= ea.finished_at.unwrap(),
                "FIFO, one at a time"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn second_trigger_skipped(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("skip");
    let file = work.join("busy.db");
    make_sqlite(&file, 8_000).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "busy", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let job = create_job(state, JobSpec::new("busy", source, &[target]).slow()).await;
    state.engine.start().await.unwrap();
    let first = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    wait_until(&state.db, first, Duration::from_secs(30), |e| {
        e.status == ExecutionStatus::Running
    })
    .await;
    let second = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let skipped = wait_finished(&state.db, second).await;
    assert_eq!(skipped.status, ExecutionStatus::Skipped, "{skipped:?}");
    assert!(
        skipped
            .error
            .as_deref()
            .unwrap()
            .contains(&format!("already running (execution #{first})")),
        "{:?}",
        skipped.error
    );
    assert_eq!(execution(&state.db, first).await.status, ExecutionStatus::Running);
    assert_eq!(
        wait_finished(&state.db, first).await.status,
        ExecutionStatus::Success
    );
}

async fn cancel_running_and_pending(h: &Harness) {
    let state = &h.state;
    set_max_concurrent(&state.db, 1).await;
    let work = temp_dir("cancel");
    let file = work.join("big.db");
    make_sqlite(&file, 100_000).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "big", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let job = create_job(state, JobSpec::new("big", source, &[target]).slow()).await;
    let other = create_job(state, JobSpec::new("other", source, &[target])).await;
    state.engine.start().await.unwrap();
    let running = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    wait_until(&state.db, running, Duration::from_secs(30), |e| {
        e.status == ExecutionStatus::Running
    })
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while state.engine.progress(running).is_none_or(|p| p.stored_bytes == 0) {
        assert!(tokio::time::Instant::now() < deadline, "no upload progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!files(&dest).is_empty(), "an upload is in progress");

    let waiting = state
        .engine
        .enqueue(other, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    assert_eq!(
        state.engine.cancel(waiting).await.unwrap(),
        CancelOutcome::CancelledPending
    );
    let waiting = execution(&state.db, waiting).await;
    assert_eq!(waiting.status, ExecutionStatus::Cancelled);
    assert_eq!(waiting.started_at, None);

    assert_eq!(
        state.engine.cancel(running).await.unwrap(),
        CancelOutcome::Requested
    );
    // The brotli-11 codec runs off the async runtime, so the cancel is seen at once even
    // while it is deep in a block, with the other engine tests compressing in parallel.
    let done = wait_until(&state.db, running, Duration::from_secs(10), |e| {
        finished(e.status)
    })
    .await;
    assert_eq!(done.status, ExecutionStatus::Cancelled, "{done:?}");
    assert_eq!(done.error.as_deref(), Some("cancelled by request"));
    assert!(done.cancel_requested);
    assert_eq!(
        files(&dest),
        Vec::<String>::new(),
        "the partial upload was removed"
    );
    assert_eq!(
        state.engine.cancel(running).await.unwrap(),
        CancelOutcome::AlreadyFinished
    );
    assert!(state.engine.cancel(999_999).await.is_err());
}

async fn recovery(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("recovery");
    let file = work.join("r.db");
    make_sqlite(&file, 10).await;
    let source = sqlite_source(state, "r", &file).await;
    let target = local_destination(state, "disk", &work).await;
    let job = create_job(state, JobSpec::new("r", source, &[target])).await;
    let now = Utc::now();
    let running = |claimed_by: &str, heartbeat: chrono::DateTime<Utc>| execution::ActiveModel {
        job_id: Set(Some(job)),
        kind: Set(ExecutionKind::Backup),
        status: Set(ExecutionStatus::Running),
        trigger: Set(ExecutionTrigger::Schedule),
        created_at: Set(heartbeat),
        started_at: Set(Some(heartbeat)),
        destination_results: Set(json!([])),
        metadata: Set(json!({})),
        claimed_by: Set(Some(claimed_by.into())),
        heartbeat_at: Set(Some(heartbeat)),
        cancel_requested: Set(false),
        ..Default::default()
    };
    let stale = running("crashed-instance", now - chrono::Duration::minutes(5))
        .insert(&state.db)
        .await
        .unwrap();
    // A live instance elsewhere, still heartbeating: only PostgreSQL can have one.
    let is_pg = h.state.config.database_url.is_some();
    instance::ActiveModel {
        id: Set("live-instance".into()),
        hostname: Set("elsewhere".into()),
        version: Set("test".into()),
        started_at: Set(now),
        heartbeat_at: Set(now),
    }
    .insert(&state.db)
    .await
    .unwrap();
    let alive = running("live-instance", now).insert(&state.db).await.unwrap();

    state.engine.start().await.unwrap();
    let failed = execution(&state.db, stale.id).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(failed.error.as_deref(), Some(INTERRUPTED));
    assert!(failed.finished_at.is_some());
    let other = execution(&state.db, alive.id).await;
    if is_pg {
        assert_eq!(
            other.status,
            ExecutionStatus::Running,
            "a live instance's run is left alone"
        );
    } else {
        assert_eq!(other.status, ExecutionStatus::Failed, "SQLite serves one process");
    }
}

async fn unreachable_destination(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("unreachable");
    let file = work.join("u.db");
    make_sqlite(&file, 100).await;
    let missing = work.join("not-mounted");
    let source = sqlite_source(state, "u", &file).await;
    let target = local_destination(state, "offsite", &missing).await;
    let job = create_job(state, JobSpec::new("u", source, &[target])).await;
    state.engine.start().await.unwrap();
    let id = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let done = wait_finished(&state.db, id).await;
    assert_eq!(done.status, ExecutionStatus::Failed);
    let error = done.error.unwrap();
    assert!(
        error.contains("offsite") && error.contains(&format!("{} does not exist", missing.display())),
        "{error}"
    );
    assert!(!missing.exists(), "the missing directory is not created");
    let lines = logs(&state.db, id).await;
    assert!(
        lines
            .iter()
            .any(|l| l.level == LogLevel::Error && l.message.contains("does not exist"))
    );
}

async fn retention_keep_last(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("retention");
    let file = work.join("keep.db");
    make_sqlite(&file, 100).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::create_dir_all(dest.join("keep")).unwrap();
    std::fs::write(dest.join("keep/notes.txt"), "not a backup").unwrap();
    let source = sqlite_source(state, "keep", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let targets = [target];
    let mut spec = JobSpec::new("keep", source, &targets);
    spec.retention = json!({"kind": "keep_last", "count": 2});
    let job = create_job(state, spec).await;
    state.engine.start().await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let id = state
            .engine
            .enqueue(job, ExecutionTrigger::Manual, None)
            .await
            .unwrap();
        assert_eq!(
            wait_finished(&state.db, id).await.status,
            ExecutionStatus::Success
        );
        ids.push(id);
        // Object names carry the second they were made.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let left = files(&dest);
    assert_eq!(
        left.len(),
        5,
        "two objects, their manifests, and the stranger: {left:?}"
    );
    assert!(left.contains(&"keep/notes.txt".to_string()));
    let last = execution(&state.db, ids[3]).await;
    let newest = last.destination_results[0]["object"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(left.contains(&newest) && left.contains(&format!("{newest}.manifest.json")));
    let third = execution(&state.db, ids[2]).await;
    assert!(
        left.contains(
            &third.destination_results[0]["object"]
                .as_str()
                .unwrap()
                .to_string()
        )
    );
    let deleted: Vec<String> = {
        let mut all = Vec::new();
        for id in &ids {
            all.extend(
                logs(&state.db, *id)
                    .await
                    .into_iter()
                    .filter(|l| l.stage == "retention")
                    .map(|l| l.message),
            );
        }
        all
    };
    assert_eq!(deleted.len(), 2, "{deleted:?}");
    assert!(
        deleted
            .iter()
            .all(|m| m.contains("deleted keep/") && m.contains("not among the newest 2")),
        "{deleted:?}"
    );
}

async fn shutdown_cancels(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("shutdown");
    let file = work.join("s.db");
    make_sqlite(&file, 100_000).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let source = sqlite_source(state, "s", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let job = create_job(state, JobSpec::new("s", source, &[target]).slow()).await;
    state.engine.start().await.unwrap();
    let id = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    wait_until(&state.db, id, Duration::from_secs(30), |e| {
        e.status == ExecutionStatus::Running
    })
    .await;
    state.engine.shutdown().await;
    let done = execution(&state.db, id).await;
    assert_eq!(done.status, ExecutionStatus::Cancelled, "{done:?}");
    assert_eq!(done.error.as_deref(), Some("server shutting down"));
    assert_eq!(files(&dest), Vec::<String>::new());
}

async fn reschedule(h: &Harness) {
    let state = &h.state;
    let work = temp_dir("reschedule");
    let file = work.join("r.db");
    make_sqlite(&file, 10).await;
    let source = sqlite_source(state, "r", &file).await;
    let target = local_destination(state, "disk", &work).await;
    let targets = [target];
    let mut spec = JobSpec::new("hourly", source, &targets);
    spec.enabled = true;
    let enabled = create_job(state, spec).await;
    let disabled = create_job(state, JobSpec::new("off", source, &targets)).await;
    state.engine.start().await.unwrap();
    assert_eq!(state.engine.scheduled_jobs(), vec![enabled]);

    let mut row: entity::job::ActiveModel = entity::job::Entity::find_by_id(disabled)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.enabled = Set(true);
    row.update(&state.db).await.unwrap();
    state.engine.reschedule(disabled).await.unwrap();
    let mut armed = state.engine.scheduled_jobs();
    armed.sort();
    assert_eq!(armed, vec![enabled, disabled]);
    state.engine.unschedule(enabled);
    assert_eq!(state.engine.scheduled_jobs(), vec![disabled]);
}
