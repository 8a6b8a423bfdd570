//! `GET /api/v1/audit`: the audit log, newest first, with the console's filters.

use super::audit::Client;
use super::auth::Caller;
use super::error::RestResult;
use super::extract::Query;
use crate::api::audit_types::{AuditFilter, AuditPage};
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(filter): Query<AuditFilter>,
) -> RestResult<Json<AuditPage>> {
    let ctx = crate::core::Ctx {
        state: &state,
        client: &client.0,
    };
    Ok(Json(
        crate::core::audit::list(&ctx, &caller.actor(), &filter).await?,
    ))
}
