//! The notification log: every delivery, newest first, with filters and keyset pages,
//! and what one delivery sent for the preview.

use super::error::ApiError;
use super::notification_types::NotificationLogPage;
use leptos::prelude::*;

/// Empty `event`/`status` count as "any"; `before_id` asks for the page older than it.
#[server(endpoint = "list_notification_log")]
pub async fn list_notification_log(
    #[server(default)] event: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] channel_id: Option<i64>,
    #[server(default)] before_id: Option<i64>,
) -> Result<NotificationLogPage, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::notify::log_query::LogFilter;
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let filter = LogFilter {
            event,
            status,
            channel_id,
            before_id,
        };
        crate::core::notifications::log(&caller.ctx(), &caller.actor()?, &filter).await
    })
    .await
}

/// The macro names its argument struct `NotificationPreview`, hence the full path.
#[server(endpoint = "notification_preview")]
pub async fn notification_preview(
    id: i64,
) -> Result<super::notification_types::NotificationPreview, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::notifications::preview(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}
