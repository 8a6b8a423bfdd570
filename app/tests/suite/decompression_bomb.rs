//! Finding 11 of docs/SECURITY.md: a small planted object that decompresses to far more
//! than its manifest records (a zstd bomb) is stopped at the recorded size, by verify and
//! by restore, even when the backup is trusted explicitly; a refused restore leaves no
//! file behind.

use crate::cli_support;
use crate::planted_fixture;

use cli_support::*;
use planted_fixture::plant_stored;

/// What the bomb expands to: far beyond the manifest's claim, small once compressed.
const EXPANDS_TO: u64 = 256 << 20;
const CLAIMED: u64 = 4096;

#[test]
fn a_planted_zstd_bomb_is_stopped_at_the_manifests_size() {
    let dir = work("bomb");
    let dest = dir.join("backups");
    let bomb = dir.join("bomb.zst");
    sh(&format!(
        "head -c {EXPANDS_TO} /dev/zero | zstd -q -19 -o {}",
        bomb.display()
    ));
    let stored = std::fs::read(&bomb).unwrap();
    assert!(stored.len() < 64 << 10, "the bomb is small: {}", stored.len());
    let object = plant_stored(&dest, "sqlite", "sqlite", &stored, "zstd", CLAIMED);
    let from = format!("file://{}", object.display());

    fails_with(
        &bulwark(&["verify", "--from", &from, "--trust-unsigned", "-q"]),
        "decompresses to more bytes than its manifest records",
    );

    let restored = dir.join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    let target = restored.join("app.db");
    fails_with(
        &bulwark(&[
            "restore",
            "--from",
            &from,
            "--to",
            &format!("sqlite://{}", target.display()),
            "--trust-unsigned",
            "-q",
        ]),
        "decompresses to more bytes than its manifest records",
    );
    let left: Vec<_> = std::fs::read_dir(&restored).unwrap().collect();
    assert!(left.is_empty(), "a refused restore leaves nothing: {left:?}");
    std::fs::remove_dir_all(dir).ok();
}
