//! `GET /api/v1/audit`: the audit log, newest first, with the console's filters.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::error::RestResult;
use super::extract::Query;
use crate::api::audit_types::{AuditFilter, AuditPage};
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter),
    summary = "The audit log, newest first, with the console's filters (permission audit:read)",
    responses((status = 200, description = "A page of entries", body = AuditPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Query(filter): Query<AuditFilter>,
) -> RestResult<Json<AuditPage>> {
    super::paging::limit(filter.limit)?;
    Ok(Json(
        crate::core::audit::list(&ctx(&state, &client), &caller.actor(), &filter).await?,
    ))
}
