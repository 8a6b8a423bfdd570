//! The JSON body of `POST /api/v1/jobs` and `PUT /api/v1/jobs/{id}`, turned into the
//! console's `JobInput`. `retention` has the shape `GET /api/v1/jobs/{id}` shows (the
//! stored policy), so a job read can be sent back as it is.

use crate::api::error::ApiError;
use crate::api::job_types::{CompressionKind, JobChannel, JobInput, RetentionInput};
use crate::server::job_store;
use adapters::retention::Policy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Also accepts a job as GET returns it (its other fields are ignored). PUT replaces the
/// whole job: fields left out take their defaults, as on create.
#[derive(Deserialize, ToSchema)]
pub struct JobBody {
    /// Unique; surrounding spaces are dropped.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    name: String,
    source_id: i64,
    /// Empty or absent: every database of the source.
    #[serde(default)]
    databases: Vec<String>,
    /// In priority order.
    #[serde(default)]
    #[schema(min_items = 1)]
    destinations: Vec<DestinationRef>,
    #[serde(default)]
    compression: CompressionKind,
    /// Null: the codec's default.
    #[serde(default)]
    compression_level: Option<i32>,
    /// Null: stored unencrypted.
    #[serde(default)]
    encryption_profile_id: Option<i64>,
    /// Six fields with seconds, e.g. `0 0 3 * * *`.
    #[schema(example = "0 0 3 * * *")]
    cron: String,
    /// An IANA zone, e.g. `Europe/Paris`.
    #[serde(default = "utc")]
    #[schema(default = "UTC")]
    timezone: String,
    /// Absent: keep the last 7.
    #[serde(default)]
    retention: Option<Retention>,
    /// The channels told about the job's runs, each at most once; absent: none.
    #[serde(default)]
    notifications: Vec<JobChannel>,
    #[serde(default = "yes")]
    #[schema(default = true)]
    enabled: bool,
}

/// A destination as an id, or as the `{"destination_id", "priority"}` objects the job's
/// GET shows; either way the list order is the priority order.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
enum DestinationRef {
    Id(i64),
    Linked { destination_id: i64 },
}

/// How many backups the job keeps, as stored and shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Retention {
    /// Never delete anything.
    KeepAll,
    /// Keep the newest `count` backups.
    KeepLast {
        #[schema(minimum = 1)]
        count: u32,
    },
    /// The newest backup of each of the newest `daily` days, `weekly` ISO weeks,
    /// `monthly` months and `yearly` years; at least one of them above 0.
    Gfs {
        #[serde(default)]
        daily: u32,
        #[serde(default)]
        weekly: u32,
        #[serde(default)]
        monthly: u32,
        #[serde(default)]
        yearly: u32,
    },
}

impl From<Retention> for RetentionInput {
    fn from(r: Retention) -> Self {
        let policy = match r {
            Retention::KeepAll => Policy::KeepAll,
            Retention::KeepLast { count } => Policy::KeepLast { count },
            Retention::Gfs {
                daily,
                weekly,
                monthly,
                yearly,
            } => Policy::Gfs {
                daily,
                weekly,
                monthly,
                yearly,
                keep_last: 0,
            },
        };
        job_store::policy_input(policy)
    }
}

fn utc() -> String {
    "UTC".to_string()
}

fn yes() -> bool {
    true
}

impl JobBody {
    pub fn into_input(self) -> Result<JobInput, ApiError> {
        Ok(JobInput {
            name: self.name,
            source_id: self.source_id,
            databases: self.databases,
            destinations: self
                .destinations
                .into_iter()
                .map(|d| match d {
                    DestinationRef::Id(id) | DestinationRef::Linked { destination_id: id } => id,
                })
                .collect(),
            compression: self.compression,
            compression_level: self.compression_level,
            encryption_profile_id: self.encryption_profile_id,
            cron: self.cron,
            timezone: self.timezone,
            retention: self.retention.map(RetentionInput::from).unwrap_or_default(),
            notifications: self.notifications,
            enabled: self.enabled,
        })
    }
}
