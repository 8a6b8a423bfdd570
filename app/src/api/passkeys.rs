//! Passkeys: registering and managing your own, and signing in with one.
//!
//! Each ceremony is two calls. `start_*` answers a ceremony id and the WebAuthn
//! options as JSON text (binary fields in base64url) for `navigator.credentials`;
//! `finish_*` takes that id back with the browser's credential as JSON text.
//! `public/passkeys.js` does the browser half.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A started ceremony: its id and the options for the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    /// `CredentialCreationOptions` or `CredentialRequestOptions` as JSON.
    pub options: String,
}

#[server(endpoint = "list_passkeys")]
pub async fn list_passkeys() -> Result<Vec<PasskeyRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::passkeys::list(&caller).await
    })
    .await
}

#[server(endpoint = "start_passkey_registration")]
pub async fn start_passkey_registration(name: String) -> Result<PasskeyChallenge, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::passkeys::start_registration(&caller, name).await
    })
    .await
}

#[server(endpoint = "finish_passkey_registration")]
pub async fn finish_passkey_registration(ceremony: String, credential: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::passkeys::finish_registration(&caller, ceremony, credential).await
    })
    .await
}

#[server(endpoint = "rename_passkey")]
pub async fn rename_passkey(id: i64, name: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::passkeys::rename(&caller, id, name).await
    })
    .await
}

#[server(endpoint = "delete_passkey")]
pub async fn delete_passkey(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::server::passkeys::delete(&caller, id).await
    })
    .await
}

/// The second step of a sign-in whose password was accepted (needs that pending sign-in).
#[server(endpoint = "start_passkey_second_factor")]
pub async fn start_passkey_second_factor() -> Result<PasskeyChallenge, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Public)?;
        crate::server::passkey_sign_in::start_second_factor(&caller).await
    })
    .await
}

#[server(endpoint = "finish_passkey_second_factor")]
pub async fn finish_passkey_second_factor(ceremony: String, credential: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Public)?;
        crate::server::passkey_sign_in::finish_second_factor(&caller, ceremony, credential).await
    })
    .await
}

/// Passwordless: the passkey names its user.
#[server(endpoint = "start_passkey_sign_in")]
pub async fn start_passkey_sign_in() -> Result<PasskeyChallenge, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Public)?;
        crate::server::passkey_sign_in::start_passwordless(&caller)
    })
    .await
}

#[server(endpoint = "finish_passkey_sign_in")]
pub async fn finish_passkey_sign_in(ceremony: String, credential: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Public)?;
        crate::server::passkey_sign_in::finish_passwordless(&caller, ceremony, credential).await
    })
    .await
}

/// Registers the passkey server functions by hand. `inventory` registers server
/// functions from static constructors, and the linker drops those of a code unit
/// nothing refers to; the ceremony functions are only called from `public/passkeys.js`.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListPasskeys>();
    register_explicit::<StartPasskeyRegistration>();
    register_explicit::<FinishPasskeyRegistration>();
    register_explicit::<RenamePasskey>();
    register_explicit::<DeletePasskey>();
    register_explicit::<StartPasskeySecondFactor>();
    register_explicit::<FinishPasskeySecondFactor>();
    register_explicit::<StartPasskeySignIn>();
    register_explicit::<FinishPasskeySignIn>();
}
