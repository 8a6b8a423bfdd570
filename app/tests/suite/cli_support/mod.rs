//! Running the `bulwark` binary as a script would, for the command-line tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_bulwark");

pub fn require(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) => Some(v),
        Err(_) => {
            assert!(
                std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
                "{var} is not set but BULWARK_REQUIRE_SERVICES=1: start the test services"
            );
            eprintln!("notice: {var} unset; skipping");
            None
        }
    }
}

pub fn work(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "bulwark-cli-{tag}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn bulwark(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("BULWARK_LOG", "warn")
        .env("BULWARK_ENCRYPTION_KEY", TEST_MASTER_KEY)
        .output()
        .expect("run bulwark")
}

pub fn sh(script: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "`{script}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "bulwark failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Non-zero exit and a one-line `error:` on stderr that contains `needle`.
pub fn fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {stderr}"
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line in {stderr}"));
    assert!(
        line.to_lowercase().contains(&needle.to_lowercase()),
        "`{line}` should mention `{needle}`"
    );
}

pub fn keygen(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("key.txt");
    let out = bulwark(&["keygen", "-o", key.to_str().unwrap()]);
    ok(&out);
    let text = std::fs::read_to_string(&key).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("keygen writes the public key")
        .to_string();
    assert!(text.contains("AGE-SECRET-KEY-1"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    (key, public)
}

pub fn manifest(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("stdout is not one manifest ({e}): {stdout}"))
}

pub fn pg_base(url: &str) -> (String, String) {
    // postgres://postgres@127.0.0.1:55432/postgres → ("postgres://postgres@127.0.0.1:55432", port)
    let base = url.rsplit_once('/').unwrap().0.to_string();
    let port = base.rsplit(':').next().unwrap().to_string();
    (base, port)
}

/// The master key the command line runs with in these tests, so its manifests are
/// signed (and restores of them authenticate) as an installation's would be.
pub const TEST_MASTER_KEY: &str = "4b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
