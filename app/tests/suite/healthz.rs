//! `/healthz` answers 200 with the database up and 503 with the reason when it is not.

use crate::common;

use common::{fresh_pg_database, harness};
use http::StatusCode;
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn healthz_ok_then_unreachable_on_sqlite() {
    let h = harness(None).await;
    let r = h.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["db"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(r.location().is_none(), "no redirect to setup for health checks");

    h.state.db.clone().close().await.unwrap();
    let r = h.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = r.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["db"], "unreachable");
    assert!(!body["reason"].as_str().unwrap_or_default().is_empty(), "{body}");
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test]
async fn healthz_unreachable_when_postgres_database_vanishes() {
    let Some(url) = fresh_pg_database("health").await else {
        return;
    };
    let h = harness(Some(url.clone())).await;
    assert_eq!(h.get("/healthz", None).await.status, StatusCode::OK);

    // Drop the database under the running server (terminating its connections).
    let name = url.rsplit('/').next().unwrap().to_string();
    let admin = sea_orm::Database::connect(std::env::var("TEST_PG_URL").unwrap())
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
    let r = h.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    let body = r.json();
    assert_eq!(body["db"], "unreachable");
    assert!(!body["reason"].as_str().unwrap_or_default().is_empty());
}
