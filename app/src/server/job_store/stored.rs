//! Reading jobs back as stored: each with its destinations (by priority) and its
//! notification subscriptions.

use crate::api::error::ApiError;
use crate::server::error::Result;
use entity::{job, job_destination, job_notification};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub struct StoredJob {
    pub job: job::Model,
    pub destinations: Vec<job_destination::Model>,
    pub notifications: Vec<job_notification::Model>,
}

/// Every job by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<StoredJob>> {
    let jobs = job::Entity::find()
        .order_by_asc(job::Column::Name)
        .all(db)
        .await?;
    let links = job_destination::Entity::find()
        .order_by_asc(job_destination::Column::Priority)
        .all(db)
        .await?;
    let subscriptions = job_notification::Entity::find()
        .order_by_asc(job_notification::Column::Id)
        .all(db)
        .await?;
    Ok(jobs
        .into_iter()
        .map(|j| StoredJob {
            destinations: links.iter().filter(|l| l.job_id == j.id).cloned().collect(),
            notifications: subscriptions
                .iter()
                .filter(|s| s.job_id == j.id)
                .cloned()
                .collect(),
            job: j,
        })
        .collect())
}

/// Job `id`, or 404.
pub async fn one(db: &impl ConnectionTrait, id: i64) -> Result<StoredJob> {
    let Some(job) = job::Entity::find_by_id(id).one(db).await? else {
        return Err(ApiError::NotFound(format!("no job {id}")).into());
    };
    let destinations = job_destination::Entity::find()
        .filter(job_destination::Column::JobId.eq(id))
        .order_by_asc(job_destination::Column::Priority)
        .all(db)
        .await?;
    let notifications = job_notification::Entity::find()
        .filter(job_notification::Column::JobId.eq(id))
        .order_by_asc(job_notification::Column::Id)
        .all(db)
        .await?;
    Ok(StoredJob {
        job,
        destinations,
        notifications,
    })
}
