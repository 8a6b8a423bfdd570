//! Claiming the next pending execution: FIFO, within `max_concurrent_jobs` across every
//! instance, never two runs of one job at once. On PostgreSQL the whole decision runs
//! under a transaction-scoped advisory lock, so instances take turns; SQLite serves one
//! process, where the engine's claim mutex does the same. The final conditional update
//! (`WHERE status = 'pending'`) would stop a double claim even without either.

use super::{DEFAULT_MAX_CONCURRENT, MAX_CONCURRENT_SETTING};
use chrono::Utc;
use entity::enums::{ExecutionKind, ExecutionStatus};
use entity::execution::{self, Column};
use entity::setting;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

/// An arbitrary constant naming Bulwark's claim lock among PostgreSQL advisory locks.
const CLAIM_LOCK_KEY: i64 = 0x42_75_6c_77_61_72_6b;

pub(crate) enum Claim {
    Claimed(Box<execution::Model>),
    /// Nothing claimable now (queue empty or every slot taken).
    Idle,
}

pub(crate) async fn next(db: &DatabaseConnection, instance_id: &str) -> Result<Claim, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = crate::server::db::begin_write(db).await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CLAIM_LOCK_KEY})"))
            .await?;
        let claim = decide(&txn, instance_id).await?;
        txn.commit().await?;
        Ok(claim)
    } else {
        decide(db, instance_id).await
    }
}

async fn decide(c: &impl ConnectionTrait, instance_id: &str) -> Result<Claim, DbErr> {
    let limit = max_concurrent(c).await?;
    loop {
        let running = execution::Entity::find()
            .filter(Column::Status.eq(ExecutionStatus::Running))
            .count(c)
            .await?;
        if running >= limit {
            return Ok(Claim::Idle);
        }
        let Some(candidate) = execution::Entity::find()
            .filter(Column::Status.eq(ExecutionStatus::Pending))
            .order_by_asc(Column::Id)
            .one(c)
            .await?
        else {
            return Ok(Claim::Idle);
        };
        let now = Utc::now();
        // Only backups of one job exclude each other; restores and verifies of its
        // backups run beside them.
        let busy = match candidate.kind {
            ExecutionKind::Backup => running_backup_of_job(c, candidate.job_id).await?,
            ExecutionKind::Restore | ExecutionKind::Verify => None,
        };
        if let Some(busy) = busy {
            execution::Entity::update_many()
                .set(execution::ActiveModel {
                    status: Set(ExecutionStatus::Skipped),
                    finished_at: Set(Some(now)),
                    error: Set(Some(format!(
                        "skipped: the job was already running (execution #{busy})"
                    ))),
                    ..Default::default()
                })
                .filter(Column::Id.eq(candidate.id))
                .filter(Column::Status.eq(ExecutionStatus::Pending))
                .exec(c)
                .await?;
            continue;
        }
        let won = super::queue::won(
            execution::Entity::update_many()
                .set(execution::ActiveModel {
                    status: Set(ExecutionStatus::Running),
                    claimed_by: Set(Some(instance_id.to_string())),
                    started_at: Set(Some(now)),
                    heartbeat_at: Set(Some(now)),
                    ..Default::default()
                })
                .filter(Column::Id.eq(candidate.id))
                .filter(Column::Status.eq(ExecutionStatus::Pending))
                .exec(c)
                .await,
        )?;
        if won {
            let claimed = execution::Entity::find_by_id(candidate.id)
                .one(c)
                .await?
                .ok_or_else(|| DbErr::RecordNotFound(format!("execution #{}", candidate.id)))?;
            return Ok(Claim::Claimed(Box::new(claimed)));
        }
    }
}

async fn running_backup_of_job(c: &impl ConnectionTrait, job_id: Option<i64>) -> Result<Option<i64>, DbErr> {
    let Some(job_id) = job_id else { return Ok(None) };
    Ok(execution::Entity::find()
        .filter(Column::JobId.eq(job_id))
        .filter(Column::Kind.eq(ExecutionKind::Backup))
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .one(c)
        .await?
        .map(|m| m.id))
}

/// The `max_concurrent_jobs` setting (at least 1), or the default.
pub(crate) async fn max_concurrent(c: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let value = setting::Entity::find_by_id(MAX_CONCURRENT_SETTING.to_string())
        .one(c)
        .await?
        .and_then(|s| s.value.as_u64().or_else(|| s.value.as_str()?.trim().parse().ok()));
    Ok(value.unwrap_or(DEFAULT_MAX_CONCURRENT).max(1))
}
