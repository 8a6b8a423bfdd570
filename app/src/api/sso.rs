//! Single sign-on providers: the console's list and form, the discovery test, and
//! the public list of sign-in buttons. The client secret never leaves the server.
// The provider form's fields are `save_sso_provider`'s arguments, and `#[server]` does not
// carry an item-level allow over to the function it generates for the browser.
#![allow(clippy::too_many_arguments)]

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One provider as the console sees it: whether a secret is stored, never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SsoProviderRow {
    pub id: i64,
    pub slug: String,
    pub button_label: String,
    pub issuer_url: String,
    pub client_id: String,
    pub secret_stored: bool,
    pub scopes: String,
    pub email_domains: Vec<String>,
    pub allow_provisioning: bool,
    pub default_group_id: Option<i64>,
    pub default_group: Option<String>,
    pub enabled: bool,
    /// Signs in to an existing account whose verified email matches (SuperAdmin's choice).
    pub link_by_email: bool,
    /// The provider's MFA stands in for the account's second factor (SuperAdmin's choice).
    pub mfa_by_provider: bool,
    /// The URL to register at the provider.
    pub redirect_uri: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsoGroupChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiscoveryReport {
    pub ok: bool,
    pub message: String,
}

/// A "Sign in with …" button on the login page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SsoButton {
    pub slug: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginOptions {
    pub buttons: Vec<SsoButton>,
    /// False when the operator turned password sign-in off and a provider is enabled.
    pub password_login: bool,
}

#[server(endpoint = "list_sso_providers")]
pub async fn list_sso_providers() -> Result<Vec<SsoProviderRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::sso::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// The groups a provider may place new users in.
#[server(endpoint = "sso_group_choices")]
pub async fn sso_group_choices() -> Result<Vec<SsoGroupChoice>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::sso::group_choices(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// Creates a provider when `id` is empty, else updates it. An empty `client_secret`
/// keeps the stored one, unless the issuer URL changes. Checkboxes: any of `on`/`true`/`1`
/// is checked. Only a SuperAdmin may change `link_by_email` and `mfa_by_provider`, or the
/// issuer URL and client ID of a provider with either set.
#[server(endpoint = "save_sso_provider")]
pub async fn save_sso_provider(
    #[server(default)] id: String,
    slug: String,
    button_label: String,
    issuer_url: String,
    client_id: String,
    #[server(default)] client_secret: String,
    #[server(default)] scopes: String,
    #[server(default)] email_domains: String,
    #[server(default)] allow_provisioning: String,
    #[server(default)] default_group_id: String,
    #[server(default)] enabled: String,
    #[server(default)] link_by_email: String,
    #[server(default)] mfa_by_provider: String,
) -> Result<SsoProviderRow, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::sso_providers::ProviderForm;
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let flag = |v: &str| matches!(v.trim(), "on" | "true" | "1");
        let default_group_id = match default_group_id.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .map_err(|_| ApiError::invalid("Choose a default group from the list."))?,
            ),
        };
        let id = match id.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .map_err(|_| ApiError::invalid("The provider id is not a number."))?,
            ),
        };
        let form = ProviderForm {
            slug,
            button_label,
            issuer_url,
            client_id,
            client_secret,
            scopes,
            email_domains,
            allow_provisioning: flag(&allow_provisioning),
            default_group_id,
            enabled: flag(&enabled),
            link_by_email: flag(&link_by_email),
            mfa_by_provider: flag(&mfa_by_provider),
        };
        crate::core::sso::save(&caller.ctx(), &caller.actor()?, id, form).await
    })
    .await
}

#[server(endpoint = "delete_sso_provider")]
pub async fn delete_sso_provider(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::sso::delete(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}

/// Fetches `issuer_url`'s discovery document and keys, and reports what was found or
/// what went wrong. Needs sso:write: it makes the server fetch a URL of the caller's choosing.
#[server(endpoint = "test_sso_discovery")]
pub async fn test_sso_discovery(issuer_url: String) -> Result<DiscoveryReport, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::sso::test_discovery(&caller.actor()?, &issuer_url).await
    })
    .await
}

/// The login page's SSO buttons and whether its password form is shown. Public.
#[server(endpoint = "sso_login_options")]
pub async fn sso_login_options() -> Result<LoginOptions, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    use crate::server::sso_providers;
    respond(async {
        let caller = guard(Need::Public)?;
        let db = &caller.state.db;
        let buttons: Vec<SsoButton> = sso_providers::enabled(db)
            .await?
            .into_iter()
            .map(|p| SsoButton {
                slug: p.slug,
                label: p.button_label,
            })
            .collect();
        let disabled =
            sso_providers::password_login_disabled(db, caller.state.config.disable_password_login).await?;
        Ok(LoginOptions {
            buttons,
            password_login: !disabled,
        })
    })
    .await
}

/// Registers the SSO server functions by hand: `inventory` registers them from static
/// constructors, which the linker may drop from a code unit nothing else refers to.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListSsoProviders>();
    register_explicit::<SsoGroupChoices>();
    register_explicit::<SaveSsoProvider>();
    register_explicit::<DeleteSsoProvider>();
    register_explicit::<TestSsoDiscovery>();
    register_explicit::<SsoLoginOptions>();
}
