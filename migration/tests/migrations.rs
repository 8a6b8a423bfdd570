//! Runs the migrations and a CRUD smoke test against SQLite and PostgreSQL.
//!
//! PostgreSQL comes from `TEST_PG_URL` (a server URL; the test creates and
//! drops its own database there). Without it the test is skipped, unless
//! `BULWARK_REQUIRE_SERVICES=1`, which makes it fail instead.

mod smoke;

use std::panic;
use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

#[tokio::test]
async fn sqlite_file() {
    let path = std::env::temp_dir().join(format!("bulwark-migration-{}.db", unique_suffix()));
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    options
        .map_sqlx_sqlite_opts(|sqlite| sqlite.foreign_keys(true))
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .expect("open the SQLite test file");

    let outcome = run_smoke_test(db).await;

    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Err(panic) = outcome {
        panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn postgres() {
    let Some(server_url) = std::env::var("TEST_PG_URL").ok().filter(|url| !url.is_empty()) else {
        assert!(
            std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "BULWARK_REQUIRE_SERVICES=1 but TEST_PG_URL is not set: point it at a PostgreSQL \
             server, e.g. TEST_PG_URL=postgres://postgres@127.0.0.1:55432/postgres"
        );
        eprintln!("notice: TEST_PG_URL is not set, skipping the PostgreSQL migration test");
        return;
    };

    let server = Database::connect(server_url.as_str())
        .await
        .expect("connect to TEST_PG_URL");
    let database = format!("bulwark_test_{}", unique_suffix());
    server
        .execute_unprepared(&format!(r#"CREATE DATABASE "{database}""#))
        .await
        .expect("create the test database");
    let db = Database::connect(with_database(&server_url, &database))
        .await
        .expect("connect to the test database");

    let outcome = run_smoke_test(db).await;

    // FORCE: a panicking test may leave pooled connections behind.
    server
        .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{database}" WITH (FORCE)"#))
        .await
        .expect("drop the test database");
    if let Err(panic) = outcome {
        panic::resume_unwind(panic);
    }
}

/// Runs the shared test body on its own task so that a failed assertion
/// still lets the caller clean up before re-raising it.
async fn run_smoke_test(db: DatabaseConnection) -> std::thread::Result<()> {
    tokio::spawn(async move {
        smoke::run(&db).await;
        db.close().await.expect("close the connection");
    })
    .await
    .map_err(|error| error.into_panic())
}

fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("{}_{nanos}", std::process::id())
}

/// `url` with its database (the path) replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |scheme_end| scheme_end + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |slash| authority + slash);
    let mut result = format!("{}/{database}", &base[..path]);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

#[test]
fn with_database_replaces_only_the_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:55432/postgres", "x"),
        "postgres://postgres@127.0.0.1:55432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@host?sslmode=disable", "x"),
        "postgres://u:p@host/x?sslmode=disable"
    );
}
