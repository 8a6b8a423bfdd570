//! The audit log: every change, sign-in and refusal, newest first, with filters and
//! keyset pages.

use super::audit_types::{AuditFilter, AuditPage};
use super::error::ApiError;
use leptos::prelude::*;

#[server(endpoint = "list_audit")]
pub async fn list_audit(#[server(default)] filter: AuditFilter) -> Result<AuditPage, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::audit::list(&caller.ctx(), &caller.actor()?, &filter).await
    })
    .await
}
