//! Reading the audit log.

use super::{Actor, Ctx};
use crate::api::audit_types::{AuditFilter, AuditPage};
use crate::permissions::Permission;
use crate::server::audit_query;
use crate::server::error::Result;

/// One page of the audit log, newest first, filtered.
pub async fn list(ctx: &Ctx<'_>, actor: &Actor, filter: &AuditFilter) -> Result<AuditPage> {
    actor.require(Permission::AuditRead)?;
    audit_query::list(&ctx.state.db, filter).await
}
