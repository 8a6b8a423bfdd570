//! Account events worth a notification: a sign-in from a device the account has not used
//! before, and a new user. Failures here are logged and never stop the sign-in or the
//! creation that caused them.

use super::{known_devices, messages};
use crate::server::auth::ClientInfo;
use crate::server::state::AppState;
use crate::server::user_agent;
use entity::{group, user};
use sea_orm::EntityTrait;

/// Remembers the device of a completed sign-in and notifies when it is new.
pub async fn signed_in(state: &AppState, user: &user::Model, client: &ClientInfo, method: &str) {
    let device = user_agent::describe(client.user_agent.as_deref());
    match known_devices::remember(&state.db, user.id, &device).await {
        Ok(true) => {
            let ip = client.ip.as_deref().unwrap_or("unknown");
            let notice = messages::new_device_sign_in(&state.outbox, &user.email, &device, ip, method);
            state.outbox.emit(notice);
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(user = %user.email, error = %e, "cannot remember the sign-in device"),
    }
}

/// Notifies that `created` exists; `by` is who created it (or the SSO provider).
pub async fn user_created(state: &AppState, created: &user::Model, by: &str) {
    let group = match group::Entity::find_by_id(created.group_id).one(&state.db).await {
        Ok(Some(g)) => g.name,
        Ok(None) => format!("#{}", created.group_id),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the new user's group");
            format!("#{}", created.group_id)
        }
    };
    let notice = messages::user_created(&state.outbox, &created.email, by, &group);
    state.outbox.emit(notice);
}
