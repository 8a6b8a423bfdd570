//! Two `bulwark serve` engines on one PostgreSQL database: every scheduled tick becomes
//! exactly one execution, and every execution runs once.

use crate::common;
use crate::engine_fixtures;

use engine_fixtures::*;
use entity::enums::{ExecutionStatus, ExecutionTrigger};
use entity::execution;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const TICKS: u64 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_run_each_scheduled_tick_exactly_once() {
    let Some(url) = common::fresh_pg_database("cluster").await else {
        return;
    };
    let key = app::server::master_key::generate_hex();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BULWARK_ENCRYPTION_KEY", key.as_str()),
    ];
    let one = common::harness_with(&env).await;
    let two = common::harness_with(&env).await;
    assert_ne!(one.state.engine.instance_id(), two.state.engine.instance_id());

    let work = temp_dir("cluster");
    let file = work.join("tick.db");
    make_sqlite(&file, 50).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let state = &one.state;
    let source = sqlite_source(state, "tick", &file).await;
    let target = local_destination(state, "disk", &dest).await;
    let targets = [target];
    let mut spec = JobSpec::new("every second", source, &targets);
    spec.cron = "* * * * * *";
    spec.enabled = true;
    spec.compression = entity::enums::Compression::None;
    let job = create_job(state, spec).await;
    // A manual run beside the schedule: NULL scheduled_for never collides.
    let manual = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();

    one.state.engine.start().await.unwrap();
    two.state.engine.start().await.unwrap();
    assert_eq!(one.state.engine.scheduled_jobs(), vec![job]);
    assert_eq!(two.state.engine.scheduled_jobs(), vec![job]);
    // Waits until the schedule has produced at least TICKS distinct ticks, then stops
    // it; the first TICKS ticks are final by then (each instance queues ticks in order,
    // so no earlier one can still appear).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(TICKS * 3 + 30);
    let first: Vec<_> = loop {
        let ticks = scheduled_ticks(&state.db, job).await;
        if ticks.len() >= TICKS as usize {
            break ticks[..TICKS as usize].to_vec();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} ticks so far: {ticks:?}",
            ticks.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    one.state.engine.unschedule(job);
    two.state.engine.unschedule(job);
    assert!(
        first
            .windows(2)
            .all(|w| w[1] - w[0] == chrono::Duration::seconds(1)),
        "{TICKS} consecutive seconds, none missed: {first:?}"
    );

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let all = loop {
        let all = execution::Entity::find()
            .filter(execution::Column::JobId.eq(job))
            .order_by_asc(execution::Column::Id)
            .all(&state.db)
            .await
            .unwrap();
        if all.iter().all(|e| finished(e.status)) {
            break all;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "executions still open: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    one.state.engine.shutdown().await;
    two.state.engine.shutdown().await;

    let scheduled: Vec<_> = all.iter().filter(|e| e.id != manual).collect();
    let ticks: HashSet<_> = scheduled
        .iter()
        .map(|e| e.scheduled_for.expect("scheduled_for"))
        .collect();
    assert_eq!(scheduled.len(), ticks.len(), "one execution per tick");
    // The acceptance, exactly: the first TICKS ticks gave exactly TICKS executions.
    let of_first: Vec<_> = scheduled
        .iter()
        .filter(|e| first.contains(&e.scheduled_for.unwrap()))
        .collect();
    assert_eq!(
        of_first.len(),
        TICKS as usize,
        "{TICKS} ticks, {} executions: {of_first:?}",
        of_first.len()
    );
    let distinct: HashSet<_> = of_first.iter().map(|e| e.scheduled_for.unwrap()).collect();
    assert_eq!(distinct.len(), TICKS as usize, "none duplicated");
    assert!(scheduled.iter().all(|e| e.trigger == ExecutionTrigger::Schedule));
    assert!(ticks.iter().all(|t| t.timestamp_subsec_nanos() == 0));

    let ids = [one.state.engine.instance_id(), two.state.engine.instance_id()];
    let mut by_instance: HashMap<&str, usize> = HashMap::new();
    for e in &all {
        match e.status {
            ExecutionStatus::Success => {
                let owner = e.claimed_by.as_deref().expect("claimed");
                assert!(ids.contains(&owner), "claimed by an unknown instance: {e:?}");
                *by_instance.entry(owner).or_default() += 1;
                let starts = logs(&state.db, e.id)
                    .await
                    .into_iter()
                    .filter(|l| l.stage == "start")
                    .count();
                assert_eq!(starts, 1, "execution #{} ran {starts} times", e.id);
            }
            ExecutionStatus::Skipped => assert_eq!(e.claimed_by, None),
            other => panic!("execution #{} ended {other:?}: {:?}", e.id, e.error),
        }
    }
    let successes: usize = by_instance.values().sum();
    assert!(successes >= ticks.len() / 2, "most ticks ran: {by_instance:?}");
    let objects = files(&dest)
        .into_iter()
        .filter(|f| !f.ends_with(".manifest.json"))
        .count();
    assert!(objects <= successes && objects > 0);
    eprintln!(
        "{} ticks, {successes} runs, per instance {by_instance:?}, objects {objects}; {}",
        ticks.len(),
        json!({"skipped": all.len() - successes})
    );
}
