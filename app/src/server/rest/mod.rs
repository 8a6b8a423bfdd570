//! The REST API under `/api/v1`, for scripts and provisioning. API-key authenticated,
//! errors as problem details, described by `/api/v1/openapi.json`.

pub mod adapters;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod body;
pub mod encryption;
pub mod error;
pub mod executions;
pub mod extract;
pub mod groups;
pub mod job_answer;
pub mod job_body;
pub mod job_previews;
pub mod jobs;
pub mod notification_log;
pub mod openapi;
pub mod openapi_adapters;
pub mod openapi_schemas;
pub mod openapi_types;
pub mod paging;
pub mod problem;
pub mod settings;
pub mod sso;
pub mod storage;
pub mod system_notifications;
pub mod users;

use super::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes relative to `/api/v1` (the caller nests them).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/audit", get(audit_log::list))
        .route("/executions", get(executions::list))
        .route("/executions/{id}", get(executions::get))
        .route("/executions/{id}/cancel", post(executions::cancel))
        .route("/jobs", get(jobs::list))
        .route("/jobs/{id}", get(jobs::get))
        .route("/jobs/{id}/run", post(jobs::run))
        .route("/jobs", post(jobs::create))
        .route(
            "/jobs/{id}",
            axum::routing::put(jobs::update).delete(jobs::delete),
        )
        .route("/jobs/{id}/enable", post(jobs::enable))
        .route("/schedule-preview", get(job_previews::schedule))
        .route("/retention-preview", post(job_previews::retention))
        .route("/sources/{id}/databases", get(job_previews::databases))
        .route("/jobs/{id}/disable", post(jobs::disable))
        .route("/adapter-types", get(adapters::types))
        .route(
            "/sources",
            get(adapters::list::<adapters::Sources>).post(adapters::create::<adapters::Sources>),
        )
        .route(
            "/sources/{id}",
            get(adapters::get::<adapters::Sources>)
                .put(adapters::update::<adapters::Sources>)
                .delete(adapters::delete::<adapters::Sources>),
        )
        .route("/sources/{id}/test", post(adapters::test::<adapters::Sources>))
        .route("/sources/test", post(adapters::test_unsaved::<adapters::Sources>))
        .route(
            "/sources/{id}/health-log",
            get(adapters::health_log::<adapters::Sources>),
        )
        .route(
            "/destinations",
            get(adapters::list::<adapters::Destinations>).post(adapters::create::<adapters::Destinations>),
        )
        .route(
            "/destinations/{id}",
            get(adapters::get::<adapters::Destinations>)
                .put(adapters::update::<adapters::Destinations>)
                .delete(adapters::delete::<adapters::Destinations>),
        )
        .route(
            "/destinations/{id}/test",
            post(adapters::test::<adapters::Destinations>),
        )
        .route(
            "/destinations/test",
            post(adapters::test_unsaved::<adapters::Destinations>),
        )
        .route(
            "/destinations/{id}/health-log",
            get(adapters::health_log::<adapters::Destinations>),
        )
        .route(
            "/destinations/{id}/backups",
            get(storage::list).delete(storage::delete),
        )
        .route("/destinations/{id}/backups/download", get(storage::download))
        .route("/destinations/{id}/backups/verify", post(storage::verify))
        .route("/destinations/{id}/backups/restore", post(storage::restore))
        .route(
            "/notification-channels",
            get(adapters::list::<adapters::Channels>).post(adapters::create::<adapters::Channels>),
        )
        .route(
            "/notification-channels/{id}",
            get(adapters::get::<adapters::Channels>)
                .put(adapters::update::<adapters::Channels>)
                .delete(adapters::delete::<adapters::Channels>),
        )
        .route(
            "/notification-channels/{id}/test",
            post(adapters::test::<adapters::Channels>),
        )
        .route(
            "/notification-channels/test",
            post(adapters::test_unsaved::<adapters::Channels>),
        )
        .route(
            "/notification-channels/{id}/health-log",
            get(adapters::health_log::<adapters::Channels>),
        )
        .route("/notification-log", get(notification_log::list))
        .route("/notification-log/{id}", get(notification_log::get))
        .route(
            "/encryption-profiles",
            get(encryption::list).post(encryption::create),
        )
        .route(
            "/encryption-profiles/{id}",
            get(encryption::get).delete(encryption::delete),
        )
        .route(
            "/encryption-profiles/{id}/recipients",
            post(encryption::add_recipient).delete(encryption::remove_recipient),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).put(users::update))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/revoke-sessions", post(users::revoke_sessions))
        .route("/groups", get(groups::list).post(groups::create))
        .route(
            "/groups/{id}",
            get(groups::get).put(groups::update).delete(groups::delete),
        )
        .route("/sso-providers", get(sso::list).post(sso::create))
        .route(
            "/sso-providers/{id}",
            get(sso::get).put(sso::update).delete(sso::delete),
        )
        .route("/sso-providers/discovery", post(sso::discovery))
        .route("/settings", get(settings::list).put(settings::update))
        .route(
            "/system-notifications",
            get(system_notifications::get).put(system_notifications::save),
        )
        .fallback(|| async {
            error::RestError::new(crate::api::error::ApiError::NotFound(
                "no such API route; see /api/v1/openapi.json".into(),
            ))
        })
        .method_not_allowed_fallback(|req: axum::extract::Request| async move {
            problem::Problem::new(
                http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{} is not allowed here; see /api/v1/openapi.json", req.method()),
            )
        })
}
