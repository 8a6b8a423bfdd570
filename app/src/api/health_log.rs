//! The recent health checks of one source or destination.

use super::adapter_types::AdapterKind;
use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One recorded check, newest first in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheckRow {
    pub checked_at: String,
    pub ok: bool,
    pub latency_ms: i32,
    pub error: Option<String>,
}

/// The last `limit` checks (default 10, at most 100) of adapter `id` of `kind`.
#[server(endpoint = "adapter_health_log")]
pub async fn adapter_health_log(
    kind: AdapterKind,
    id: i64,
    #[server(default)] limit: Option<u64>,
) -> Result<Vec<HealthCheckRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        crate::core::adapters::health_log(&ctx, &actor, kind, id, limit.unwrap_or(10)).await
    })
    .await
}
