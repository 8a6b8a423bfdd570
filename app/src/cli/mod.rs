//! Command-line tools for scripts: backup, restore, verify, decrypt, keygen.
//! They use the adapters directly and need no server or database.

pub mod api_key;
pub mod backup;
pub mod decrypt;
pub mod keygen;
pub mod restore;
pub mod secrets;

use adapters::pipeline::{Progress, ProgressFn};
use std::io::IsTerminal;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// A token cancelled by Ctrl-C or SIGTERM, so a run aborts its uploads cleanly.
pub fn cancel_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        crate::signals::terminated().await;
        eprintln!("cancelling…");
        t.cancel();
    });
    token
}

/// Progress lines on stderr when it is a terminal (scripts get a clean stderr).
pub fn progress_printer(quiet: bool) -> Option<ProgressFn> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(|p: &Progress| {
        eprint!(
            "\r{:>10} {:<24} raw {:>10}  stored {:>10}  {:>10}/s   ",
            format!("{:?}", p.stage).to_lowercase(),
            p.database,
            human(p.raw_bytes),
            human(p.stored_bytes),
            human(p.throughput_bps)
        );
        if matches!(p.stage, adapters::pipeline::Stage::Done) {
            eprintln!();
        }
    }))
}

pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_sizes() {
        assert_eq!(super::human(512), "512 B");
        assert_eq!(super::human(1536), "1.5 KiB");
        assert_eq!(super::human(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
