//! Restores and verifies of a stored backup, queued like backups: an execution of kind
//! `restore` or `verify` whose metadata carries what to read and where to put it.

use super::EngineError;
use chrono::Utc;
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger};
use entity::execution;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRequest {
    pub destination_id: i64,
    /// The backup object's key in that destination.
    pub object: String,
    /// Restore only: the source to restore into, and the database name there.
    #[serde(default)]
    pub target: Option<RestoreTarget>,
    /// Read it even though this installation did not sign its manifest.
    #[serde(default)]
    pub trust_unsigned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreTarget {
    pub source_id: i64,
    pub database: String,
    /// The caller confirmed that what the target holds is to be replaced.
    #[serde(default)]
    pub replace: bool,
}

impl ReadRequest {
    pub fn kind(&self) -> ExecutionKind {
        if self.target.is_some() {
            ExecutionKind::Restore
        } else {
            ExecutionKind::Verify
        }
    }

    /// The request as stored in an execution's metadata.
    pub fn from_metadata(metadata: &Value) -> Option<Self> {
        serde_json::from_value(metadata.get("request")?.clone()).ok()
    }
}

/// Inserts a Pending restore or verify. `job_id` links it to the job that made the
/// backup (when that job still exists) so it shows in the job's history.
pub async fn enqueue(
    db: &DatabaseConnection,
    request: &ReadRequest,
    job_id: Option<i64>,
    trigger: ExecutionTrigger,
    triggered_by_user_id: Option<i64>,
) -> Result<i64, EngineError> {
    if request.object.trim().is_empty() {
        return Err(EngineError::Invalid("no backup object was named".into()));
    }
    if let Some(t) = &request.target
        && t.database.trim().is_empty()
    {
        return Err(EngineError::Invalid("name the database to restore into".into()));
    }
    let row = execution::ActiveModel {
        job_id: Set(job_id),
        kind: Set(request.kind()),
        status: Set(ExecutionStatus::Pending),
        trigger: Set(trigger),
        triggered_by_user_id: Set(triggered_by_user_id),
        created_at: Set(Utc::now()),
        destination_results: Set(json!([])),
        metadata: Set(json!({ "request": request })),
        cancel_requested: Set(false),
        ..Default::default()
    };
    Ok(row.insert(db).await?.id)
}
