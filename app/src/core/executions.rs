//! Execution operations: the filtered list, one execution, cancelling.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::execution_types::{ExecutionDetail, ExecutionFilter, ExecutionPage, is_finished};
use crate::engine::CancelOutcome;
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::execution_models::{self, PageQuery};
use crate::server::execution_query;
use crate::server::state::AppState;
use entity::{execution, execution_log};

/// A page of the console's filtered list.
pub async fn page(ctx: &Ctx<'_>, actor: &Actor, filter: &ExecutionFilter) -> Result<ExecutionPage> {
    actor.require(Permission::ExecutionsRead)?;
    execution_query::list(&ctx.state.db, filter).await
}

/// One execution with its destinations, log and live progress, as the console shows it.
pub async fn detail(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<ExecutionDetail> {
    actor.require(Permission::ExecutionsRead)?;
    let db = &ctx.state.db;
    let found = execution_query::find(db, id).await?;
    let names = execution_query::job_names(db, found.job_id).await?;
    let row = execution_query::row(&found, &names);
    Ok(ExecutionDetail {
        can_cancel: actor.can(Permission::ExecutionsCancel) && !is_finished(&row.status),
        row,
        checksum_sha256: found.checksum_sha256.clone(),
        error: found.error.clone(),
        destinations: execution_query::destinations(&found.destination_results),
        log: execution_query::log(db, id).await?,
        progress: ctx
            .state
            .engine
            .progress(id)
            .as_ref()
            .map(execution_query::progress),
    })
}

/// A keyset page of stored executions, newest first.
pub async fn models(
    ctx: &Ctx<'_>,
    actor: &Actor,
    q: &PageQuery,
) -> Result<(Vec<execution::Model>, Option<i64>)> {
    actor.require(Permission::ExecutionsRead)?;
    execution_models::page(&ctx.state.db, q).await
}

/// One stored execution and its log.
pub async fn model(
    ctx: &Ctx<'_>,
    actor: &Actor,
    id: i64,
) -> Result<(execution::Model, Vec<execution_log::Model>)> {
    actor.require(Permission::ExecutionsRead)?;
    execution_models::with_log(&ctx.state.db, id).await
}

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

/// Whether the actor may follow execution `id` live (it exists and they may read it).
pub async fn follow(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Permission::ExecutionsRead)?;
    execution_query::find(&ctx.state.db, id).await?;
    Ok(())
}

/// Why a live view opened by session `session_id` must end now, if it must: the session
/// ended, or its user may no longer read executions. A database error ends nothing (the
/// next check decides).
pub async fn follow_ends(state: &AppState, session_id: i64) -> Option<String> {
    match crate::server::session::still_live(&state.db, session_id, chrono::Utc::now()).await {
        Err(_) => None,
        Ok(None) => Some(
            "Your session ended (signed out, expired or revoked): sign in again to follow this run.".into(),
        ),
        Ok(Some((_, group))) => {
            let granted: Vec<String> = serde_json::from_value(group.permissions).unwrap_or_default();
            (!crate::permissions::grants(&granted, group.protected, Permission::ExecutionsRead))
                .then(|| "You no longer have permission to follow this run (executions:read).".to_string())
        }
    }
}
