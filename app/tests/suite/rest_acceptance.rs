//! The API acceptance, through `/api/v1` with API keys only: a PostgreSQL source
//! and an S3 destination (real servers), a job on a seconds schedule that runs by itself
//! and succeeds, the object in S3, a restore into a new database from the destination's
//! backup list with equal data; a key without `jobs:execute` gets 403 and nothing runs.

use crate::common;

use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use chrono::Utc;
use common::{Harness, Reply};
use entity::enums::ExecutionTrigger;
use entity::execution;
use http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::Duration;

async fn key(h: &Harness, name: &str, perms: &[&str]) -> String {
    let new = NewKey {
        name: name.into(),
        permissions: perms.iter().map(|s| s.to_string()).collect(),
        created_by_user_id: None,
        expires_at: None,
    };
    api_keys::create(&h.state.db, new, Utc::now()).await.unwrap().1
}

async fn call(h: &Harness, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let body = match body {
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    h.send(b.body(body).unwrap()).await
}

async fn pg(url: &str) -> sea_orm::DatabaseConnection {
    Database::connect(url).await.expect("connect to PostgreSQL")
}

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// A fingerprint of every row of every table, in a stable order.
async fn fingerprint(url: &str) -> Vec<String> {
    let db = pg(url).await;
    let mut out = Vec::new();
    for (table, order) in [("customers", "id"), ("orders", "id")] {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) FROM {table} t"),
            ))
            .await
            .unwrap()
            .unwrap();
        out.push(format!("{table}={}", row.try_get_by_index::<String>(0).unwrap()));
    }
    let seq = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT last_value::text FROM customers_id_seq".to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    out.push(format!("seq={}", seq.try_get_by_index::<String>(0).unwrap()));
    db.close().await.ok();
    out
}

async fn wait_execution(h: &Harness, key: &str, id: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let r = call(h, "GET", &format!("/api/v1/executions/{id}"), key, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let e = r.json();
        let status = e["status"].as_str().unwrap_or_default().to_string();
        if !matches!(status.as_str(), "pending" | "running") {
            return e;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "execution #{id} still {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_and_restore_through_the_rest_api() {
    let (Ok(pg_url), Ok(s3_endpoint), Ok(s3_root)) = (
        std::env::var("TEST_PG_URL"),
        std::env::var("TEST_S3S_ENDPOINT"),
        std::env::var("TEST_S3S_ROOT"),
    ) else {
        assert!(
            std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "PostgreSQL and S3 test services are required (scripts/test-services/start.sh)"
        );
        eprintln!("notice: test services not configured; skipping the REST acceptance test");
        return;
    };
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let (source_db, restored_db, bucket) = (
        format!("rest_src_{tag}"),
        format!("rest_restored_{tag}"),
        format!("rest-{tag}"),
    );
    let admin = pg(&pg_url).await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {source_db}"))
        .await
        .unwrap();
    let src = pg(&database_url(&pg_url, &source_db)).await;
    src.execute_unprepared(
        "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, note text, photo bytea);
         CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers(id),
                              total numeric(12,2), placed_at timestamptz);
         INSERT INTO customers (name, note, photo)
           SELECT 'Zoë Ångström ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ✓ ' || md5(i::text) END,
                  decode(md5(i::text), 'hex')
           FROM generate_series(1, 3000) i;
         INSERT INTO orders (customer_id, total, placed_at)
           SELECT 1 + i % 3000, (i * 1.37)::numeric(12,2), '2026-01-01'::timestamptz + i * interval '1 minute'
           FROM generate_series(1, 8000) i;",
    )
    .await
    .unwrap();
    src.close().await.ok();
    std::fs::create_dir_all(std::path::Path::new(&s3_root).join(&bucket)).unwrap();

    let h = common::harness(None).await;
    h.state.engine.start().await.unwrap();
    let admin_key = key(
        &h,
        "provisioner",
        &[
            "sources:read",
            "sources:write",
            "destinations:read",
            "destinations:write",
            "jobs:read",
            "jobs:write",
            "executions:read",
            "storage:read",
            "storage:restore",
        ],
    )
    .await;
    let runner = key(&h, "runner", &["jobs:execute", "executions:read"]).await;

    // Adapters.
    let pg_host = url_host_port(&pg_url);
    let r = call(
        &h,
        "POST",
        "/api/v1/sources",
        &admin_key,
        Some(json!({"adapter_id": "postgres", "name": "shop pg",
            "config": {"host": pg_host.0, "port": pg_host.1, "username": "postgres"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let source_id = r.json()["id"].as_i64().unwrap();
    let r = call(
        &h,
        "POST",
        "/api/v1/destinations",
        &admin_key,
        Some(json!({"adapter_id": "s3", "name": "s3 offsite", "config": {
            "endpoint": s3_endpoint, "region": "us-east-1", "bucket": bucket, "prefix": "bulwark",
            "path_style": true, "access_key_id": "testkey", "secret_access_key": "testsecret"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(!r.body.contains("testsecret"), "a secret came back: {}", r.body);
    let dest_id = r.json()["id"].as_i64().unwrap();
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/destinations/{dest_id}/test"),
        &admin_key,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The job, disabled first: a key without jobs:execute cannot run it.
    let r = call(
        &h,
        "POST",
        "/api/v1/jobs",
        &admin_key,
        Some(
            json!({"name": "Shop every 2 s", "source_id": source_id, "databases": [source_db],
            "destinations": [dest_id], "compression": "zstd", "cron": "*/2 * * * * *",
            "timezone": "UTC", "enabled": false}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let job_id = r.json()["id"].as_i64().unwrap();
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/jobs/{job_id}/run"),
        &admin_key,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["code"], "forbidden");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let count = execution::Entity::find().count(&h.state.db).await.unwrap();
    assert_eq!(count, 0, "a refused run must not queue anything");

    // Enabled, it runs by itself on its schedule.
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/jobs/{job_id}/enable"),
        &admin_key,
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.body);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let scheduled = loop {
        let found = execution::Entity::find()
            .filter(execution::Column::JobId.eq(job_id))
            .filter(execution::Column::Trigger.eq(ExecutionTrigger::Schedule))
            .one(&h.state.db)
            .await
            .unwrap();
        if let Some(e) = found {
            break e.id;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no scheduled run within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/jobs/{job_id}/disable"),
        &admin_key,
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.body);
    let done = wait_execution(&h, &admin_key, scheduled).await;
    assert_eq!(done["status"], "success", "{done}");
    assert!(
        done["checksum_sha256"].as_str().is_some_and(|s| s.len() == 64),
        "{done}"
    );
    assert!(done["stored_bytes"].as_i64().unwrap() > 0);
    assert!(done["log"].as_array().is_some_and(|l| !l.is_empty()), "{done}");

    // The object and its manifest are in the bucket.
    let prefix = std::path::Path::new(&s3_root).join(&bucket).join("bulwark");
    let stored: Vec<String> = walk(&prefix);
    assert!(stored.iter().any(|k| k.ends_with(".dump.zst")), "{stored:?}");
    assert!(
        stored.iter().any(|k| k.ends_with(".dump.zst.manifest.json")),
        "{stored:?}"
    );

    // A run through the API by a key that may execute.
    let r = call(&h, "POST", &format!("/api/v1/jobs/{job_id}/run"), &runner, None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let manual = r.json()["execution_id"].as_i64().unwrap();
    assert_eq!(wait_execution(&h, &runner, manual).await["status"], "success");

    // Restore the scheduled backup into a new database, from the destination's list.
    let r = call(
        &h,
        "GET",
        &format!("/api/v1/destinations/{dest_id}/backups"),
        &admin_key,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listing = r.json();
    let backups = listing["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 2, "{listing}");
    let object = backups
        .iter()
        .find(|b| b["sha256"] == done["checksum_sha256"])
        .expect("the scheduled run's backup is listed")["object"]
        .as_str()
        .unwrap()
        .to_string();
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/destinations/{dest_id}/backups/restore"),
        &runner,
        Some(json!({"object": object, "source_id": source_id, "database": restored_db})),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "restoring needs storage:restore: {}",
        r.body
    );
    let r = call(
        &h,
        "POST",
        &format!("/api/v1/destinations/{dest_id}/backups/restore"),
        &admin_key,
        Some(json!({"object": object, "source_id": source_id, "database": restored_db})),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let restore = r.json()["execution_id"].as_i64().unwrap();
    let restored = wait_execution(&h, &admin_key, restore).await;
    assert_eq!(restored["status"], "success", "{restored}");
    assert_eq!(restored["kind"], "restore");

    let original = fingerprint(&database_url(&pg_url, &source_db)).await;
    assert!(original[0].starts_with("customers=3000:"), "{original:?}");
    assert_eq!(fingerprint(&database_url(&pg_url, &restored_db)).await, original);

    // Verify, download and delete through the API, each with its own permission.
    let base = format!("/api/v1/destinations/{dest_id}/backups");
    let r = call(
        &h,
        "POST",
        &format!("{base}/verify"),
        &admin_key,
        Some(json!({"object": object})),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let verify = r.json()["execution_id"].as_i64().unwrap();
    let verified = wait_execution(&h, &admin_key, verify).await;
    assert_eq!(verified["status"], "success", "{verified}");
    assert_eq!(verified["kind"], "verify");
    let download = format!("{base}/download?object={object}");
    let r = call(&h, "GET", &download, &admin_key, None).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "downloading needs storage:download"
    );
    let keeper = key(&h, "keeper", &["storage:download", "storage:delete"]).await;
    let r = call(&h, "GET", &download, &keeper, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["x-bulwark-sha256"],
        done["checksum_sha256"].as_str().unwrap()
    );
    assert_eq!(
        r.headers["content-length"],
        done["stored_bytes"].to_string().as_str()
    );
    let delete = format!("{base}?object={object}");
    let r = call(&h, "DELETE", &delete, &admin_key, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "deleting needs storage:delete");
    let r = call(&h, "DELETE", &delete, &keeper, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = call(&h, "GET", &base, &admin_key, None).await;
    assert_eq!(
        r.json()["backups"].as_array().unwrap().len(),
        1,
        "one backup left"
    );
    let r = call(&h, "DELETE", &delete, &keeper, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.json()["code"], "not_found");

    let r = call(&h, "GET", "/api/v1/openapi.json", &admin_key, None).await;
    let paths = &r.json()["paths"];
    for path in [
        "/api/v1/destinations/{id}/backups",
        "/api/v1/destinations/{id}/backups/restore",
        "/api/v1/jobs/{id}/run",
    ] {
        assert!(paths.get(path).is_some(), "{path} is not documented");
    }

    h.state.engine.shutdown().await;
    for db in [&source_db, &restored_db] {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .await
            .ok();
    }
    std::fs::remove_dir_all(std::path::Path::new(&s3_root).join(&bucket)).ok();
    std::fs::remove_dir_all(&h.data_dir).ok();
}

fn url_host_port(url: &str) -> (String, u16) {
    let after = url.split("://").nth(1).unwrap_or(url);
    let host_port = after.split('@').next_back().unwrap_or(after);
    let host_port = host_port.split('/').next().unwrap_or(host_port);
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, "5432"));
    (host.to_string(), port.parse().unwrap_or(5432))
}

/// Every file under `dir`, relative, sorted (s3s-fs keeps objects as files).
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
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
