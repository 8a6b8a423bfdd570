//! The notification log: every delivery, newest first, and what one delivery sent.

use super::{Actor, Ctx};
use crate::api::notification_types::{NotificationLogPage, NotificationPreview};
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::notify::log_query::{self, LogFilter};

pub async fn log(ctx: &Ctx<'_>, actor: &Actor, filter: &LogFilter) -> Result<NotificationLogPage> {
    actor.require(Permission::NotificationsRead)?;
    log_query::list(&ctx.state.db, filter).await
}

pub async fn preview(ctx: &Ctx<'_>, actor: &Actor, delivery_id: i64) -> Result<NotificationPreview> {
    actor.require(Permission::NotificationsRead)?;
    log_query::preview(&ctx.state.db, delivery_id).await
}
