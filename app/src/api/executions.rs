//! Executions: the filtered list, one execution with its log, and cancelling.

use super::error::ApiError;
use super::execution_types::{ExecutionDetail, ExecutionFilter, ExecutionPage};
use leptos::prelude::*;

#[server(endpoint = "list_executions")]
pub async fn list_executions(#[server(default)] filter: ExecutionFilter) -> Result<ExecutionPage, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::executions::page(&caller.ctx(), &caller.actor()?, &filter).await
    })
    .await
}

#[server(endpoint = "get_execution")]
pub async fn get_execution(id: i64) -> Result<ExecutionDetail, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::executions::detail(&caller.ctx(), &caller.actor()?, id).await
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
