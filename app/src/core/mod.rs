//! The use-case layer: each operation written once. A use case takes the [`Ctx`] of the
//! request, the [`Actor`] asking and its typed input; it checks the actor's permission,
//! validates, calls the stores and the engine, and records one typed [`AuditEvent`].
//! Server functions and REST handlers only parse, call a use case and shape its answer.
//!
//! Arrows point one way: `api` (DTOs) and `server` (transport) → `core` → engine and
//! stores → adapters. No server function or REST handler checks a permission itself.

pub mod actor;
pub mod adapters;
pub mod api_keys;
pub mod audit;
pub mod audit_event;
pub mod dashboard;
pub mod encryption;
pub mod executions;
pub mod groups;
pub mod jobs;
pub mod notifications;
pub mod settings;
pub mod sso;
pub mod storage;
pub mod system_notifications;
pub mod users;

pub use actor::Actor;
pub use audit_event::AuditEvent;

use crate::server::auth::ClientInfo;
use crate::server::state::AppState;

/// What every use case runs with: the application state and where the request came from.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub client: &'a ClientInfo,
}
