//! Health checks of stored sources and destinations: ONLINE, DEGRADED after one or two
//! failures, OFFLINE after three, ONLINE again on recovery; every check logged with
//! latency and error; a check never writes into a destination. SQLite and PostgreSQL.

use crate::common;

use app::api::adapter_types::AdapterKind;
use app::server::{adapter_store, health_checks};
use common::{Harness, fresh_pg_database, harness};
use entity::enums::HealthStatus;
use entity::{adapter_config, health_check_log};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn adapter(h: &Harness, id: i64) -> adapter_config::Model {
    adapter_config::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn logs(h: &Harness, id: i64) -> Vec<health_check_log::Model> {
    health_check_log::Entity::find()
        .filter(health_check_log::Column::AdapterConfigId.eq(id))
        .order_by_asc(health_check_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn scenario(h: Harness) {
    let dir = h.data_dir.with_extension("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let dest = adapter_store::create(
        &h.state.db,
        &h.state.master_key,
        &app::server::host_access::HostAccess::new(&h.state.config, true),
        AdapterKind::Destination,
        "local",
        "local-disk",
        &form(&[("path", &dir.display().to_string())]),
    )
    .await
    .expect("create destination");
    let source = adapter_store::create(
        &h.state.db,
        &h.state.master_key,
        &app::server::host_access::HostAccess::new(&h.state.config, true),
        AdapterKind::Source,
        "postgres",
        "nowhere",
        &form(&[
            ("host", "127.0.0.1"),
            ("port", "1"),
            ("username", "backup"),
            ("password", "x"),
            ("format", "custom"),
            ("sslmode", "disable"),
        ]),
    )
    .await
    .expect("create source");

    // Reachable destination: ONLINE, one OK log row.
    let started = Instant::now();
    let round = health_checks::run_health_checks_once(&h.state).await.unwrap();
    assert_eq!(round.checked, 2);
    assert_eq!(round.failed, 1, "only the source fails");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a refused port fails fast: {:?}",
        started.elapsed()
    );
    let d = adapter(&h, dest.id).await;
    assert_eq!(d.health_status, HealthStatus::Online);
    assert_eq!(d.consecutive_failures, 0);
    assert!(d.last_check_at.is_some());
    let l = logs(&h, dest.id).await;
    assert_eq!(l.len(), 1);
    assert!(l[0].ok && l[0].error.is_none() && l[0].latency_ms >= 0);

    // The source on a closed port: DEGRADED, "host unreachable", fast.
    let s = adapter(&h, source.id).await;
    assert_eq!(s.health_status, HealthStatus::Degraded);
    let err = s.last_error.clone().unwrap_or_default();
    assert!(err.contains("host unreachable"), "{err}");
    let l = logs(&h, source.id).await;
    assert!(!l[0].ok);
    assert!(l[0].latency_ms < 10_000, "latency {}", l[0].latency_ms);
    assert_eq!(l[0].error.as_deref(), Some(err.as_str()));

    // The directory disappears: DEGRADED after 1 and 2 failures, OFFLINE after 3.
    std::fs::remove_dir_all(&dir).unwrap();
    for (n, expected) in [
        (1, HealthStatus::Degraded),
        (2, HealthStatus::Degraded),
        (3, HealthStatus::Offline),
    ] {
        health_checks::run_health_checks_once(&h.state).await.unwrap();
        let d = adapter(&h, dest.id).await;
        assert_eq!(d.health_status, expected, "after {n} failures");
        assert_eq!(d.consecutive_failures, n);
        assert!(!dir.exists(), "a check must not recreate the directory");
    }
    let l = logs(&h, dest.id).await;
    assert_eq!(l.len(), 4);
    for row in &l[1..] {
        assert!(!row.ok);
        assert!(row.latency_ms >= 0);
        let e = row.error.as_deref().unwrap_or_default();
        assert!(!e.is_empty(), "the error is recorded");
    }
    assert_eq!(
        adapter(&h, source.id).await.health_status,
        HealthStatus::Offline,
        "the source failed 4 times"
    );

    // It comes back: ONLINE at the next check, and nothing was ever written into it.
    std::fs::create_dir_all(&dir).unwrap();
    health_checks::run_health_checks_once(&h.state).await.unwrap();
    let d = adapter(&h, dest.id).await;
    assert_eq!(d.health_status, HealthStatus::Online);
    assert_eq!(d.consecutive_failures, 0);
    assert!(d.last_error.is_none());
    assert!(logs(&h, dest.id).await.last().unwrap().ok);
    assert!(files_in(&dir).is_empty(), "checks wrote {:?}", files_in(&dir));

    // The console's view of the log: newest first, limited.
    let recent = health_checks::recent(&h.state.db, AdapterKind::Destination, dest.id, 3)
        .await
        .unwrap();
    assert_eq!(recent.len(), 3);
    assert!(recent[0].ok);
    assert!(!recent[1].ok && recent[1].error.is_some());
    assert!(
        health_checks::recent(&h.state.db, AdapterKind::Source, dest.id, 3)
            .await
            .is_err(),
        "a destination id is not a source"
    );
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test]
async fn health_checks_on_sqlite() {
    scenario(harness(None).await).await;
}

#[tokio::test]
async fn health_checks_on_postgres() {
    let Some(url) = fresh_pg_database("health").await else {
        return;
    };
    scenario(harness(Some(url)).await).await;
}

/// Two loops on one database (as two instances would run): the first round checks the
/// adapter once in all, and both stop when asked.
#[tokio::test]
async fn loops_share_the_work_and_stop() {
    let h = harness(None).await;
    let dir = h.data_dir.with_extension("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let dest = adapter_store::create(
        &h.state.db,
        &h.state.master_key,
        &app::server::host_access::HostAccess::new(&h.state.config, true),
        AdapterKind::Destination,
        "local",
        "local-disk",
        &form(&[("path", &dir.display().to_string())]),
    )
    .await
    .unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let a = health_checks::spawn(h.state.clone(), stop.clone());
    let b = health_checks::spawn(h.state.clone(), stop.clone());
    let deadline = Instant::now() + Duration::from_secs(10);
    while logs(&h, dest.id).await.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), async {
        a.await.unwrap();
        b.await.unwrap();
    })
    .await
    .expect("the loops stop when cancelled");
    assert_eq!(logs(&h, dest.id).await.len(), 1, "checked once for both loops");
    assert_eq!(adapter(&h, dest.id).await.health_status, HealthStatus::Online);
    std::fs::remove_dir_all(&h.data_dir).ok();
}

/// The console's server function: the log for readers, nothing for strangers.
#[tokio::test]
async fn health_log_server_function() {
    let h = harness(None).await;
    let password = "a sufficiently long password";
    let r = h
        .call(
            "setup_admin",
            &[
                ("email", "admin@example.com"),
                ("name", "Ada"),
                ("password", password),
                ("password_confirm", password),
            ],
            None,
        )
        .await;
    let admin = r.session_cookie().expect("setup signs in");
    let dir = h.data_dir.with_extension("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let dest = adapter_store::create(
        &h.state.db,
        &h.state.master_key,
        &app::server::host_access::HostAccess::new(&h.state.config, true),
        AdapterKind::Destination,
        "local",
        "local-disk",
        &form(&[("path", &dir.display().to_string())]),
    )
    .await
    .unwrap();
    health_checks::run_health_checks_once(&h.state).await.unwrap();
    let id = dest.id.to_string();
    let args = [("kind", "destination"), ("id", id.as_str())];
    let r = h.call("adapter_health_log", &args, Some(&admin)).await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
    let rows = r.json();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["ok"], true);
    let r = h.call("adapter_health_log", &args, None).await;
    assert_eq!(r.status, http::StatusCode::UNAUTHORIZED);
    let r = h
        .call(
            "adapter_health_log",
            &[("kind", "source"), ("id", id.as_str())],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::NOT_FOUND, "{}", r.body);
    std::fs::remove_dir_all(&h.data_dir).ok();
}
