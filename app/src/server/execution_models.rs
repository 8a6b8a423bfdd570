//! Executions as stored, for the REST API: a keyset page of rows, one row with its log.

use super::error::Result;
use crate::api::error::ApiError;
use entity::enums::ExecutionStatus;
use entity::{execution, execution_log};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub const MAX_PAGE: u64 = 500;

#[derive(Debug, Default)]
pub struct PageQuery {
    pub job_id: Option<i64>,
    pub status: Option<ExecutionStatus>,
    /// Rows with an id below this (keyset pagination).
    pub before: Option<i64>,
    /// 1–[`MAX_PAGE`]; default 50.
    pub limit: Option<u64>,
}

/// Newest first, and the `before` of the next page when there may be one.
pub async fn page(db: &impl ConnectionTrait, q: &PageQuery) -> Result<(Vec<execution::Model>, Option<i64>)> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let mut find = execution::Entity::find().order_by_desc(execution::Column::Id);
    if let Some(job) = q.job_id {
        find = find.filter(execution::Column::JobId.eq(job));
    }
    if let Some(status) = q.status {
        find = find.filter(execution::Column::Status.eq(status));
    }
    if let Some(before) = q.before {
        find = find.filter(execution::Column::Id.lt(before));
    }
    let rows = find.limit(limit).all(db).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok((rows, next))
}

/// Execution `id` and its log lines in order, or 404.
pub async fn with_log(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<(execution::Model, Vec<execution_log::Model>)> {
    let Some(found) = execution::Entity::find_by_id(id).one(db).await? else {
        return Err(ApiError::NotFound(format!("no execution {id}")).into());
    };
    let log = execution_log::Entity::find()
        .filter(execution_log::Column::ExecutionId.eq(id))
        .order_by_asc(execution_log::Column::Seq)
        .all(db)
        .await?;
    Ok((found, log))
}
