//! Sources, destinations, jobs and encryption profiles through the REST API: create,
//! read, edit, test, delete, with permission scoping, JSON errors, write-only secrets and
//! audit entries, through the real router. Runs on SQLite and, with `TEST_PG_URL`, on
//! PostgreSQL; the PostgreSQL source and S3 destination use the test services when set.

use crate::common;
use crate::engine_fixtures;

use app::server::api_keys::{self, NewKey};
use app::server::secrets;
use axum::body::Body;
use chrono::Utc;
use common::{Harness, Reply};
use engine_fixtures::{make_sqlite, temp_dir};
use entity::{adapter_config, audit_log, encryption_profile, job};
use http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

on_both_backends!(sources_round_trip_through_the_rest_api, sources);
on_both_backends!(destinations_round_trip_through_the_rest_api, destinations);
on_both_backends!(jobs_round_trip_through_the_rest_api, jobs);
on_both_backends!(profiles_round_trip_through_the_rest_api, profiles);
on_both_backends!(
    stored_secrets_only_go_where_they_were_entered_for,
    secrets_follow_endpoint
);
on_both_backends!(secrets_keep_their_exact_spelling_on_every_path, secret_spelling);

async fn key(h: &Harness, name: &str, perms: &[&str]) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: name.into(),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            created_by_user_id: None,
            expires_at: None,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

async fn raw(h: &Harness, method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> Reply {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(k) = key {
        b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    let body = match body {
        Some(text) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(text.to_string())
        }
        None => Body::empty(),
    };
    h.send(b.body(body).unwrap()).await
}

async fn call(h: &Harness, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let text = body.map(|b| b.to_string());
    raw(h, method, path, Some(key), text.as_deref()).await
}

fn expect(r: &Reply, status: StatusCode) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    if r.body.is_empty() { Value::Null } else { r.json() }
}

/// An error in the REST format, with its message.
fn expect_error(r: &Reply, status: StatusCode, code: &str) -> String {
    assert_eq!(r.status, status, "{}", r.body);
    let body = r.json();
    assert_eq!(body["code"], code, "{body}");
    let message = body["detail"].as_str().unwrap_or_default().to_string();
    assert!(!message.is_empty(), "{body}");
    message
}

async fn audits(h: &Harness, key_name: &str, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::ActorLabel.eq(format!("api-key:{key_name}")))
        .filter(audit_log::Column::Action.eq(action))
        .all(&h.state.db)
        .await
        .unwrap()
}

async fn adapters_stored(h: &Harness) -> u64 {
    adapter_config::Entity::find().count(&h.state.db).await.unwrap()
}

/// The stored (sealed) config of adapter `id`, opened with the master key.
async fn stored_config(h: &Harness, id: i64) -> Value {
    let row = adapter_config::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    secrets::open(&h.state.master_key, &row.config_encrypted).unwrap()
}

/// Host and port of the PostgreSQL test server, or a placeholder when none is set
/// (creating a source does not connect).
fn pg_host_port() -> (String, u16, bool) {
    match std::env::var("TEST_PG_URL") {
        Ok(url) => {
            let after = url.split_once('@').unwrap().1;
            let host_port = after.split('/').next().unwrap();
            let (host, port) = host_port.split_once(':').unwrap_or((host_port, "5432"));
            (host.to_string(), port.parse().unwrap(), true)
        }
        Err(_) => ("127.0.0.1".into(), 5432, false),
    }
}

async fn sources(h: &Harness) {
    let admin = key(h, "src-admin", &["sources:read", "sources:write"]).await;
    let reader = key(h, "src-reader", &["sources:read"]).await;
    let stranger = key(h, "src-stranger", &["destinations:read", "destinations:write"]).await;
    let work = temp_dir("rest-crud-src");
    let file = work.join("shop.db");
    make_sqlite(&file, 10).await;

    // Unauthenticated and unauthorized callers change nothing.
    let create = json!({"adapter_id": "sqlite", "name": "shop", "config": {"path": file}});
    let r = raw(h, "POST", "/api/v1/sources", None, Some(&create.to_string())).await;
    expect_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    for k in [&reader, &stranger] {
        let r = call(h, "POST", "/api/v1/sources", k, Some(create.clone())).await;
        expect_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    expect_error(
        &call(h, "GET", "/api/v1/sources", &stranger, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(adapters_stored(h).await, 0, "refused creates store nothing");

    // Create, read, list.
    let created = expect(
        &call(h, "POST", "/api/v1/sources", &admin, Some(create.clone())).await,
        StatusCode::CREATED,
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["kind"], "source");
    assert_eq!(created["adapter_id"], "sqlite");
    assert_eq!(created["config"]["path"], file.display().to_string());
    assert_eq!(created["health"], "unknown");
    let got = expect(
        &call(h, "GET", &format!("/api/v1/sources/{id}"), &reader, None).await,
        StatusCode::OK,
    );
    assert_eq!(got["name"], "shop");
    let list = expect(
        &call(h, "GET", "/api/v1/sources", &reader, None).await,
        StatusCode::OK,
    );
    assert_eq!(list["sources"].as_array().unwrap().len(), 1, "{list}");
    expect_error(
        &call(h, "POST", "/api/v1/sources", &admin, Some(create.clone())).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // Test connection: OK, then the adapter's own error once the file is gone.
    let r = expect(
        &call(h, "POST", &format!("/api/v1/sources/{id}/test"), &admin, None).await,
        StatusCode::OK,
    );
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["health"], "online");
    expect_error(
        &call(h, "POST", &format!("/api/v1/sources/{id}/test"), &reader, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    std::fs::remove_file(&file).unwrap();
    let message = expect_error(
        &call(h, "POST", &format!("/api/v1/sources/{id}/test"), &admin, None).await,
        StatusCode::BAD_GATEWAY,
        "connection_failed",
    );
    assert!(message.contains("shop.db"), "{message}");
    let got = expect(
        &call(h, "GET", &format!("/api/v1/sources/{id}"), &reader, None).await,
        StatusCode::OK,
    );
    assert_eq!(got["health"], "degraded", "the failed test is recorded");

    // Bad input: the console's messages, as JSON errors.
    let bad = |body: Value| call(h, "POST", "/api/v1/sources", &admin, Some(body));
    let m = expect_error(
        &bad(json!({"adapter_id": "oracle", "name": "x", "config": {}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "There is no source adapter `oracle`.");
    let m = expect_error(
        &bad(json!({"adapter_id": "local", "name": "x", "config": {"path": "/tmp"}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(m.contains("no source adapter `local`"), "{m}");
    let m = expect_error(
        &bad(json!({"adapter_id": "sqlite", "name": "x", "config": {}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(
        m.contains("Database file is required"),
        "a missing required field is named: {m}"
    );
    let m = expect_error(
        &bad(json!({"adapter_id": "sqlite", "name": "  ", "config": {"path": "/tmp/x.db"}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "Give the source a name.");
    expect_error(
        &bad(json!({"adapter_id": "sqlite", "config": {"path": "/tmp/x.db"}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    let r = raw(
        h,
        "POST",
        "/api/v1/sources",
        Some(&admin),
        Some("{\"adapter_id\": "),
    )
    .await;
    expect_error(&r, StatusCode::BAD_REQUEST, "invalid");
    let r = raw(h, "POST", "/api/v1/sources", Some(&reader), Some("{not json")).await;
    expect_error(&r, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(adapters_stored(h).await, 1);

    // A PostgreSQL source with a password: the secret goes in and never comes out.
    let secret = format!("pg-secret-{}", uuid::Uuid::new_v4().simple());
    let (host, port, pg_running) = pg_host_port();
    let pg_body = json!({"adapter_id": "postgres", "name": "warehouse", "config": {
        "host": host, "port": port, "username": "postgres", "password": secret, "sslmode": "disable"}});
    let r = call(h, "POST", "/api/v1/sources", &admin, Some(pg_body)).await;
    let pg = expect(&r, StatusCode::CREATED);
    assert!(!r.body.contains(&secret), "{}", r.body);
    let pg_id = pg["id"].as_i64().unwrap();
    assert_eq!(pg["secrets"]["password"], "set", "{pg}");
    assert!(pg["config"].get("password").is_none(), "{pg}");
    assert_eq!(pg["config"]["port"], port);
    assert_eq!(
        pg["config"]["include_globals"], false,
        "a bool left out takes its default"
    );
    for path in ["/api/v1/sources".to_string(), format!("/api/v1/sources/{pg_id}")] {
        let r = call(h, "GET", &path, &reader, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&secret), "{path}: {}", r.body);
    }
    if pg_running {
        let r = call(h, "POST", &format!("/api/v1/sources/{pg_id}/test"), &admin, None).await;
        assert!(!r.body.contains(&secret));
        assert_eq!(expect(&r, StatusCode::OK)["ok"], true);
    }

    // Edits: a password left out (or empty) keeps the stored one; a new one replaces it.
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/sources/{pg_id}"),
        &admin,
        Some(json!({"name": "warehouse 2", "config": {"host": host, "port": port, "username": "backup"}})),
    )
    .await;
    let edited = expect(&r, StatusCode::OK);
    assert!(!r.body.contains(&secret));
    assert_eq!(edited["name"], "warehouse 2");
    assert_eq!(edited["config"]["username"], "backup");
    assert_eq!(edited["secrets"]["password"], "set");
    assert_eq!(stored_config(h, pg_id).await["password"], secret.as_str());
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/sources/{pg_id}"),
        &admin,
        Some(json!({"config": {"host": host, "port": port, "username": "backup", "password": ""}})),
    )
    .await;
    assert_eq!(
        expect(&r, StatusCode::OK)["name"],
        "warehouse 2",
        "a missing name is kept"
    );
    assert_eq!(stored_config(h, pg_id).await["password"], secret.as_str());
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/sources/{pg_id}"),
        &admin,
        Some(json!({"name": "warehouse"})),
    )
    .await;
    assert_eq!(
        expect(&r, StatusCode::OK)["config"]["username"],
        "backup",
        "a missing config is kept"
    );
    let replaced = format!("{secret}-new");
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/sources/{pg_id}"),
        &admin,
        Some(json!({"config": {"host": host, "port": port, "username": "backup", "password": replaced}})),
    )
    .await;
    assert!(!r.body.contains(&secret));
    expect(&r, StatusCode::OK);
    assert_eq!(stored_config(h, pg_id).await["password"], replaced.as_str());
    let m = expect_error(
        &call(
            h,
            "PUT",
            &format!("/api/v1/sources/{pg_id}"),
            &admin,
            Some(json!({"config": {"host": host, "username": "backup", "port": "many"}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(m.contains("port"), "{m}");
    expect_error(
        &call(
            h,
            "PUT",
            &format!("/api/v1/sources/{pg_id}"),
            &admin,
            Some(json!({"adapter_id": "mysql"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    expect_error(
        &call(
            h,
            "PUT",
            &format!("/api/v1/sources/{pg_id}"),
            &reader,
            Some(json!({"name": "hijacked"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    expect_error(
        &call(
            h,
            "PUT",
            "/api/v1/sources/99999",
            &admin,
            Some(json!({"name": "x"})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let row = adapter_config::Entity::find_by_id(pg_id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "warehouse", "refused edits change nothing");

    // Audit entries name the key, never the secret.
    let updates = audits(h, "src-admin", "source.update").await;
    assert_eq!(updates.len(), 4);
    assert!(
        updates
            .iter()
            .any(|a| a.summary.contains("replaced secrets: password"))
    );
    let all = audit_log::Entity::find().all(&h.state.db).await.unwrap();
    assert!(
        !format!("{all:?}").contains(&secret),
        "no secret in the audit log"
    );
    assert_eq!(audits(h, "src-admin", "source.create").await.len(), 2);

    // Delete.
    expect_error(
        &call(h, "DELETE", &format!("/api/v1/sources/{id}"), &reader, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    expect(
        &call(h, "DELETE", &format!("/api/v1/sources/{id}"), &admin, None).await,
        StatusCode::NO_CONTENT,
    );
    expect_error(
        &call(h, "GET", &format!("/api/v1/sources/{id}"), &reader, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_error(
        &call(h, "DELETE", &format!("/api/v1/sources/{id}"), &admin, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(audits(h, "src-admin", "source.delete").await.len(), 1);
    assert_eq!(adapters_stored(h).await, 1);
    // A source id is not a destination.
    let dest_admin = key(h, "src-dest", &["destinations:read"]).await;
    expect_error(
        &call(
            h,
            "GET",
            &format!("/api/v1/destinations/{pg_id}"),
            &dest_admin,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // The adapter types, for the kinds the key may read.
    let types = expect(
        &call(h, "GET", "/api/v1/adapter-types", &reader, None).await,
        StatusCode::OK,
    );
    let ids: Vec<&str> = types["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"postgres") && ids.contains(&"sqlite"), "{types}");
    assert!(types.get("destinations").is_none(), "{types}");
    let nobody = key(h, "src-nobody", &["jobs:read"]).await;
    expect_error(
        &call(h, "GET", "/api/v1/adapter-types", &nobody, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    std::fs::remove_dir_all(&work).ok();
}

async fn destinations(h: &Harness) {
    let admin = key(h, "dst-admin", &["destinations:read", "destinations:write"]).await;
    let reader = key(h, "dst-reader", &["destinations:read"]).await;
    let dir = h.data_dir.with_extension("rest-backups");
    std::fs::create_dir_all(&dir).unwrap();

    let local = expect(
        &call(
            h,
            "POST",
            "/api/v1/destinations",
            &admin,
            Some(json!({"adapter_id": "local", "name": "disk", "config": {"path": dir}})),
        )
        .await,
        StatusCode::CREATED,
    );
    let local_id = local["id"].as_i64().unwrap();
    assert_eq!(local["kind"], "destination");
    let ok = expect(
        &call(
            h,
            "POST",
            &format!("/api/v1/destinations/{local_id}/test"),
            &admin,
            None,
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(ok["ok"], true);
    let m = expect_error(
        &call(
            h,
            "POST",
            "/api/v1/destinations",
            &admin,
            Some(json!({"adapter_id": "local", "name": "relative", "config": {"path": "backups"}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(m.to_lowercase().contains("absolute"), "{m}");
    expect_error(
        &call(
            h,
            "POST",
            "/api/v1/destinations",
            &admin,
            Some(json!({"adapter_id": "sqlite", "name": "x", "config": {"path": "/tmp/x.db"}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/destinations/{local_id}"),
        &admin,
        Some(json!({"name": "local disk", "config": {"path": dir}})),
    )
    .await;
    assert_eq!(expect(&r, StatusCode::OK)["name"], "local disk");
    assert_eq!(audits(h, "dst-admin", "destination.update").await.len(), 1);

    // S3 against the test server: the secret key stays sealed, the test reports the
    // store's own error until the bucket exists.
    if let Ok(endpoint) = std::env::var("TEST_S3S_ENDPOINT") {
        let bucket = format!("rest-crud-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let r = call(
            h,
            "POST",
            "/api/v1/destinations",
            &admin,
            Some(json!({"adapter_id": "s3", "name": "s3", "config": {
                "endpoint": endpoint, "region": "us-east-1", "bucket": bucket, "path_style": true,
                "access_key_id": "testkey", "secret_access_key": "testsecret"}})),
        )
        .await;
        assert!(!r.body.contains("testsecret"), "{}", r.body);
        let s3 = expect(&r, StatusCode::CREATED);
        let s3_id = s3["id"].as_i64().unwrap();
        assert_eq!(s3["secrets"]["secret_access_key"], "set");
        assert_eq!(s3["config"]["path_style"], true);
        let r = call(
            h,
            "POST",
            &format!("/api/v1/destinations/{s3_id}/test"),
            &admin,
            None,
        )
        .await;
        let m = expect_error(&r, StatusCode::BAD_GATEWAY, "connection_failed");
        assert!(m.contains("bucket"), "{m}");
        assert!(!r.body.contains("testsecret"));
        std::fs::create_dir_all(std::path::Path::new(&std::env::var("TEST_S3S_ROOT").unwrap()).join(&bucket))
            .unwrap();
        let r = call(
            h,
            "POST",
            &format!("/api/v1/destinations/{s3_id}/test"),
            &admin,
            None,
        )
        .await;
        assert_eq!(expect(&r, StatusCode::OK)["health"], "online");
        // An edit without the secret keeps it (the test still connects).
        let r = call(
            h,
            "PUT",
            &format!("/api/v1/destinations/{s3_id}"),
            &admin,
            Some(
                json!({"config": {"endpoint": endpoint, "region": "us-east-1", "bucket": bucket,
                "path_style": true, "access_key_id": "testkey", "prefix": "nightly"}}),
            ),
        )
        .await;
        let edited = expect(&r, StatusCode::OK);
        assert_eq!(edited["config"]["prefix"], "nightly");
        assert_eq!(edited["secrets"]["secret_access_key"], "set");
        assert_eq!(stored_config(h, s3_id).await["secret_access_key"], "testsecret");
        let r = call(
            h,
            "POST",
            &format!("/api/v1/destinations/{s3_id}/test"),
            &admin,
            None,
        )
        .await;
        assert_eq!(expect(&r, StatusCode::OK)["ok"], true);
        let r = call(h, "GET", "/api/v1/destinations", &reader, None).await;
        assert_eq!(
            expect(&r, StatusCode::OK)["destinations"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(!r.body.contains("testsecret"));
        expect(
            &call(
                h,
                "DELETE",
                &format!("/api/v1/destinations/{s3_id}"),
                &admin,
                None,
            )
            .await,
            StatusCode::NO_CONTENT,
        );
    }

    let before = adapters_stored(h).await;
    expect_error(
        &call(
            h,
            "DELETE",
            &format!("/api/v1/destinations/{local_id}"),
            &reader,
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(adapters_stored(h).await, before);
    expect(
        &call(
            h,
            "DELETE",
            &format!("/api/v1/destinations/{local_id}"),
            &admin,
            None,
        )
        .await,
        StatusCode::NO_CONTENT,
    );
    expect_error(
        &call(
            h,
            "GET",
            &format!("/api/v1/destinations/{local_id}"),
            &reader,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert!(!audits(h, "dst-admin", "destination.delete").await.is_empty());
}

fn job_body(name: &str, source: i64, destinations: &[i64]) -> Value {
    json!({"name": name, "source_id": source, "destinations": destinations, "cron": "0 0 3 * * *",
        "timezone": "Europe/Paris", "retention": {"kind": "keep_last", "count": 5}})
}

async fn jobs(h: &Harness) {
    let admin = key(
        h,
        "job-admin",
        &[
            "sources:write",
            "destinations:write",
            "jobs:read",
            "jobs:write",
            "encryption:write",
        ],
    )
    .await;
    let reader = key(h, "job-reader", &["jobs:read", "destinations:write"]).await;
    let work = temp_dir("rest-crud-jobs");
    let file = work.join("app.db");
    make_sqlite(&file, 10).await;
    let dir = h.data_dir.with_extension("job-backups");
    std::fs::create_dir_all(&dir).unwrap();
    let create = |path: &'static str, body: Value| {
        let admin = admin.clone();
        async move {
            let r = call(h, "POST", path, &admin, Some(body)).await;
            expect(&r, StatusCode::CREATED)["id"].as_i64().unwrap()
        }
    };
    let source = create(
        "/api/v1/sources",
        json!({"adapter_id": "sqlite", "name": "app", "config": {"path": file}}),
    )
    .await;
    let disk = create(
        "/api/v1/destinations",
        json!({"adapter_id": "local", "name": "disk", "config": {"path": dir}}),
    )
    .await;
    let disk2 = create(
        "/api/v1/destinations",
        json!({"adapter_id": "local", "name": "disk2", "config": {"path": work}}),
    )
    .await;
    let profile = create("/api/v1/encryption-profiles", json!({"name": "vault"})).await;

    // Refused and invalid creates store nothing.
    let jobs_stored = || async { job::Entity::find().count(&h.state.db).await.unwrap() };
    let body = job_body("nightly", source, &[disk, disk2]);
    expect_error(
        &call(h, "POST", "/api/v1/jobs", &reader, Some(body.clone())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let invalid = |patch: Value| {
        let mut b = body.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        call(h, "POST", "/api/v1/jobs", &admin, Some(b))
    };
    let m = expect_error(
        &invalid(json!({"cron": "every tuesday"})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(m.to_lowercase().contains("cron") || m.contains("schedule"), "{m}");
    let m = expect_error(
        &invalid(json!({"source_id": 99999})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "There is no source #99999.");
    let m = expect_error(
        &invalid(json!({"source_id": disk})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, format!("There is no source #{disk}."));
    let m = expect_error(
        &invalid(json!({"destinations": []})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "Choose at least one destination.");
    expect_error(
        &invalid(json!({"timezone": "Mars/Olympus"})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    let m = expect_error(
        &invalid(json!({"retention": {"kind": "keep_last", "count": 0}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(m.starts_with("Retention:"), "{m}");
    expect_error(
        &invalid(json!({"retention": {"kind": "keep_forever"}})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    expect_error(
        &invalid(json!({"compression": "lzma"})).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    let r = raw(h, "POST", "/api/v1/jobs", Some(&admin), Some("[1, 2")).await;
    expect_error(&r, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(jobs_stored().await, 0);

    // Create, read back, schedule.
    let r = call(
        h,
        "POST",
        "/api/v1/jobs",
        &admin,
        Some({
            let mut b = body.clone();
            b["encryption_profile_id"] = json!(profile);
            b["compression"] = json!("gzip");
            b
        }),
    )
    .await;
    let created = expect(&r, StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["enabled"], true);
    assert_eq!(created["compression"], "gzip");
    assert_eq!(created["retention"], json!({"kind": "keep_last", "count": 5}));
    assert_eq!(created["destinations"][0]["destination_id"], disk);
    assert_eq!(created["destinations"][1]["destination_id"], disk2);
    assert!(
        h.state.engine.scheduled_jobs().contains(&id),
        "a new enabled job is scheduled"
    );
    expect_error(
        &call(h, "POST", "/api/v1/jobs", &admin, Some(body.clone())).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // A job read can be sent back as it is; a PUT replaces the settings.
    let got = expect(
        &call(h, "GET", &format!("/api/v1/jobs/{id}"), &reader, None).await,
        StatusCode::OK,
    );
    let mut edit = got.clone();
    edit["cron"] = json!("0 30 4 * * *");
    edit["destinations"] = json!([got["destinations"][1], got["destinations"][0]]);
    let r = call(h, "PUT", &format!("/api/v1/jobs/{id}"), &admin, Some(edit)).await;
    let edited = expect(&r, StatusCode::OK);
    assert_eq!(edited["cron"], "0 30 4 * * *");
    assert_eq!(edited["encryption_profile_id"], profile);
    assert_eq!(edited["destinations"][0]["destination_id"], disk2, "{edited}");
    let m = expect_error(
        &call(
            h,
            "PUT",
            &format!("/api/v1/jobs/{id}"),
            &admin,
            Some(json!({"name": "nightly", "source_id": source, "destinations": [disk], "cron": "61 * * * * *"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert!(!m.is_empty());
    expect_error(
        &call(h, "PUT", "/api/v1/jobs/99999", &admin, Some(body.clone())).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_error(
        &call(
            h,
            "PUT",
            &format!("/api/v1/jobs/{id}"),
            &reader,
            Some(body.clone()),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let stored = job::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.cron, "0 30 4 * * *", "refused edits change nothing");

    // Enable / disable.
    let r = call(h, "POST", &format!("/api/v1/jobs/{id}/disable"), &admin, None).await;
    assert_eq!(expect(&r, StatusCode::OK)["enabled"], false);
    assert!(!h.state.engine.scheduled_jobs().contains(&id));
    expect_error(
        &call(h, "POST", &format!("/api/v1/jobs/{id}/enable"), &reader, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let r = call(h, "POST", &format!("/api/v1/jobs/{id}/enable"), &admin, None).await;
    assert_eq!(expect(&r, StatusCode::OK)["enabled"], true);
    assert!(h.state.engine.scheduled_jobs().contains(&id));
    expect_error(
        &call(h, "POST", "/api/v1/jobs/99999/enable", &admin, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // What a job uses cannot be deleted.
    let m = expect_error(
        &call(h, "DELETE", &format!("/api/v1/destinations/{disk}"), &admin, None).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(m.contains("nightly"), "{m}");
    expect_error(
        &call(h, "DELETE", &format!("/api/v1/sources/{source}"), &admin, None).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    expect_error(
        &call(
            h,
            "DELETE",
            &format!("/api/v1/encryption-profiles/{profile}"),
            &admin,
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(
        adapter_config::Entity::find_by_id(disk)
            .one(&h.state.db)
            .await
            .unwrap()
            .is_some(),
        "the destination is still there"
    );

    // Delete the job; then its adapters can go.
    expect_error(
        &call(h, "DELETE", &format!("/api/v1/jobs/{id}"), &reader, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    expect(
        &call(h, "DELETE", &format!("/api/v1/jobs/{id}"), &admin, None).await,
        StatusCode::NO_CONTENT,
    );
    assert!(!h.state.engine.scheduled_jobs().contains(&id));
    expect_error(
        &call(h, "GET", &format!("/api/v1/jobs/{id}"), &reader, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_error(
        &call(h, "DELETE", &format!("/api/v1/jobs/{id}"), &admin, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect(
        &call(h, "DELETE", &format!("/api/v1/destinations/{disk}"), &admin, None).await,
        StatusCode::NO_CONTENT,
    );
    for action in [
        "job.create",
        "job.update",
        "job.disable",
        "job.enable",
        "job.delete",
    ] {
        assert_eq!(audits(h, "job-admin", action).await.len(), 1, "{action}");
    }
    assert!(audits(h, "job-reader", "job.delete").await.is_empty());
    std::fs::remove_dir_all(&work).ok();
}

async fn profiles(h: &Harness) {
    let admin = key(h, "enc-admin", &["encryption:read", "encryption:write"]).await;
    let reader = key(h, "enc-reader", &["encryption:read"]).await;
    let profiles_stored = || async {
        encryption_profile::Entity::find()
            .count(&h.state.db)
            .await
            .unwrap()
    };

    expect_error(
        &call(
            h,
            "POST",
            "/api/v1/encryption-profiles",
            &reader,
            Some(json!({"name": "x"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let m = expect_error(
        &call(
            h,
            "POST",
            "/api/v1/encryption-profiles",
            &admin,
            Some(json!({"name": " "})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "Give the profile a name.");
    assert_eq!(profiles_stored().await, 0);

    let r = call(
        h,
        "POST",
        "/api/v1/encryption-profiles",
        &admin,
        Some(json!({"name": "offsite", "description": "for the S3 copies"})),
    )
    .await;
    let created = expect(&r, StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    assert!(created["recipient"].as_str().unwrap().starts_with("age1"));
    assert_eq!(created["description"], "for the S3 copies");
    assert!(created["identity_downloaded_at"].is_null());
    let identity = {
        let row = encryption_profile::Entity::find_by_id(id)
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        String::from_utf8(h.state.master_key.open(&row.identity_encrypted).unwrap()).unwrap()
    };
    assert!(identity.starts_with("AGE-SECRET-KEY-"));
    expect_error(
        &call(
            h,
            "POST",
            "/api/v1/encryption-profiles",
            &admin,
            Some(json!({"name": "offsite"})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );

    let (_, extra) = adapters::pipeline::encrypt::keygen();
    let path = format!("/api/v1/encryption-profiles/{id}/recipients");
    expect_error(
        &call(h, "POST", &path, &reader, Some(json!({"recipient": extra}))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let r = call(h, "POST", &path, &admin, Some(json!({"recipient": extra}))).await;
    assert_eq!(expect(&r, StatusCode::OK)["extra_recipients"], json!([extra]));
    expect_error(
        &call(h, "POST", &path, &admin, Some(json!({"recipient": extra}))).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let m = expect_error(
        &call(h, "POST", &path, &admin, Some(json!({"recipient": "age1nope"}))).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_eq!(m, "`age1nope` is not an age X25519 recipient (age1…).");
    expect_error(
        &call(h, "POST", &path, &admin, Some(json!({}))).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    expect_error(
        &call(
            h,
            "POST",
            "/api/v1/encryption-profiles/99999/recipients",
            &admin,
            Some(json!({"recipient": extra})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Reads never carry the identity.
    for p in [
        "/api/v1/encryption-profiles".to_string(),
        format!("/api/v1/encryption-profiles/{id}"),
    ] {
        let r = call(h, "GET", &p, &reader, None).await;
        let body = expect(&r, StatusCode::OK);
        assert!(
            !r.body.contains(&identity) && !r.body.contains("AGE-SECRET-KEY"),
            "{body}"
        );
    }
    let list = expect(
        &call(h, "GET", "/api/v1/encryption-profiles", &reader, None).await,
        StatusCode::OK,
    );
    assert_eq!(list["encryption_profiles"][0]["extra_recipients"], json!([extra]));

    let r = call(h, "DELETE", &path, &admin, Some(json!({"recipient": extra}))).await;
    assert_eq!(expect(&r, StatusCode::OK)["extra_recipients"], json!([]));
    // Removing it again: the profile is there, the key is not one of its recipients.
    expect_error(
        &call(h, "DELETE", &path, &admin, Some(json!({"recipient": extra}))).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    expect_error(
        &call(
            h,
            "DELETE",
            &format!("/api/v1/encryption-profiles/{id}"),
            &reader,
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(profiles_stored().await, 1);
    expect(
        &call(
            h,
            "DELETE",
            &format!("/api/v1/encryption-profiles/{id}"),
            &admin,
            None,
        )
        .await,
        StatusCode::NO_CONTENT,
    );
    expect_error(
        &call(
            h,
            "GET",
            &format!("/api/v1/encryption-profiles/{id}"),
            &reader,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    for action in [
        "encryption_profile.create",
        "encryption_profile.add_recipient",
        "encryption_profile.remove_recipient",
        "encryption_profile.delete",
    ] {
        assert_eq!(audits(h, "enc-admin", action).await.len(), 1, "{action}");
    }
    let all = audit_log::Entity::find().all(&h.state.db).await.unwrap();
    assert!(!format!("{all:?}").contains(&identity));

    // The document describes every route added here.
    let doc = raw(h, "GET", "/api/v1/openapi.json", None, None).await.json();
    for (path, method) in [
        ("/api/v1/sources", "post"),
        ("/api/v1/sources/{id}", "put"),
        ("/api/v1/sources/{id}/test", "post"),
        ("/api/v1/destinations/{id}", "delete"),
        ("/api/v1/jobs", "post"),
        ("/api/v1/jobs/{id}", "delete"),
        ("/api/v1/jobs/{id}/enable", "post"),
        ("/api/v1/encryption-profiles/{id}/recipients", "delete"),
        ("/api/v1/adapter-types", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
}

/// A TCP server on loopback that answers every request with an empty 200 and keeps
/// everything it was sent.
async fn catcher() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let read = tokio::time::timeout(std::time::Duration::from_secs(2), conn.read(&mut buf)).await;
                if let Ok(Ok(n)) = read {
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
                let _ = conn
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (port, seen)
}

/// Finding 5 of docs/SECURITY.md: someone who may edit an adapter but not read its
/// secrets cannot point it at their own server and have the stored secret sent there,
/// through the console's test or save, or the REST API's edit.
async fn secrets_follow_endpoint(h: &Harness) {
    const TOKEN: &str = "gotify-App-Token-93c1d";
    const PASSWORD: &str = "pg-Password-5e2b71";
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(
            &admin,
            "editor@example.com",
            &[
                "sources:read",
                "sources:write",
                "notifications:read",
                "notifications:write",
            ],
        )
        .await;
    let r = h
        .call(
            "create_adapter",
            &[
                ("kind", "notification"),
                ("adapter_id", "gotify"),
                ("name", "ops-phone"),
                ("config[server_url]", "http://127.0.0.1:9"),
                ("config[app_token]", TOKEN),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let channel = r.json().as_i64().unwrap().to_string();
    let (port, seen) = catcher().await;
    let theirs = format!("http://127.0.0.1:{port}");
    let moved = |token: &'static str| {
        vec![
            ("kind", "notification"),
            ("adapter_id", "gotify"),
            ("id", channel.as_str()),
            ("name", "ops-phone"),
            ("config[server_url]", theirs.as_str()),
            ("config[app_token]", token),
        ]
    };

    // Console: "Send test" and save with the new server and the token left blank.
    for endpoint in ["test_adapter_form", "update_adapter"] {
        let r = h.call(endpoint, &moved(""), Some(&editor)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{endpoint}: {}", r.body);
        assert!(
            r.body
                .contains("Server URL changed: enter Application token again"),
            "{endpoint}: {}",
            r.body
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let caught = String::from_utf8_lossy(&seen.lock().unwrap()).to_string();
    assert!(
        !caught.contains(TOKEN),
        "the stored token reached the new server: {caught}"
    );
    assert_eq!(
        stored_config(h, channel.parse().unwrap()).await["server_url"],
        "http://127.0.0.1:9"
    );
    // Typed again, the change is the editor's own: the new server gets the new token.
    let r = h
        .call("update_adapter", &moved("their-own-token"), Some(&editor))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored = stored_config(h, channel.parse().unwrap()).await;
    assert_eq!(
        (stored["server_url"].as_str(), stored["app_token"].as_str()),
        (Some(theirs.as_str()), Some("their-own-token"))
    );
    // An edit that leaves the server alone keeps the token.
    let mut relabel = moved("");
    relabel.push(("config[priority]", "8"));
    let r = h.call("update_adapter", &relabel, Some(&editor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        stored_config(h, channel.parse().unwrap()).await["app_token"],
        "their-own-token"
    );

    // REST: a source's host and port are where its password goes.
    let rest = key(h, "src-editor", &["sources:read", "sources:write"]).await;
    let created = expect(
        &call(
            h,
            "POST",
            "/api/v1/sources",
            &rest,
            Some(json!({"adapter_id": "postgres", "name": "main-db", "config": {
                "host": "127.0.0.1", "port": 1, "username": "backup", "password": PASSWORD}})),
        )
        .await,
        StatusCode::CREATED,
    );
    let id = created["id"].as_i64().unwrap();
    for config in [
        json!({"host": "db.attacker.example", "port": 1, "username": "backup"}),
        json!({"host": "127.0.0.1", "port": port, "username": "backup"}),
        json!({"host": "127.0.0.1", "port": 1, "username": "backup", "tool_dir": "/tmp"}),
    ] {
        let m = expect_error(
            &call(
                h,
                "PUT",
                &format!("/api/v1/sources/{id}"),
                &rest,
                Some(json!({"config": config})),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid",
        );
        assert!(m.contains("changed: enter Password again"), "{config}: {m}");
    }
    let stored = stored_config(h, id).await;
    assert_eq!(
        (stored["host"].as_str(), stored["port"].as_i64()),
        (Some("127.0.0.1"), Some(1))
    );
    assert_eq!(stored["password"], PASSWORD);
    // The same endpoint with another user name keeps the password.
    expect(
        &call(
            h,
            "PUT",
            &format!("/api/v1/sources/{id}"),
            &rest,
            Some(json!({"config": {"host": "127.0.0.1", "port": 1, "username": "backup2"}})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(stored_config(h, id).await["password"], PASSWORD);
}

/// Finding 17 of docs/SECURITY.md: one rule for every path that takes a secret. It is
/// kept exactly as typed, surrounding spaces included; a value of only whitespace counts
/// as not entered (an edit keeps the stored secret).
async fn secret_spelling(h: &Harness) {
    const SPACED: &str = "  pass word\t ";
    let admin = h.setup_admin().await;
    let api = key(h, "spelling", &["sources:read", "sources:write"]).await;
    let pg = |name: &'static str, password: &'static str| {
        vec![
            ("kind", "source"),
            ("adapter_id", "postgres"),
            ("name", name),
            ("config[host]", "127.0.0.1"),
            ("config[port]", "5432"),
            ("config[username]", "backup"),
            ("config[password]", password),
            ("config[format]", "custom"),
            ("config[sslmode]", "disable"),
        ]
    };
    let r = h
        .call("create_adapter", &pg("console-db", SPACED), Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let console_id = r.json().as_i64().unwrap();
    let rest_config = |password: &str| {
        json!({"host": "127.0.0.1", "port": 5432, "username": "backup", "password": password,
               "format": "custom", "sslmode": "disable"})
    };
    let r = call(
        h,
        "POST",
        "/api/v1/sources",
        &api,
        Some(json!({"adapter_id": "postgres", "name": "rest-db", "config": rest_config(SPACED)})),
    )
    .await;
    let rest_id = expect(&r, StatusCode::CREATED)["id"].as_i64().unwrap();
    let issuer = std::env::var("TEST_OIDC_ISSUER").unwrap_or_else(|_| "http://127.0.0.1:58300".into());
    let sso = |secret: &'static str, id: Option<&str>| {
        let mut form = vec![
            ("slug".to_string(), "corp".to_string()),
            ("button_label".into(), "Corp SSO".into()),
            ("issuer_url".into(), issuer.clone()),
            ("client_id".into(), "backup-app".into()),
            ("client_secret".into(), secret.into()),
            ("scopes".into(), "openid email profile".into()),
            ("enabled".into(), "on".into()),
        ];
        if let Some(id) = id {
            form.push(("id".into(), id.into()));
        }
        form
    };
    let form = sso(SPACED, None);
    let r = h.call("save_sso_provider", &as_refs(&form), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sso_id = r.json()["id"].as_i64().unwrap().to_string();
    let sso_secret = || async {
        let row = entity::sso_provider::Entity::find()
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        String::from_utf8(h.state.master_key.open(&row.client_secret_encrypted).unwrap()).unwrap()
    };

    assert_eq!(
        stored_config(h, console_id).await["password"],
        SPACED,
        "console form"
    );
    assert_eq!(stored_config(h, rest_id).await["password"], SPACED, "REST");
    assert_eq!(sso_secret().await, SPACED, "SSO client secret");

    // Only whitespace: not entered, so every edit keeps what is stored.
    let mut edit = pg("console-db", " \t ");
    edit.retain(|(k, _)| *k != "adapter_id");
    let id_text = console_id.to_string();
    edit.push(("id", &id_text));
    let r = h.call("update_adapter", &edit, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = call(
        h,
        "PUT",
        &format!("/api/v1/sources/{rest_id}"),
        &api,
        Some(json!({"config": rest_config(" \t ")})),
    )
    .await;
    expect(&r, StatusCode::OK);
    let form = sso(" \t ", Some(&sso_id));
    let r = h.call("save_sso_provider", &as_refs(&form), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        stored_config(h, console_id).await["password"],
        SPACED,
        "console edit"
    );
    assert_eq!(stored_config(h, rest_id).await["password"], SPACED, "REST edit");
    assert_eq!(sso_secret().await, SPACED, "SSO edit");
    let replaced = audits(h, "spelling", "source.update").await;
    assert_eq!(replaced.len(), 1);
    assert!(
        !replaced[0].summary.contains("replaced secrets"),
        "whitespace replaced nothing: {}",
        replaced[0].summary
    );

    // A new adapter whose password is only whitespace has none.
    let r = call(
        h,
        "POST",
        "/api/v1/sources",
        &api,
        Some(json!({"adapter_id": "postgres", "name": "blank-db", "config": rest_config("   ")})),
    )
    .await;
    let blank = expect(&r, StatusCode::CREATED);
    assert_eq!(blank["secrets"]["password"], "unset", "{blank}");
    assert!(
        stored_config(h, blank["id"].as_i64().unwrap())
            .await
            .get("password")
            .is_none()
    );
}

fn as_refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
