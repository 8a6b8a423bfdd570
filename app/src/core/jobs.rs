//! Job operations.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::job_store;

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
