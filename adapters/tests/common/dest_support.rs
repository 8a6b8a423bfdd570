//! Helpers for the destination tests: scratch directories, test data, service settings.

use std::path::{Path, PathBuf};

/// A scratch directory removed (permissions restored first) when dropped.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("bulwark-{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create scratch dir");
        ScratchDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Deterministic, incompressible-looking bytes (xorshift64*).
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Splits `data` into chunks of varying, odd sizes, like a compressor's output.
pub fn uneven_chunks(data: &[u8]) -> Vec<bytes::Bytes> {
    let sizes = [1, 4093, 65_536, 300_007, 1_048_577, 17];
    let mut chunks = Vec::new();
    let mut offset = 0;
    for size in sizes.iter().cycle() {
        if offset >= data.len() {
            break;
        }
        let end = (offset + size).min(data.len());
        chunks.push(bytes::Bytes::copy_from_slice(&data[offset..end]));
        offset = end;
    }
    chunks
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
