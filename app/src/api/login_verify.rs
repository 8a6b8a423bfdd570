//! The second step of signing in: what the pending sign-in may be finished with.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A sign-in whose password was accepted and that now needs a second factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondStep {
    pub email: String,
    pub totp: bool,
    pub passkeys: bool,
}

/// `Unauthenticated` when there is no pending sign-in (or it expired).
#[server(endpoint = "pending_login")]
pub async fn pending_login() -> Result<SecondStep, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::mfa;
    respond(async {
        let caller = guard(Need::Public)?;
        let (_, user) = mfa::pending(&caller).await?.ok_or(ApiError::Unauthenticated)?;
        let factors = mfa::factors(&caller.state.db, user.id).await?;
        Ok(SecondStep {
            email: user.email,
            totp: factors.totp,
            passkeys: factors.passkeys > 0,
        })
    })
    .await
}

/// Abandons the pending sign-in and goes back to the sign-in form.
#[server(endpoint = "cancel_pending_login")]
pub async fn cancel_pending_login() -> Result<(), ApiError> {
    use crate::server::auth::{Need, append_set_cookie, guard, respond};
    use crate::server::session;
    respond(async {
        let caller = guard(Need::Public)?;
        if let Some(token) = session::token_from_headers(&caller.parts.headers)
            && session::resolve_pending(&caller.state.db, &token, chrono::Utc::now())
                .await?
                .is_some()
        {
            session::revoke(&caller.state.db, &token).await?;
        }
        append_set_cookie(&session::clear_cookie(caller.state.config.secure_cookies()));
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}
