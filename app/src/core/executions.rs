//! Execution operations.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::engine::CancelOutcome;
use crate::permissions::Permission;
use crate::server::error::Result;

/// Cancels a waiting execution at once, or asks the running one to stop.
pub async fn cancel(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<CancelOutcome> {
    actor.require(Permission::ExecutionsCancel)?;
    let outcome = ctx.state.engine.cancel(id).await.map_err(ApiError::from)?;
    let event = AuditEvent::ExecutionCancel {
        execution_id: id,
        outcome,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(outcome)
}
