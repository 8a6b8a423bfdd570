//! Job operations: list, read, create, edit, enable or disable, delete, run now, and
//! the job form's choices and previews.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::job_types::{
    JobFormChoices, JobInput, JobRow, RetentionInput, RetentionReport, SchedulePreview,
};
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::job_store::stored::{self, StoredJob};
use crate::server::job_store::{self, Saved};
use entity::job;

/// Whether the actor may change jobs, asked before their input is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::JobsWrite)?)
}

/// Every job by name, as stored.
pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<StoredJob>> {
    actor.require(Permission::JobsRead)?;
    stored::all(&ctx.state.db).await
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<StoredJob> {
    actor.require(Permission::JobsRead)?;
    stored::one(&ctx.state.db, id).await
}

/// Every job as the console's list shows it.
pub async fn rows(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<JobRow>> {
    actor.require(Permission::JobsRead)?;
    crate::server::job_rows::list(&ctx.state.db).await
}

/// What the job form can choose from.
pub async fn choices(ctx: &Ctx<'_>, actor: &Actor) -> Result<JobFormChoices> {
    actor.require(Permission::JobsRead)?;
    crate::server::job_rows::choices(&ctx.state.db).await
}

/// The schedule in words and its next runs after `after`.
pub fn cron_preview(
    actor: &Actor,
    cron: &str,
    timezone: &str,
    after: chrono::DateTime<chrono::Utc>,
) -> Result<SchedulePreview> {
    actor.require(Permission::JobsRead)?;
    Ok(crate::server::job_schedule::preview(cron, timezone, after)?)
}

/// The databases a source holds; connects to it, so it needs jobs:write.
pub async fn source_databases(ctx: &Ctx<'_>, actor: &Actor, source_id: i64) -> Result<Vec<String>> {
    actor.require(Permission::JobsWrite)?;
    crate::server::job_preview::databases(ctx.state, source_id).await
}

/// What `retention` would delete among the backups already in a destination.
pub async fn retention_preview(
    ctx: &Ctx<'_>,
    actor: &Actor,
    job_name: &str,
    destination_id: i64,
    timezone: &str,
    retention: &RetentionInput,
) -> Result<RetentionReport> {
    actor.require(Permission::JobsWrite)?;
    crate::server::job_preview::retention(ctx.state, job_name, destination_id, timezone, retention).await
}

/// Saves a new job and schedules it.
pub async fn create(ctx: &Ctx<'_>, actor: &Actor, input: &JobInput) -> Result<Saved> {
    actor.require(Permission::JobsWrite)?;
    let saved = job_store::create(&ctx.state.db, input).await?;
    ctx.state
        .engine
        .reschedule(saved.job.id)
        .await
        .map_err(ApiError::from)?;
    audit_event::record(ctx, actor, AuditEvent::JobCreate { saved: &saved }).await?;
    Ok(saved)
}

/// Replaces job `id` with `input` and reschedules it.
pub async fn update(ctx: &Ctx<'_>, actor: &Actor, id: i64, input: &JobInput) -> Result<Saved> {
    actor.require(Permission::JobsWrite)?;
    let saved = job_store::update(&ctx.state.db, id, input).await?;
    ctx.state.engine.reschedule(id).await.map_err(ApiError::from)?;
    audit_event::record(ctx, actor, AuditEvent::JobUpdate { saved: &saved }).await?;
    Ok(saved)
}

/// Switches job `id`'s schedule on or off.
pub async fn set_enabled(ctx: &Ctx<'_>, actor: &Actor, id: i64, enabled: bool) -> Result<job::Model> {
    actor.require(Permission::JobsWrite)?;
    let job = job_store::set_enabled(&ctx.state.db, id, enabled).await?;
    if enabled {
        ctx.state.engine.reschedule(id).await.map_err(ApiError::from)?;
    } else {
        ctx.state.engine.unschedule(id);
    }
    let event = AuditEvent::JobEnable {
        job_id: id,
        job_name: &job.name,
        enabled,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(job)
}

/// Deletes job `id` and its destination links; its executions stay, detached.
pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<job::Model> {
    actor.require(Permission::JobsWrite)?;
    ctx.state.engine.unschedule(id);
    let deleted = job_store::delete(&ctx.state.db, id).await?;
    let event = AuditEvent::JobDelete {
        job_id: id,
        job_name: &deleted.name,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(deleted)
}

/// Queues a run of job `id` now; the runner picks it up like any other. Answers the new
/// execution's id.
pub async fn run(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<i64> {
    actor.require(Permission::JobsExecute)?;
    let job = job_store::find(&ctx.state.db, id).await?;
    let execution_id = ctx
        .state
        .engine
        .enqueue(id, actor.trigger(), actor.user_id())
        .await
        .map_err(ApiError::from)?;
    let event = AuditEvent::JobRun {
        job_id: id,
        job_name: &job.name,
        execution_id,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(execution_id)
}
