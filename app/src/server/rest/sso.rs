//! Single sign-on providers under `/api/v1/sso-providers`: list, create, read, edit,
//! delete and the discovery test: the use cases of `core::sso` behind JSON. The client
//! secret goes in, never out.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::openapi_types::Id;
use crate::api::sso::{DiscoveryReport, SsoProviderRow};
use crate::core::sso;
use crate::server::sso_providers::ProviderForm;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A provider's settings. On an edit, an empty or missing `client_secret` keeps the
/// stored one unless `issuer_url` changes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderBody {
    /// Lowercase letters, digits and dashes; it appears in the callback URL.
    #[schema(pattern = r"^\s*[A-Za-z0-9]([A-Za-z0-9-]{0,38}[A-Za-z0-9])?\s*$")]
    slug: String,
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    button_label: String,
    /// An http(s) URL such as `https://login.example.com/realms/corp`.
    #[schema(pattern = r"\S")]
    issuer_url: String,
    #[schema(pattern = r"\S")]
    client_id: String,
    /// Required on create; on an edit, empty keeps the stored one unless `issuer_url`
    /// changes.
    #[serde(default)]
    #[schema(format = Password)]
    client_secret: String,
    /// Space-separated; empty means `openid email profile`.
    #[serde(default)]
    scopes: String,
    /// Only these email domains may sign in; empty: any.
    #[serde(default)]
    email_domains: Vec<String>,
    /// Create an account on a first sign-in, in `default_group_id`.
    #[serde(default)]
    allow_provisioning: bool,
    default_group_id: Option<i64>,
    #[serde(default)]
    enabled: bool,
    /// A SuperAdmin's choice.
    #[serde(default)]
    link_by_email: bool,
    /// A SuperAdmin's choice.
    #[serde(default)]
    mfa_by_provider: bool,
}

impl From<ProviderBody> for ProviderForm {
    fn from(b: ProviderBody) -> Self {
        ProviderForm {
            slug: b.slug,
            button_label: b.button_label,
            issuer_url: b.issuer_url,
            client_id: b.client_id,
            client_secret: b.client_secret,
            scopes: b.scopes,
            email_domains: b.email_domains.join(", "),
            allow_provisioning: b.allow_provisioning,
            default_group_id: b.default_group_id,
            enabled: b.enabled,
            link_by_email: b.link_by_email,
            mfa_by_provider: b.mfa_by_provider,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryBody {
    #[schema(pattern = r"[^\s/]")]
    issuer_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProviderList {
    sso_providers: Vec<SsoProviderRow>,
}

#[utoipa::path(get, path = "/api/v1/sso-providers", tag = "sso",
    summary = "List SSO providers (permission sso:read)",
    responses((status = 200, description = "Every provider", body = ProviderList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<ProviderList>> {
    let sso_providers = sso::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(ProviderList { sso_providers }))
}

#[utoipa::path(get, path = "/api/v1/sso-providers/{id}", tag = "sso", params(Id),
    summary = "One provider (permission sso:read)",
    responses((status = 200, description = "The provider", body = SsoProviderRow),
        (status = 404, description = "No such provider")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<SsoProviderRow>> {
    Ok(Json(sso::get(&ctx(&state, &client), &caller.actor(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/sso-providers", tag = "sso", request_body = ProviderBody,
    summary = "Add an OpenID Connect provider (permission sso:write)",
    responses((status = 201, description = "The new provider", body = SsoProviderRow),
        (status = 409, description = "A provider with that slug exists")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<ProviderBody>, RestError>,
) -> RestResult<(StatusCode, Json<SsoProviderRow>)> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    let row = sso::save(&ctx(&state, &client), &actor, None, body.into()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/sso-providers/{id}", tag = "sso", params(Id), request_body = ProviderBody,
    summary = "Replace a provider's settings (permission sso:write)",
    responses((status = 200, description = "The provider as stored", body = SsoProviderRow),
        (status = 404, description = "No such provider"),
        (status = 409, description = "Another provider has that slug")))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<ProviderBody>, RestError>,
) -> RestResult<Json<SsoProviderRow>> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    Ok(Json(
        sso::save(&ctx(&state, &client), &actor, Some(id), body.into()).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/sso-providers/{id}", tag = "sso", params(Id),
    summary = "Delete a provider; its users keep their accounts (permission sso:write)",
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such provider")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    sso::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/sso-providers/discovery", tag = "sso", request_body = DiscoveryBody,
    summary = "Fetch an issuer's discovery document and keys and report what was found (permission sso:write)",
    responses((status = 200, description = "What discovery found, or why it failed", body = DiscoveryReport)))]
pub async fn discovery(
    caller: Caller,
    input: Result<JsonBody<DiscoveryBody>, RestError>,
) -> RestResult<Json<DiscoveryReport>> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    Ok(Json(sso::test_discovery(&actor, &body.issuer_url).await?))
}
