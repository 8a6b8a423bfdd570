//! Jobs: list, create, edit, enable/disable, delete, "Run now", and the form's live
//! helpers (schedule preview, the source's databases, retention preview).

use super::error::ApiError;
use super::job_types::{JobFormChoices, JobInput, JobRow, RetentionInput, RetentionReport, SchedulePreview};
use leptos::prelude::*;

#[server(endpoint = "job_choices")]
pub async fn job_choices() -> Result<JobFormChoices, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::choices(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

#[server(endpoint = "list_jobs")]
pub async fn list_jobs() -> Result<Vec<JobRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::rows(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

#[server(endpoint = "create_job")]
pub async fn create_job(job: JobInput) -> Result<i64, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let saved = crate::core::jobs::create(&caller.ctx(), &caller.actor()?, &job).await?;
        Ok(saved.job.id)
    })
    .await
}

#[server(endpoint = "update_job")]
pub async fn update_job(id: i64, job: JobInput) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::update(&caller.ctx(), &caller.actor()?, id, &job).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "set_job_enabled")]
pub async fn set_job_enabled(id: i64, enabled: bool) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::set_enabled(&caller.ctx(), &caller.actor()?, id, enabled).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "delete_job")]
pub async fn delete_job(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::delete(&caller.ctx(), &caller.actor()?, id).await?;
        Ok(())
    })
    .await
}

/// Queues a manual backup of the job; returns the new execution's id.
#[server(endpoint = "run_job")]
pub async fn run_job(id: i64) -> Result<i64, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::run(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}

/// The schedule in words and its next five runs in `timezone`, after `after` (RFC 3339;
/// default now). An unreadable expression or zone answers 400 with the parser's reason.
#[server(endpoint = "cron_preview")]
pub async fn cron_preview(
    cron: String,
    timezone: String,
    #[server(default)] after: Option<String>,
) -> Result<SchedulePreview, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let after = match after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) => chrono::DateTime::parse_from_rfc3339(t)
                .map_err(|e| ApiError::invalid(format!("`after` is not an RFC 3339 time: {e}")))?
                .with_timezone(&chrono::Utc),
            None => chrono::Utc::now(),
        };
        crate::core::jobs::cron_preview(&caller.actor()?, &cron, &timezone, after)
    })
    .await
}

/// The databases the source holds, for the form's checkboxes. Connects to the source.
#[server(endpoint = "list_source_databases")]
pub async fn list_source_databases(source_id: i64) -> Result<Vec<String>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::jobs::source_databases(&caller.ctx(), &caller.actor()?, source_id).await
    })
    .await
}

/// What `retention` would delete among the backups already in `destination_id` under
/// the job's folder (named after `job_name`).
#[server(endpoint = "retention_preview")]
pub async fn retention_preview(
    job_name: String,
    destination_id: i64,
    timezone: String,
    retention: RetentionInput,
) -> Result<RetentionReport, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        crate::core::jobs::retention_preview(&ctx, &actor, &job_name, destination_id, &timezone, &retention)
            .await
    })
    .await
}
