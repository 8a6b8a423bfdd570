//! Shared setup for the engine tests: adapters sealed like the console seals them, jobs,
//! SQLite files of a chosen size, and waiting for executions.
#![allow(dead_code)]

use app::server::{secrets, state::AppState};
use chrono::Utc;
use entity::enums::{AdapterKind, Compression, ExecutionStatus, HealthStatus, NotifyOn};
use entity::{adapter_config, encryption_profile, execution, execution_log, job, job_destination, setting};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "bulwark-engine-{tag}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A SQLite database of roughly `rows` × 200 bytes of poorly compressible text.
pub async fn make_sqlite(path: &Path, rows: u64) {
    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    db.execute_unprepared("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    db.execute_unprepared(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT {rows}) \
         INSERT INTO items (body) SELECT hex(randomblob(100)) FROM n"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
}

pub async fn adapter(
    state: &AppState,
    kind: AdapterKind,
    adapter_id: &str,
    name: &str,
    config: Value,
) -> i64 {
    let info = adapters::registry::find(adapter_id).expect("known adapter");
    let (sealed, public) = secrets::seal(&state.master_key, &(info.schema)(), &config);
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
    .insert(&state.db)
    .await
    .unwrap()
    .id
}

pub async fn sqlite_source(state: &AppState, name: &str, file: &Path) -> i64 {
    adapter(state, AdapterKind::Source, "sqlite", name, json!({"path": file})).await
}

pub async fn local_destination(state: &AppState, name: &str, dir: &Path) -> i64 {
    adapter(
        state,
        AdapterKind::Destination,
        "local",
        name,
        json!({"path": dir}),
    )
    .await
}

/// An encryption profile with a fresh age identity; returns its id.
pub async fn encryption_profile(state: &AppState, name: &str) -> i64 {
    use age::secrecy::ExposeSecret;
    let (identity, recipient) = adapters::pipeline::encrypt::keygen();
    let (_, extra) = adapters::pipeline::encrypt::keygen();
    let now = Utc::now();
    encryption_profile::ActiveModel {
        name: Set(name.into()),
        identity_encrypted: Set(state.master_key.seal(identity.expose_secret().as_bytes())),
        recipient: Set(recipient),
        extra_recipients: Set(json!([extra])),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap()
    .id
}

pub struct JobSpec<'a> {
    pub name: &'a str,
    pub source_id: i64,
    pub destinations: &'a [i64],
    pub compression: Compression,
    pub level: Option<i32>,
    pub retention: Value,
    pub cron: &'a str,
    pub enabled: bool,
    pub encryption_profile_id: Option<i64>,
}

impl<'a> JobSpec<'a> {
    pub fn new(name: &'a str, source_id: i64, destinations: &'a [i64]) -> Self {
        JobSpec {
            name,
            source_id,
            destinations,
            compression: Compression::Zstd,
            level: None,
            retention: json!({"kind": "keep_all"}),
            cron: "0 3 * * *",
            enabled: false,
            encryption_profile_id: None,
        }
    }

    /// brotli at level 11 runs at a few MB/s: a backup slow enough to watch.
    pub fn slow(mut self) -> Self {
        self.compression = Compression::Brotli;
        self.level = Some(11);
        self
    }
}

pub async fn create_job(state: &AppState, spec: JobSpec<'_>) -> i64 {
    let now = Utc::now();
    let job = job::ActiveModel {
        name: Set(spec.name.into()),
        cron: Set(spec.cron.into()),
        timezone: Set("Europe/Paris".into()),
        enabled: Set(spec.enabled),
        compression: Set(spec.compression),
        compression_level: Set(spec.level),
        retention: Set(spec.retention),
        source_id: Set(spec.source_id),
        databases: Set(json!([])),
        encryption_profile_id: Set(spec.encryption_profile_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap();
    for (priority, destination_id) in spec.destinations.iter().enumerate() {
        job_destination::ActiveModel {
            job_id: Set(job.id),
            destination_id: Set(*destination_id),
            priority: Set(priority as i32),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&state.db)
        .await
        .unwrap();
    }
    job.id
}

pub async fn set_max_concurrent(db: &DatabaseConnection, n: u64) {
    let now = Utc::now();
    setting::Entity::delete_by_id("max_concurrent_jobs".to_string())
        .exec(db)
        .await
        .unwrap();
    setting::ActiveModel {
        key: Set("max_concurrent_jobs".into()),
        value: Set(json!(n)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
}

pub async fn execution(db: &DatabaseConnection, id: i64) -> execution::Model {
    execution::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .expect("execution exists")
}

pub fn finished(status: ExecutionStatus) -> bool {
    !matches!(status, ExecutionStatus::Pending | ExecutionStatus::Running)
}

/// Polls until `done` holds for the execution, or panics after `timeout`.
pub async fn wait_until(
    db: &DatabaseConnection,
    id: i64,
    timeout: Duration,
    done: impl Fn(&execution::Model) -> bool,
) -> execution::Model {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let e = execution(db, id).await;
        if done(&e) {
            return e;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "execution #{id} still {:?} after {timeout:?}: {e:?}",
            e.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `job` now ("Run now" by nobody in particular) and waits for it to finish.
pub async fn run_now(state: &AppState, job: i64) -> execution::Model {
    let id = state
        .engine
        .enqueue(job, entity::enums::ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    wait_finished(&state.db, id).await
}

pub async fn wait_finished(db: &DatabaseConnection, id: i64) -> execution::Model {
    wait_until(db, id, Duration::from_secs(120), |e| finished(e.status)).await
}

pub async fn logs(db: &DatabaseConnection, id: i64) -> Vec<execution_log::Model> {
    execution_log::Entity::find()
        .filter(execution_log::Column::ExecutionId.eq(id))
        .order_by_asc(execution_log::Column::Seq)
        .all(db)
        .await
        .unwrap()
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A notification channel sealed like the console seals it; returns its id.
pub async fn channel(state: &AppState, adapter_id: &str, name: &str, config: Value) -> i64 {
    adapter(state, AdapterKind::Notification, adapter_id, name, config).await
}

/// Subscribes `channel_id` to the outcomes of `job_id` that `filter` lets through.
pub async fn subscribe(state: &AppState, job_id: i64, channel_id: i64, filter: NotifyOn) {
    entity::job_notification::ActiveModel {
        job_id: Set(job_id),
        channel_id: Set(channel_id),
        filter: Set(filter),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .unwrap();
}

/// The distinct instants the schedule queued `job` for, oldest first.
pub async fn scheduled_ticks(db: &DatabaseConnection, job: i64) -> Vec<chrono::DateTime<Utc>> {
    let mut ticks: Vec<_> = execution::Entity::find()
        .filter(execution::Column::JobId.eq(job))
        .filter(execution::Column::ScheduledFor.is_not_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.scheduled_for)
        .collect();
    ticks.sort();
    ticks.dedup();
    ticks
}
