//! The signed-in user's own authenticator app (TOTP): status, set up, turn off.
//! Once set up, the secret is never handed out again.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSummary {
    pub enabled: bool,
    pub backup_codes_left: usize,
}

/// A setup in progress: what the authenticator app needs. Only `totp_begin` returns it,
/// and only before the setup is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The otpauth:// URL as a QR code, an SVG document rendered by the server.
    pub qr_svg: String,
    /// The secret in base32, for typing in by hand.
    pub secret: String,
}

#[server(endpoint = "totp_status")]
pub async fn totp_status() -> Result<TotpSummary, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::totp_store;
    respond(async {
        let caller = guard(Need::SignedIn)?;
        let me = caller.user()?;
        let row = totp_store::find_confirmed(&caller.state.db, me.user_id).await?;
        Ok(TotpSummary {
            enabled: row.is_some(),
            backup_codes_left: row
                .as_ref()
                .map(|r| totp_store::backup_hashes(r).len())
                .unwrap_or(0),
        })
    })
    .await
}

/// Starts setting up an authenticator app with a fresh secret (replacing a setup that was
/// never confirmed). Refused while one is set up.
#[server(endpoint = "totp_begin")]
pub async fn totp_begin() -> Result<TotpEnrolment, ApiError> {
    use crate::server::account_audit::{self, AccountEvent};
    use crate::server::audit::Actor;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::{totp, totp_store};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        let me = caller.user()?;
        crate::server::reauth::require_recent(&caller).await?;
        let db = &caller.state.db;
        let secret = totp_store::begin(db, &caller.state.master_key, me.user_id, chrono::Utc::now()).await?;
        let url = totp::otpauth_url(&secret, &me.email)?;
        let qr_svg = totp::qr_svg(&url)?;
        account_audit::record(
            db,
            Actor::User(me),
            &caller.client,
            AccountEvent::TotpBegun { user_id: me.user_id },
        )
        .await?;
        Ok(TotpEnrolment { qr_svg, secret })
    })
    .await
}

/// Confirms the setup with a first code from the app; answers the ten backup codes,
/// the only time they are shown.
#[server(endpoint = "totp_confirm")]
pub async fn totp_confirm(code: String) -> Result<Vec<String>, ApiError> {
    use crate::server::account_audit::{self, AccountEvent};
    use crate::server::audit::Actor;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::totp_store;
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let me = caller.user()?;
        crate::server::reauth::require_recent(&caller).await?;
        let db = &caller.state.db;
        let confirmed = totp_store::confirm(
            db,
            &caller.state.master_key,
            me.user_id,
            &code,
            chrono::Utc::now(),
        )
        .await;
        let (summary, success) = match &confirmed {
            Ok(_) => ("turned on an authenticator app (TOTP) with 10 backup codes", true),
            Err(_) => (
                "could not turn on an authenticator app: the code was refused",
                false,
            ),
        };
        account_audit::record(
            db,
            Actor::User(me),
            &caller.client,
            AccountEvent::TotpEnable {
                user_id: me.user_id,
                summary,
                success,
            },
        )
        .await?;
        confirmed
    })
    .await
}

/// Turns the authenticator app off; needs a current code from it (not a backup code).
#[server(endpoint = "totp_disable")]
pub async fn totp_disable(code: String) -> Result<(), ApiError> {
    use crate::server::account_audit::{self, AccountEvent};
    use crate::server::audit::Actor;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::{totp_limits, totp_store};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let me = caller.user()?;
        crate::server::reauth::require_recent(&caller).await?;
        let db = &caller.state.db;
        let row = totp_store::find_confirmed(db, me.user_id)
            .await?
            .ok_or_else(|| ApiError::NotFound("No authenticator app is set up.".into()))?;
        let attempt = totp_limits::begin(&caller, me.user_id)?;
        let accepted =
            totp_store::use_code(db, &caller.state.master_key, &row, &code, chrono::Utc::now()).await?;
        if accepted {
            attempt.succeeded();
            totp_store::delete(db, &row).await?;
        } else {
            attempt.failed();
        }
        account_audit::record(
            db,
            Actor::User(me),
            &caller.client,
            AccountEvent::TotpDisable {
                user_id: me.user_id,
                accepted,
            },
        )
        .await?;
        if accepted {
            Ok(())
        } else {
            Err(ApiError::invalid("That code is not valid. Check your authenticator app's clock.").into())
        }
    })
    .await
}

/// Registers the TOTP server functions by hand: `inventory` registers them from static
/// constructors, which the linker may drop from a code unit nothing else refers to.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<TotpStatus>();
    register_explicit::<TotpBegin>();
    register_explicit::<TotpConfirm>();
    register_explicit::<TotpDisable>();
    register_explicit::<super::totp_login::VerifyTotpLogin>();
}
