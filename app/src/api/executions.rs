//! Executions: the filtered list, one execution with its log, and cancelling.

use super::error::ApiError;
use super::execution_types::{ExecutionDetail, ExecutionFilter, ExecutionPage};
use leptos::prelude::*;

#[server(endpoint = "list_executions")]
pub async fn list_executions(#[server(default)] filter: ExecutionFilter) -> Result<ExecutionPage, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::execution_query;
    respond(async move {
        let caller = guard(Need::Permission(Permission::ExecutionsRead))?;
        execution_query::list(&caller.state.db, &filter).await
    })
    .await
}

#[server(endpoint = "get_execution")]
pub async fn get_execution(id: i64) -> Result<ExecutionDetail, ApiError> {
    use super::execution_types::is_finished;
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::execution_query as q;
    respond(async move {
        let caller = guard(Need::Permission(Permission::ExecutionsRead))?;
        let db = &caller.state.db;
        let found = q::find(db, id).await?;
        let names = q::job_names(db, found.job_id).await?;
        let row = q::row(&found, &names);
        let may_cancel = caller.user()?.can(Permission::ExecutionsCancel);
        Ok(ExecutionDetail {
            can_cancel: may_cancel && !is_finished(&row.status),
            row,
            checksum_sha256: found.checksum_sha256.clone(),
            error: found.error.clone(),
            destinations: q::destinations(&found.destination_results),
            log: q::log(db, id).await?,
            progress: caller.state.engine.progress(id).as_ref().map(q::progress),
        })
    })
    .await
}

/// Cancels a pending execution at once or asks a running one to stop; returns what
/// happened, in words.
#[server(endpoint = "cancel_execution")]
pub async fn cancel_execution(id: i64) -> Result<String, ApiError> {
    use crate::engine::CancelOutcome;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let outcome = crate::core::executions::cancel(&caller.ctx(), &caller.actor()?, id).await?;
        Ok(match outcome {
            CancelOutcome::CancelledPending => "Cancelled before it started.",
            CancelOutcome::Requested => "Cancel requested; the run stops within a few seconds.",
            CancelOutcome::AlreadyFinished => "It had already finished.",
        }
        .to_string())
    })
    .await
}
