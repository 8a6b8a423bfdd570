//! Putting executions in the queue, and taking pending ones out of it by cancelling.

use super::{CancelOutcome, EngineError};
use chrono::{DateTime, SubsecRound, Utc};
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger};
use entity::execution::{self, Column};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde_json::json;

/// Inserts a Pending backup of `job_id` and returns its id. With `scheduled_for` (a cron
/// tick, truncated to the second so every instance names it alike) at most one execution
/// exists per job and tick: when another instance already queued it, that one's id is
/// returned.
pub async fn enqueue(
    db: &DatabaseConnection,
    job_id: i64,
    trigger: ExecutionTrigger,
    triggered_by_user_id: Option<i64>,
    scheduled_for: Option<DateTime<Utc>>,
) -> Result<i64, EngineError> {
    let scheduled_for = scheduled_for.map(|t| t.trunc_subsecs(0));
    let row = execution::ActiveModel {
        job_id: Set(Some(job_id)),
        kind: Set(ExecutionKind::Backup),
        status: Set(ExecutionStatus::Pending),
        trigger: Set(trigger),
        triggered_by_user_id: Set(triggered_by_user_id),
        created_at: Set(Utc::now()),
        destination_results: Set(json!([])),
        metadata: Set(json!({})),
        cancel_requested: Set(false),
        scheduled_for: Set(scheduled_for),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(m) => Ok(m.id),
        Err(e) => match (e.sql_err(), scheduled_for) {
            (Some(SqlErr::UniqueConstraintViolation(_)), Some(at)) => {
                let existing = execution::Entity::find()
                    .filter(Column::JobId.eq(job_id))
                    .filter(Column::ScheduledFor.eq(at))
                    .one(db)
                    .await?;
                tracing::debug!(job = job_id, %at, "another instance already queued this tick");
                existing.map(|m| m.id).ok_or(EngineError::Db(e))
            }
            (Some(SqlErr::ForeignKeyConstraintViolation(_)), _) => {
                Err(EngineError::NotFound(format!("job #{job_id} does not exist")))
            }
            _ => Err(e.into()),
        },
    }
}

pub(crate) async fn request_cancel(
    db: &DatabaseConnection,
    execution_id: i64,
) -> Result<CancelOutcome, EngineError> {
    let now = Utc::now();
    let pending = execution::Entity::update_many()
        .set(execution::ActiveModel {
            status: Set(ExecutionStatus::Cancelled),
            cancel_requested: Set(true),
            finished_at: Set(Some(now)),
            error: Set(Some("cancelled before it started".into())),
            ..Default::default()
        })
        .filter(Column::Id.eq(execution_id))
        .filter(Column::Status.eq(ExecutionStatus::Pending))
        .exec(db)
        .await?;
    if pending.rows_affected == 1 {
        return Ok(CancelOutcome::CancelledPending);
    }
    let running = execution::Entity::update_many()
        .set(execution::ActiveModel {
            cancel_requested: Set(true),
            ..Default::default()
        })
        .filter(Column::Id.eq(execution_id))
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .exec(db)
        .await?;
    if running.rows_affected == 1 {
        return Ok(CancelOutcome::Requested);
    }
    match execution::Entity::find_by_id(execution_id).one(db).await? {
        Some(_) => Ok(CancelOutcome::AlreadyFinished),
        None => Err(EngineError::NotFound(format!(
            "execution #{execution_id} does not exist"
        ))),
    }
}

/// Turns a conditional update's row count into "did we win".
pub(crate) fn won(result: Result<sea_orm::UpdateResult, DbErr>) -> Result<bool, DbErr> {
    result.map(|r| r.rows_affected == 1)
}
