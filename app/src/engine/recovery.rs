//! Executions whose instance died: marked Failed so they do not stay "running" forever.
//!
//! An execution is orphaned when its heartbeat is older than `STALE_EXECUTION`, or when the
//! instance that claimed it has not refreshed its own row for `DEAD_INSTANCE` (or has no
//! row). On SQLite, which serves a single process, every Running row left by another
//! instance id is orphaned at start: that process is gone.

use chrono::{Duration, Utc};
use entity::enums::ExecutionStatus;
use entity::execution::{self, Column};
use entity::instance;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

pub const INTERRUPTED: &str = "interrupted by restart";
pub(crate) const STALE_EXECUTION: Duration = Duration::seconds(60);
pub(crate) const DEAD_INSTANCE: Duration = Duration::seconds(30);

/// Marks the runs this instance cannot own any more as failed; returns them as stored.
pub(crate) async fn recover_at_start(
    db: &DatabaseConnection,
    own_id: &str,
) -> Result<Vec<execution::Model>, DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        return mark_failed(
            db,
            Condition::any()
                .add(Column::ClaimedBy.ne(own_id))
                .add(Column::ClaimedBy.is_null()),
        )
        .await;
    }
    sweep(db, own_id).await
}

/// Marks the orphans of dead instances; run at start and then periodically.
pub(crate) async fn sweep(db: &DatabaseConnection, own_id: &str) -> Result<Vec<execution::Model>, DbErr> {
    let now = Utc::now();
    let mut live: Vec<String> = instance::Entity::find()
        .filter(instance::Column::HeartbeatAt.gt(now - DEAD_INSTANCE))
        .select_only()
        .column(instance::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    live.push(own_id.to_string());
    let stale = now - STALE_EXECUTION;
    mark_failed(
        db,
        Condition::any()
            .add(Column::HeartbeatAt.lt(stale))
            .add(Column::HeartbeatAt.is_null())
            .add(Column::ClaimedBy.is_null())
            .add(Column::ClaimedBy.is_not_in(live)),
    )
    .await
}

async fn mark_failed(db: &impl ConnectionTrait, orphaned: Condition) -> Result<Vec<execution::Model>, DbErr> {
    execution::Entity::update_many()
        .set(execution::ActiveModel {
            status: Set(ExecutionStatus::Failed),
            finished_at: Set(Some(Utc::now())),
            error: Set(Some(INTERRUPTED.into())),
            ..Default::default()
        })
        .filter(Column::Status.eq(ExecutionStatus::Running))
        .filter(orphaned)
        .exec_with_returning(db)
        .await
}
