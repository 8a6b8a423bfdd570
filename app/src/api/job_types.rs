//! What the browser knows about jobs: the form's input, the list's rows, and the
//! schedule and retention previews. Mirrors of the entity enums, since the browser
//! build has no `entity` crate.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CompressionKind {
    #[default]
    Zstd,
    Gzip,
    Brotli,
    None,
}

impl CompressionKind {
    pub const ALL: [CompressionKind; 4] = [Self::Zstd, Self::Gzip, Self::Brotli, Self::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zstd => "zstd",
            Self::Gzip => "gzip",
            Self::Brotli => "brotli",
            Self::None => "none",
        }
    }

    pub fn parse(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
            .unwrap_or_default()
    }

    /// The accepted levels, for the form's hint.
    pub fn levels(self) -> &'static str {
        match self {
            Self::Zstd => "1–19 (default 3)",
            Self::Gzip => "1–9 (default 6)",
            Self::Brotli => "0–11 (default 5)",
            Self::None => "no level",
        }
    }
}

/// Which outcomes of the job a subscribed channel hears about. Not subscribing is
/// "off": there is no "never" filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum NotifyFilter {
    Always,
    #[default]
    Failure,
    Success,
}

impl NotifyFilter {
    pub const ALL: [NotifyFilter; 3] = [Self::Always, Self::Failure, Self::Success];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Failure => "failure",
            Self::Success => "success",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Always => "Every run",
            Self::Failure => "Failures only",
            Self::Success => "Successes only",
        }
    }

    /// `None` for anything else, e.g. the form's "off".
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// One notification channel subscribed to the job's outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobChannel {
    /// A notification channel's id.
    pub channel_id: i64,
    pub filter: NotifyFilter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionKind {
    KeepAll,
    #[default]
    KeepLast,
    Gfs,
}

/// The retention policy as the form edits it; the server turns it into
/// `adapters::retention::Policy` and validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionInput {
    pub kind: RetentionKind,
    #[serde(default)]
    pub keep_last: u32,
    #[serde(default)]
    pub daily: u32,
    #[serde(default)]
    pub weekly: u32,
    #[serde(default)]
    pub monthly: u32,
    #[serde(default)]
    pub yearly: u32,
}

impl Default for RetentionInput {
    fn default() -> Self {
        RetentionInput {
            kind: RetentionKind::KeepLast,
            keep_last: 7,
            daily: 7,
            weekly: 4,
            monthly: 12,
            yearly: 0,
        }
    }
}

/// Everything a job's form sends. Destinations are in priority order (first = 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobInput {
    pub name: String,
    pub source_id: i64,
    /// Empty: every database of the source.
    #[serde(default)]
    pub databases: Vec<String>,
    #[serde(default)]
    pub destinations: Vec<i64>,
    #[serde(default)]
    pub compression: CompressionKind,
    /// `None`: the codec's default level.
    #[serde(default)]
    pub compression_level: Option<i32>,
    /// `None`: the backups are stored unencrypted.
    #[serde(default)]
    pub encryption_profile_id: Option<i64>,
    pub cron: String,
    pub timezone: String,
    pub retention: RetentionInput,
    /// The channels told about the job's runs; each channel at most once.
    #[serde(default)]
    pub notifications: Vec<JobChannel>,
    #[serde(default)]
    pub enabled: bool,
}

/// A named thing the job form can pick (a source, a destination, a profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// The adapter's label ("SQLite", "Local directory"), or empty.
    pub detail: String,
}

/// The lists the job form picks from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFormChoices {
    pub sources: Vec<Choice>,
    pub destinations: Vec<Choice>,
    pub encryption_profiles: Vec<Choice>,
    /// Notification channels: names and adapter labels only, never their settings.
    #[serde(default)]
    pub channels: Vec<Choice>,
}

/// The latest execution of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub execution_id: i64,
    /// `pending`, `running`, `success`, `failed`, …
    pub status: String,
    pub at: String,
}

/// A job as the list shows it, with what its edit form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: i64,
    pub input: JobInput,
    pub source_name: String,
    /// Destination names in priority order.
    pub destination_names: Vec<String>,
    pub encryption_name: Option<String>,
    /// The names of `input.notifications`' channels, in the same order.
    pub channel_names: Vec<String>,
    /// The schedule in words, or why it cannot be read.
    pub schedule_text: String,
    pub next_run: Option<String>,
    pub retention_summary: String,
    pub last_run: Option<LastRun>,
}

/// One upcoming run, in the job's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunTime {
    /// RFC 3339 with the zone's offset, e.g. `2026-10-25T02:00:00+01:00`.
    pub rfc3339: String,
    /// For people: `Sun 2026-10-25 02:00:00 CET`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchedulePreview {
    pub description: String,
    pub next: Vec<RunTime>,
}

/// One backup already in the destination, and what the policy would do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RetentionItem {
    pub object: String,
    pub keep: bool,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RetentionReport {
    pub destination: String,
    /// Why the destination could not be read, when it could not.
    pub unreadable: Option<String>,
    pub items: Vec<RetentionItem>,
}
