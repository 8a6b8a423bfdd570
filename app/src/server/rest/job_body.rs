//! The JSON body of `POST /api/v1/jobs` and `PUT /api/v1/jobs/{id}`, turned into the
//! console's `JobInput`. `retention` has the shape `GET /api/v1/jobs/{id}` shows (the
//! stored policy), so a job read can be sent back as it is.

use crate::api::error::ApiError;
use crate::api::job_types::{CompressionKind, JobChannel, JobInput, RetentionInput};
use crate::server::job_store;
use adapters::retention::Policy;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub struct JobBody {
    name: String,
    source_id: i64,
    #[serde(default)]
    databases: Vec<String>,
    #[serde(default)]
    destinations: Vec<DestinationRef>,
    #[serde(default)]
    compression: CompressionKind,
    #[serde(default)]
    compression_level: Option<i32>,
    #[serde(default)]
    encryption_profile_id: Option<i64>,
    cron: String,
    #[serde(default = "utc")]
    timezone: String,
    #[serde(default)]
    retention: Option<Value>,
    /// `[{"channel_id": 3, "filter": "failure"}]`; absent: no channel.
    #[serde(default)]
    notifications: Vec<JobChannel>,
    #[serde(default = "yes")]
    enabled: bool,
}

/// A destination as an id, or as the `{"destination_id", "priority"}` objects the job's
/// GET shows; either way the list order is the priority order.
#[derive(Deserialize)]
#[serde(untagged)]
enum DestinationRef {
    Id(i64),
    Linked { destination_id: i64 },
}

fn utc() -> String {
    "UTC".to_string()
}

fn yes() -> bool {
    true
}

fn retention(value: Option<Value>) -> Result<RetentionInput, ApiError> {
    let Some(value) = value else {
        return Ok(RetentionInput::default());
    };
    let policy: Policy =
        serde_json::from_value(value.clone()).map_err(|e| ApiError::invalid(format!("Retention: {e}.")))?;
    if let Policy::Gfs { keep_last, .. } = policy
        && keep_last != 0
    {
        return Err(ApiError::invalid(
            "Retention: keep_last cannot be combined with a GFS policy.",
        ));
    }
    Ok(job_store::retention_input(&value))
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
            retention: retention(self.retention)?,
            notifications: self.notifications,
            enabled: self.enabled,
        })
    }
}
