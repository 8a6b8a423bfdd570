//! A destination that goes down: with a real S3 server (a private `s3s-fs` process this
//! test starts, kills and restarts), a job's run fails naming the destination and saying
//! the host is unreachable; health checks take the destination to DEGRADED, DEGRADED,
//! OFFLINE with the errors logged; when the server returns, one check brings it ONLINE
//! and the next run succeeds. SQLite and PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::server::{health_checks, secrets};
use chrono::Utc;
use common::Harness;
use engine_fixtures::*;
use entity::enums::{AdapterKind, ExecutionStatus, HealthStatus};
use entity::{adapter_config, health_check_log};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ACCESS_KEY: &str = "testkey";
const SECRET_KEY: &str = "testsecret";

/// The s3s-fs binary: `TEST_S3S_BIN` (written by scripts/test-services/start.sh), else
/// where that script installs it. `None` (with a notice) when absent, unless
/// `BULWARK_REQUIRE_SERVICES=1` makes that a failure.
fn s3s_binary() -> Option<PathBuf> {
    let bin = std::env::var_os("TEST_S3S_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/bulwark-test-services/cargo/bin/s3s-fs")
        });
    if bin.is_file() {
        return Some(bin);
    }
    assert!(
        std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
        "s3s-fs not found at {} but BULWARK_REQUIRE_SERVICES=1: run scripts/test-services/start.sh s3s",
        bin.display()
    );
    eprintln!(
        "notice: s3s-fs not found at {} (set TEST_S3S_BIN); skipping the destination outage test",
        bin.display()
    );
    None
}

/// A private S3 server on its own port and root directory.
struct S3Server {
    bin: PathBuf,
    root: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl S3Server {
    fn start(bin: PathBuf, root: PathBuf) -> S3Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = S3Server {
            bin,
            root,
            port,
            child: None,
        };
        server.restart();
        server
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Starts the process (again) on the same port and root; returns once it accepts.
    fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut child = Command::new(&self.bin)
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&self.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.bin.display()));
        while TcpStream::connect_timeout(&self.addr(), Duration::from_millis(200)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("s3s-fs exited at start ({status}); is port {} taken?", self.port);
            }
            assert!(
                Instant::now() < deadline,
                "s3s-fs did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child = Some(child);
    }

    /// Kills the process and waits until its port refuses connections.
    fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            TcpStream::connect_timeout(&self.addr(), Duration::from_millis(500)).is_err(),
            "port {} still answers after the kill",
            self.port
        );
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// An adapter sealed the way the console seals it.
async fn stored_adapter(
    h: &Harness,
    kind: AdapterKind,
    adapter_id: &str,
    name: &str,
    config: serde_json::Value,
) -> i64 {
    let info = adapters::registry::find(adapter_id).expect("known adapter");
    let (sealed, public) = secrets::seal(&h.state.master_key, &(info.schema)(), &config);
    let now = Utc::now();
    adapter_config::ActiveModel {
        kind: Set(kind),
        adapter_id: Set(adapter_id.into()),
        name: Set(name.into()),
        config_encrypted: Set(sealed),
        metadata: Set(public),
        health_status: Set(HealthStatus::Unknown),
        consecutive_failures: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap()
    .id
}

async fn adapter(h: &Harness, id: i64) -> adapter_config::Model {
    adapter_config::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn health_log(h: &Harness, id: i64) -> Vec<health_check_log::Model> {
    health_check_log::Entity::find()
        .filter(health_check_log::Column::AdapterConfigId.eq(id))
        .order_by_asc(health_check_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
}

/// Stored backups (objects, not their manifests) under the bucket directory.
fn objects(bucket_dir: &Path) -> Vec<String> {
    files(bucket_dir)
        .into_iter()
        .filter(|f| f.starts_with("outage/") && !f.ends_with(".manifest.json"))
        .collect()
}

async fn run(h: &Harness, job: i64) -> entity::execution::Model {
    run_now(&h.state, job).await
}

async fn scenario(h: &Harness, bin: PathBuf) {
    let work = temp_dir("outage");
    let root = work.join("s3");
    let bucket = "outage-bucket";
    std::fs::create_dir_all(root.join(bucket)).unwrap();
    let mut server = S3Server::start(bin, root.clone());
    let endpoint = server.endpoint();

    let file = work.join("app.db");
    make_sqlite(&file, 500).await;
    let source = sqlite_source(&h.state, "app db", &file).await;
    let dest = stored_adapter(
        h,
        AdapterKind::Destination,
        "s3",
        "offsite s3",
        json!({
            "endpoint": endpoint,
            "region": "us-east-1",
            "bucket": bucket,
            "prefix": "",
            "path_style": true,
            "access_key_id": ACCESS_KEY,
            "secret_access_key": SECRET_KEY,
        }),
    )
    .await;
    let job = create_job(&h.state, JobSpec::new("outage", source, &[dest])).await;
    h.state.engine.start().await.unwrap();

    // The server is up: the run succeeds and the object is in the bucket.
    let first = run(h, job).await;
    assert_eq!(first.status, ExecutionStatus::Success, "{first:?}");
    let stored = objects(&root.join(bucket));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        first.destination_results[0]["object"].as_str(),
        Some(stored[0].as_str()),
        "{:?}",
        first.destination_results
    );
    health_checks::run_health_checks_once(&h.state).await.unwrap();
    assert_eq!(adapter(h, dest).await.health_status, HealthStatus::Online);

    // The server dies: the run fails, naming the destination and why.
    server.kill();
    let started = Instant::now();
    let second = run(h, job).await;
    assert_eq!(second.status, ExecutionStatus::Failed, "{second:?}");
    let error = second.error.clone().unwrap_or_default();
    eprintln!("run while the server is down: {error}");
    assert!(
        error.contains("offsite s3") && error.contains("host unreachable"),
        "the error names the destination and the reason: {error}"
    );
    assert!(error.contains(&endpoint), "the error says which host: {error}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a refused connection fails within a minute, took {:?}",
        started.elapsed()
    );
    let lines = logs(&h.state.db, second.id).await;
    assert!(
        lines
            .iter()
            .any(|l| l.level == entity::enums::LogLevel::Error && l.message.contains("host unreachable")),
        "{:?}",
        lines.iter().map(|l| &l.message).collect::<Vec<_>>()
    );
    assert_eq!(objects(&root.join(bucket)), stored, "nothing new was stored");

    // Health checks: DEGRADED, DEGRADED, OFFLINE, each failure logged with its error.
    for (n, expected) in [
        (1, HealthStatus::Degraded),
        (2, HealthStatus::Degraded),
        (3, HealthStatus::Offline),
    ] {
        let round = health_checks::run_health_checks_once(&h.state).await.unwrap();
        assert_eq!(round.checked, 2, "the source and the destination");
        assert_eq!(round.failed, 1, "only the destination fails");
        let d = adapter(h, dest).await;
        assert_eq!(d.health_status, expected, "after {n} failed checks");
        assert_eq!(d.consecutive_failures, n);
        let last_error = d.last_error.unwrap_or_default();
        assert!(last_error.contains("host unreachable"), "{last_error}");
    }
    let log = health_log(h, dest).await;
    assert_eq!(log.len(), 4, "one check while up, three while down");
    assert!(log[0].ok && log[0].error.is_none());
    for row in &log[1..] {
        assert!(!row.ok);
        let e = row.error.as_deref().unwrap_or_default();
        assert!(e.contains("host unreachable") && e.contains(&endpoint), "{e}");
    }

    // It comes back on the same port and root: ONLINE at the next check, and runs work.
    server.restart();
    health_checks::run_health_checks_once(&h.state).await.unwrap();
    let d = adapter(h, dest).await;
    assert_eq!(d.health_status, HealthStatus::Online);
    assert_eq!(d.consecutive_failures, 0);
    assert!(d.last_error.is_none(), "{:?}", d.last_error);
    let log = health_log(h, dest).await;
    assert_eq!(log.len(), 5);
    assert!(log[4].ok && log[4].error.is_none());
    // Object names carry the second they were made.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let third = run(h, job).await;
    assert_eq!(third.status, ExecutionStatus::Success, "{third:?}");
    let now_stored = objects(&root.join(bucket));
    assert_eq!(now_stored.len(), 2, "{now_stored:?}");
    assert!(now_stored.contains(&stored[0]));
    assert!(
        now_stored.contains(
            &third.destination_results[0]["object"]
                .as_str()
                .unwrap()
                .to_string()
        )
    );

    drop(server);
    std::fs::remove_dir_all(&work).ok();
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn destination_outage_fails_runs_and_drives_health_on_sqlite() {
    let Some(bin) = s3s_binary() else {
        return;
    };
    let h = common::harness(None).await;
    scenario(&h, bin).await;
    h.state.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn destination_outage_fails_runs_and_drives_health_on_postgres() {
    let Some(bin) = s3s_binary() else {
        return;
    };
    let Some(url) = common::fresh_pg_database("outage").await else {
        return;
    };
    let h = common::harness(Some(url)).await;
    scenario(&h, bin).await;
    h.state.engine.shutdown().await;
}
