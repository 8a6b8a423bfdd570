//! A job as the REST API shows it: its settings in the shape `POST /api/v1/jobs` takes,
//! with its id, destinations' priorities and times.

use super::job_body::Retention;
use crate::api::job_types::JobChannel;
use crate::server::job_store;
use crate::server::job_store::stored::StoredJob;
use chrono::{DateTime, Utc};
use entity::enums::Compression;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Job {
    id: i64,
    name: String,
    description: Option<String>,
    cron: String,
    timezone: String,
    enabled: bool,
    compression: Compression,
    compression_level: Option<i32>,
    #[schema(value_type = Retention)]
    retention: Value,
    source_id: i64,
    /// Empty: every database of the source.
    #[schema(value_type = Vec<String>)]
    databases: Value,
    /// Absent: stored unencrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_profile_id: Option<i64>,
    /// In priority order (1 first).
    destinations: Vec<JobDestination>,
    notifications: Vec<JobChannel>,
    last_run_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct JobDestination {
    destination_id: i64,
    priority: i32,
}

#[derive(Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<Job>,
}

#[derive(Serialize, ToSchema)]
pub struct RunQueued {
    /// Poll `/api/v1/executions/{execution_id}`.
    pub execution_id: i64,
}

impl From<&StoredJob> for Job {
    fn from(stored: &StoredJob) -> Self {
        let j = &stored.job;
        Job {
            id: j.id,
            name: j.name.clone(),
            description: j.description.clone(),
            cron: j.cron.clone(),
            timezone: j.timezone.clone(),
            enabled: j.enabled,
            compression: j.compression,
            compression_level: j.compression_level,
            retention: j.retention.clone(),
            source_id: j.source_id,
            databases: j.databases.clone(),
            encryption_profile_id: j.encryption_profile_id,
            destinations: stored
                .destinations
                .iter()
                .map(|d| JobDestination {
                    destination_id: d.destination_id,
                    priority: d.priority,
                })
                .collect(),
            notifications: job_store::notifications::from_rows(stored.notifications.iter().cloned()),
            last_run_at: j.last_run_at,
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}
