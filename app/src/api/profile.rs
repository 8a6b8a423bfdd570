//! The signed-in user's own sessions and password (the profile page).

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One of the caller's own sessions. Never the token or its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    /// "Chromium on Linux" and the like, from the user agent.
    pub device: String,
    pub ip: String,
    pub signed_in: String,
    pub last_seen: String,
    pub method: String,
    /// The session making this request.
    pub current: bool,
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::profile_sessions::list(&caller).await
    })
    .await
}

/// Ends one of the caller's sessions. Ending the current one signs the caller out:
/// the answer is then `true` and the session cookie is cleared.
#[server(endpoint = "revoke_my_session")]
pub async fn revoke_my_session(id: i64) -> Result<bool, ApiError> {
    use crate::server::auth::{Need, append_set_cookie, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let current = crate::server::profile_sessions::revoke(&caller, id).await?;
        if current {
            append_set_cookie(&crate::server::session::clear_cookie(
                caller.state.config.secure_cookies(),
            ));
        }
        Ok(current)
    })
    .await
}

/// Whether the caller has a password at all (single-sign-on-only users have none).
#[server(endpoint = "my_password_state")]
pub async fn my_password_state() -> Result<bool, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::profile_sessions::has_password(&caller).await
    })
    .await
}

/// Changes the caller's password; every other session of theirs ends. Answers how
/// many ended.
#[server(endpoint = "change_my_password")]
pub async fn change_my_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<u64, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::server::profile_sessions::change_password(
            &caller,
            &current_password,
            &password,
            &password_confirm,
        )
        .await
    })
    .await
}

/// Whether the caller's session may change second factors now, and how to allow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCheck {
    /// Seconds left in the five minutes after the sign-in or latest confirmation; 0 once over.
    pub confirmed_for_seconds: u64,
    /// When those five minutes end, `HH:MM UTC`.
    pub confirmed_until: String,
    /// The caller can confirm with a password…
    pub password: bool,
    /// …or with a code from their authenticator app.
    pub totp: bool,
}

#[server(endpoint = "my_identity_check")]
pub async fn my_identity_check() -> Result<IdentityCheck, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::reauth::check(&caller).await
    })
    .await
}

/// Confirms the caller's identity (password, or a code from their authenticator app) so
/// that for five minutes they may add or remove a passkey or the authenticator app.
#[server(endpoint = "confirm_identity")]
pub async fn confirm_identity(
    #[server(default)] password: String,
    #[server(default)] code: String,
) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::server::reauth::confirm(&caller, password, code).await
    })
    .await
}

/// Registers these server functions by hand: `inventory` registers them from static
/// constructors, which the linker may drop from a code unit nothing else refers to.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<MySessions>();
    register_explicit::<RevokeMySession>();
    register_explicit::<MyPasswordState>();
    register_explicit::<ChangeMyPassword>();
    register_explicit::<MyIdentityCheck>();
    register_explicit::<ConfirmIdentity>();
}
