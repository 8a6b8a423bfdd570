//! What the browser knows about executions: list rows, the detail view, log lines and
//! the live events the detail page receives over server-sent events.

use serde::{Deserialize, Serialize};

/// Rows per page of the executions list.
pub const PAGE_SIZE: u64 = 50;

pub const STATUSES: &[&str] = &[
    "pending",
    "running",
    "success",
    "partial",
    "failed",
    "cancelled",
    "skipped",
];
pub const KINDS: &[&str] = &["backup", "restore", "verify"];

/// The list's filters; every field is optional. Dates are `YYYY-MM-DD` (UTC, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionFilter {
    #[serde(default)]
    pub job_id: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Keyset pagination: only rows with a smaller id (the last id of the previous page).
    #[serde(default)]
    pub before: Option<i64>,
}

impl ExecutionFilter {
    /// The query string of this filter (without `before`), for links.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(j) = self.job_id {
            q.push(("job_id", j.to_string()));
        }
        for (name, value) in [
            ("status", &self.status),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = value {
                q.push((name, v.clone()));
            }
        }
        q
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionRow {
    pub id: i64,
    pub job_id: Option<i64>,
    pub job_name: Option<String>,
    pub kind: String,
    pub status: String,
    pub trigger: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub raw_bytes: Option<i64>,
    pub stored_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionPage {
    pub rows: Vec<ExecutionRow>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
    /// Every job, for the filter's choices.
    pub jobs: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestinationResult {
    pub database: String,
    pub destination: String,
    pub ok: bool,
    pub object: Option<String>,
    pub size: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: i32,
    /// RFC 3339, UTC.
    pub at: String,
    pub level: String,
    pub stage: String,
    pub message: String,
}

/// Progress of a running pipeline; mirrors `adapters::pipeline::Progress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    pub stage: String,
    #[serde(default)]
    pub database: String,
    pub raw_bytes: u64,
    pub stored_bytes: u64,
    #[serde(default)]
    pub elapsed_ms: u64,
    pub throughput_bps: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionDetail {
    pub row: ExecutionRow,
    pub checksum_sha256: Option<String>,
    pub error: Option<String>,
    pub destinations: Vec<DestinationResult>,
    pub log: Vec<LogLine>,
    /// The latest progress, when this server runs it.
    pub progress: Option<ProgressView>,
    /// Whether the viewer may cancel (and it can still be cancelled).
    pub can_cancel: bool,
}

/// One server-sent event of the live view; the `type` tag matches `engine::Event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Progress {
        progress: ProgressView,
    },
    Log {
        seq: i32,
        at: String,
        level: String,
        stage: String,
        message: String,
    },
    Status {
        status: String,
    },
    /// The last event of a stream whose session no longer allows it (signed out,
    /// expired, disabled or without executions:read).
    Ended {
        reason: String,
    },
}

pub fn is_finished(status: &str) -> bool {
    !matches!(status, "pending" | "running")
}

/// `1.5 MB`, `320 B`: decimal units, one decimal place.
pub fn human_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
pub fn human_duration(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {:02} s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// `2026-11-22 12:45:03` from an RFC 3339 time (UTC).
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..19).unwrap_or(rfc3339).replace('T', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(human_bytes(320), "320 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(human_duration(850), "850 ms");
        assert_eq!(human_duration(12_345), "12.3 s");
        assert_eq!(human_duration(245_000), "4 min 05 s");
        assert_eq!(short_time("2026-11-22T12:45:03.123+00:00"), "2026-11-22 12:45:03");
    }

    #[test]
    fn live_events_parse_the_engine_format() {
        let e: LiveEvent = serde_json::from_str(
            r#"{"type":"progress","execution_id":3,"progress":{"stage":"dumping","database":"main","raw_bytes":10,"stored_bytes":4,"elapsed_ms":5,"throughput_bps":2000}}"#,
        )
        .unwrap();
        assert!(matches!(e, LiveEvent::Progress { progress } if progress.stage == "dumping"));
        let e: LiveEvent =
            serde_json::from_str(r#"{"type":"status","execution_id":3,"status":"success"}"#).unwrap();
        assert_eq!(
            e,
            LiveEvent::Status {
                status: "success".into()
            }
        );
    }
}
