//! One behaviour suite, run against every source: PostgreSQL (`TEST_PG_URL`, custom and
//! plain formats), MariaDB (`TEST_MARIADB_URL`) and SQLite files.

use crate::src_mariadb;
use crate::src_pg;
use crate::src_sqlite;
use crate::src_support;

use adapters::process::Tool;
use adapters::{AdapterError, ByteStream, Source};
use src_support::{Backend, service_env, unique_name};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// Enough rows that a dump outgrows every pipe buffer on the way.
const BIG_ROWS: usize = 200_000;
const ROWS: usize = 3_000;

/// Drops the test databases even when an assertion fails halfway.
struct Cleanup<'a> {
    backend: &'a dyn Backend,
    databases: Vec<String>,
}

impl Cleanup<'_> {
    fn name(&mut self, purpose: &str) -> String {
        let name = unique_name(purpose);
        self.databases.push(name.clone());
        name
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        self.backend.drop_databases(&self.databases);
    }
}

async fn read_all(stream: ByteStream) -> Result<Vec<u8>, AdapterError> {
    let mut out = Vec::new();
    let mut stream = stream;
    stream
        .read_to_end(&mut out)
        .await
        .map_err(|e| AdapterError::io("dump", e))?;
    Ok(out)
}

async fn dump(source: &dyn Source, database: &str) -> Result<Vec<u8>, AdapterError> {
    read_all(source.dump(database).await?).await
}

fn stream_of(bytes: Vec<u8>) -> ByteStream {
    Box::pin(std::io::Cursor::new(bytes))
}

/// Dump, restore under a new name, compare every row.
async fn round_trip(backend: &dyn Backend, cleanup: &mut Cleanup<'_>) -> Vec<u8> {
    let original = cleanup.name("orig");
    let copy = cleanup.name("copy");
    backend.create(&original, ROWS).await;
    let source = backend.source(&original);

    let bytes = dump(source.as_ref(), &original).await.expect("dump");
    assert!(bytes.len() > 10_000, "a {}-byte dump is too small", bytes.len());
    source
        .restore(&copy, stream_of(bytes.clone()), false)
        .await
        .expect("restore into a new name");

    let (before, after) = (backend.snapshot(&original).await, backend.snapshot(&copy).await);
    assert!(before.lines().count() > ROWS, "the snapshot covers every row");
    assert!(before.contains("ünïcødé ✓ 🎉"), "the fixture has unicode");
    assert!(before == after, "the restored copy differs from the original");
    bytes
}

async fn suite(backend: &dyn Backend) {
    let mut cleanup = Cleanup {
        backend,
        databases: Vec::new(),
    };

    let bytes = round_trip(backend, &mut cleanup).await;
    let original = cleanup.databases[0].clone();
    let source = backend.source(&original);
    source.test_connection().await.expect("test_connection");
    assert!(!source.server_version().await.unwrap().is_empty());
    let tools = source.tool_versions().await.unwrap();
    assert!(
        tools.iter().all(|t| t.chars().any(|c| c.is_ascii_digit())),
        "{tools:?}"
    );

    // Several databases.
    let listed = source.list_databases().await.unwrap();
    assert!(listed.contains(&original), "{listed:?} lacks {original}");
    if backend.many_databases() {
        let copy = &cleanup.databases[1];
        assert!(listed.contains(copy), "{listed:?} lacks {copy}");
        assert!(
            !listed
                .iter()
                .any(|d| d == "information_schema" || d == "template0"),
            "{listed:?}"
        );
    } else {
        assert_eq!(listed.len(), 1);
    }

    // A database that does not exist never yields a good dump.
    match dump(source.as_ref(), "bw_src_no_such_database").await {
        Ok(bytes) => panic!(
            "dumping a missing database gave {} bytes and no error",
            bytes.len()
        ),
        Err(e) => assert!(
            matches!(e, AdapterError::NotFound(_) | AdapterError::ToolFailed { .. }),
            "{e:?}"
        ),
    }

    if let Some(wrong) = backend.wrong_credentials() {
        let e = wrong.test_connection().await.unwrap_err();
        assert!(matches!(e, AdapterError::AuthenticationFailed(_)), "{e:?}");
        let e = dump(wrong.as_ref(), &original).await.unwrap_err();
        assert!(matches!(e, AdapterError::AuthenticationFailed(_)), "{e:?}");
    }
    if let Some(unreachable) = backend.unreachable() {
        let e = unreachable.test_connection().await.unwrap_err();
        assert!(matches!(e, AdapterError::HostUnreachable(_)), "{e:?}");
        let e = dump(unreachable.as_ref(), &original).await.unwrap_err();
        assert!(matches!(e, AdapterError::HostUnreachable(_)), "{e:?}");
    }
    if let Some(missing) = backend.missing_tool() {
        let e = dump(missing.as_ref(), &original).await.unwrap_err();
        assert!(matches!(e, AdapterError::ToolMissing { .. }), "{e:?}");
    }

    // A truncated dump fails to restore and leaves an existing target as it was.
    let restored = cleanup.databases[1].clone();
    let truncated = bytes[..bytes.len() / 2].to_vec();
    let before = backend.snapshot(&restored).await;
    let target = if backend.many_databases() {
        cleanup.name("trunc")
    } else {
        restored.clone()
    };
    let e = source
        .restore(&target, stream_of(truncated), false)
        .await
        .unwrap_err();
    assert!(backend.is_truncation_error(&e), "{e:?}");
    assert!(backend.snapshot(&restored).await == before);
    let e = source
        .restore(&target, stream_of(b"not a dump at all".to_vec()), false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, AdapterError::ToolFailed { .. } | AdapterError::Corrupt(_)),
        "{e:?}"
    );

    cancel_mid_stream(backend, &mut cleanup).await;
}

/// Dropping a dump stream after a few KB stops the dump tool (or removes the temp copy).
async fn cancel_mid_stream(backend: &dyn Backend, cleanup: &mut Cleanup<'_>) {
    let big = cleanup.name("big");
    backend.create(&big, BIG_ROWS).await;
    let source = backend.source(&big);
    let mut stream = source.dump(&big).await.unwrap();
    let mut first = vec![0u8; 8192];
    stream.read_exact(&mut first).await.unwrap();
    assert_eq!(
        backend.dumps_in_flight(&big),
        1,
        "the dump is running while the stream is open"
    );
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(10);
    while backend.dumps_in_flight(&big) > 0 {
        assert!(Instant::now() < deadline, "the dump outlived its stream");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_custom_format() {
    let Some(url) = service_env("TEST_PG_URL") else {
        return;
    };
    let backend = src_pg::Pg::new(&url, "");
    suite(&backend).await;
    assert!(backend.source("x").dump_globals().await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_plain_format_with_globals() {
    let Some(url) = service_env("TEST_PG_URL") else {
        return;
    };
    let backend = src_pg::Pg::new(&url, "format=plain&include_globals=true");
    let mut cleanup = Cleanup {
        backend: &backend,
        databases: Vec::new(),
    };
    let bytes = round_trip(&backend, &mut cleanup).await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        !text.contains("CREATE DATABASE"),
        "a plain dump restores into any name"
    );
    let source = backend.source("x");
    assert_eq!(source.extension(), "sql");
    let globals = read_all(source.dump_globals().await.unwrap().expect("globals"))
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&globals).contains("CREATE ROLE"));
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb() {
    let Some(url) = service_env("TEST_MARIADB_URL") else {
        return;
    };
    suite(&src_mariadb::Mariadb::new(&url)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite() {
    suite(&src_sqlite::Sqlite::new()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_dumps_a_live_database() {
    let backend = src_sqlite::Sqlite::new();
    let name = unique_name("live");
    backend.create(&name, ROWS).await;
    // A writer holds the database open in WAL mode with uncheckpointed changes.
    let mut writer = src_sqlite::Sqlite::connect(&backend.path(&name), false).await;
    sqlx::query("UPDATE people SET note = 'changed' WHERE id = 1")
        .execute(&mut writer)
        .await
        .unwrap();
    let bytes = dump(backend.source(&name).as_ref(), &name).await.unwrap();
    let copy = unique_name("livecopy");
    backend
        .source(&name)
        .restore(&copy, stream_of(bytes), false)
        .await
        .unwrap();
    let restored = backend.snapshot(&copy).await;
    assert!(
        restored.contains("'changed'"),
        "the copy includes changes still in the WAL"
    );
    assert!(restored == backend.snapshot(&name).await);
    drop(writer);
}

#[tokio::test]
async fn a_tool_failing_after_output_fails_the_stream() {
    let tool = Tool::new("sh", "sh").args(["-c", "echo partial; echo 'x: error: boom' >&2; exit 3"]);
    let mut stream = tool.stream().unwrap();
    let mut out = Vec::new();
    let e = stream.read_to_end(&mut out).await.unwrap_err();
    assert_eq!(out, b"partial\n");
    match AdapterError::io("stream", e) {
        AdapterError::ToolFailed {
            tool,
            code,
            stderr_tail,
        } => {
            assert_eq!((tool.as_str(), code), ("sh", 3));
            assert!(stderr_tail.contains("boom"), "{stderr_tail}");
        }
        other => panic!("expected ToolFailed, got {other:?}"),
    }
}
