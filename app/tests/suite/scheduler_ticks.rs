//! The real scheduler fires what the preview lists: an every-second job's first five
//! ticks, as queued (each execution carries the instant it was scheduled for), are the
//! preview's five next runs after the second before the first.

use crate::common;
use crate::engine_fixtures::*;

use app::engine::schedule::upcoming;
use std::time::Duration;

const EVERY_SECOND: &str = "* * * * * *";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_scheduler_arms_the_instants_the_preview_lists() {
    let h = common::harness(None).await;
    let state = &h.state;
    let work = temp_dir("scheduler-ticks");
    let file = work.join("ticks.db");
    make_sqlite(&file, 10).await;
    let source = sqlite_source(state, "ticks", &file).await;
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let target = local_destination(state, "disk", &dest).await;
    let targets = [target];
    let mut spec = JobSpec::new("every second", source, &targets);
    spec.cron = EVERY_SECOND;
    spec.enabled = true;
    spec.compression = entity::enums::Compression::None;
    let job = create_job(state, spec).await;
    state.engine.start().await.unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let ticks = loop {
        let ticks = scheduled_ticks(&state.db, job).await;
        if ticks.len() >= 5 {
            break ticks[..5].to_vec();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {ticks:?} after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    state.engine.unschedule(job);
    state.engine.shutdown().await;

    let preview = upcoming(
        EVERY_SECOND,
        "Europe/Paris",
        ticks[0] - chrono::Duration::seconds(1),
        5,
    )
    .unwrap();
    assert_eq!(ticks, preview, "armed instants against the preview");
}
