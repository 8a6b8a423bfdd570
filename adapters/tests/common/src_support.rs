//! What the source suite needs from each database: fixtures, snapshots, broken sources.

use adapters::{AdapterError, Source};
use async_trait::async_trait;
use std::process::Stdio;

/// One database server (or directory of SQLite files) under test.
#[async_trait]
pub trait Backend: Send + Sync {
    /// A source able to dump `database` and restore into names next to it.
    fn source(&self, database: &str) -> Box<dyn Source>;
    /// Whether one source holds several databases (`list_databases`).
    fn many_databases(&self) -> bool;
    /// Creates `database` with the fixture tables and `rows` rows of people.
    async fn create(&self, database: &str, rows: usize);
    /// Every row of every fixture table, as text, in a stable order.
    async fn snapshot(&self, database: &str) -> String;
    /// Drops test databases; blocking, so a guard can call it while unwinding.
    fn drop_databases(&self, databases: &[String]);
    /// A source with wrong credentials, where the backend has credentials.
    fn wrong_credentials(&self) -> Option<Box<dyn Source>>;
    /// A source pointing at a closed port, where the backend has a network.
    fn unreachable(&self) -> Option<Box<dyn Source>>;
    /// A source whose dump tool does not exist, where the backend runs a tool.
    fn missing_tool(&self) -> Option<Box<dyn Source>>;
    /// How many dumps of `database` are still in flight (tool processes or temp copies).
    fn dumps_in_flight(&self, database: &str) -> usize;
    /// Whether `error` is the expected failure of restoring a truncated dump.
    fn is_truncation_error(&self, error: &AdapterError) -> bool;
}

/// A test service's setting from the environment. Without it the test is skipped with a
/// notice, or fails when `BULWARK_REQUIRE_SERVICES=1` (CI).
pub fn service_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("{name} is not set and BULWARK_REQUIRE_SERVICES=1; start the test services first")
        }
        _ => {
            eprintln!("notice: {name} is not set; skipping (see scripts/test-services/start.sh)");
            None
        }
    }
}

/// A database name unique to this run.
pub fn unique_name(purpose: &str) -> String {
    format!(
        "bw_src_{}_{purpose}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// Runs a client command with `input` on stdin and returns its stdout; panics on failure.
pub async fn run(mut command: tokio::process::Command, input: &str) -> String {
    use tokio::io::AsyncWriteExt;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting a client");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = tokio::spawn(async move {
        stdin.write_all(input.as_bytes()).await.unwrap();
    });
    let out = child.wait_with_output().await.unwrap();
    writer.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("client output is UTF-8")
}

/// Live (not zombie) processes named `comm` whose command line mentions `needle`.
pub fn live_processes(comm: &str, needle: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let read = |f: &str| std::fs::read(format!("/proc/{pid}/{f}")).unwrap_or_default();
            let stat = String::from_utf8_lossy(&read("stat")).into_owned();
            let state = stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next());
            String::from_utf8_lossy(&read("comm")).trim() == comm
                && state.is_some_and(|s| s != 'Z' && s != 'X')
                && String::from_utf8_lossy(&read("cmdline")).contains(needle)
        })
        .collect()
}
