//! Progress events: which stage, how many bytes, how fast.

use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Dumping,
    Committing,
    Checksum,
    Restoring,
    Verifying,
    Done,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub database: String,
    /// Bytes produced by the dump tool (or, restoring, fed to it).
    pub raw_bytes: u64,
    /// Bytes written to (or read from) storage.
    pub stored_bytes: u64,
    pub elapsed_ms: u64,
    /// Raw bytes per second since the stage began.
    pub throughput_bps: u64,
}

pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Emits at most one event per interval, plus stage changes.
pub struct Reporter {
    sink: Option<ProgressFn>,
    database: String,
    started: Instant,
    last: Option<Instant>,
    every: Duration,
}

impl Reporter {
    pub fn new(sink: Option<ProgressFn>, database: &str) -> Self {
        Reporter {
            sink,
            database: database.to_string(),
            started: Instant::now(),
            last: None,
            every: Duration::from_millis(500),
        }
    }

    pub fn tick(&mut self, stage: Stage, raw: u64, stored: u64) {
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < self.every) {
            return;
        }
        self.emit(stage, raw, stored);
    }

    pub fn emit(&mut self, stage: Stage, raw: u64, stored: u64) {
        let Some(sink) = &self.sink else { return };
        let now = Instant::now();
        self.last = Some(now);
        let elapsed = now - self.started;
        let throughput = if elapsed.as_millis() > 0 {
            (raw as u128 * 1000 / elapsed.as_millis()) as u64
        } else {
            0
        };
        sink(&Progress {
            stage,
            database: self.database.clone(),
            raw_bytes: raw,
            stored_bytes: stored,
            elapsed_ms: elapsed.as_millis() as u64,
            throughput_bps: throughput,
        });
    }
}
