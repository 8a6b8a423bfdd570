//! Single sign-on providers under `/api/v1/sso-providers`: list, create, read, edit,
//! delete and the discovery test: the use cases of `core::sso` behind JSON. The client
//! secret goes in, never out.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use crate::core::sso;
use crate::server::sso_providers::ProviderForm;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// A provider's settings. On an edit, an empty or missing `client_secret` keeps the
/// stored one unless `issuer_url` changes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderBody {
    slug: String,
    button_label: String,
    issuer_url: String,
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    scopes: String,
    #[serde(default)]
    email_domains: Vec<String>,
    #[serde(default)]
    allow_provisioning: bool,
    default_group_id: Option<i64>,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    link_by_email: bool,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryBody {
    issuer_url: String,
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let rows = sso::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "sso_providers": rows })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    let row = sso::get(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(json!(row)))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<ProviderBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    let row = sso::save(&ctx(&state, &client), &actor, None, body.into()).await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<ProviderBody>, RestError>,
) -> RestResult<Json<Value>> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    let row = sso::save(&ctx(&state, &client), &actor, Some(id), body.into()).await?;
    Ok(Json(json!(row)))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    sso::delete(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn discovery(
    caller: Caller,
    input: Result<JsonBody<DiscoveryBody>, RestError>,
) -> RestResult<Json<Value>> {
    let actor = caller.actor();
    sso::may_write(&actor)?;
    let JsonBody(body) = input?;
    let report = sso::test_discovery(&actor, &body.issuer_url).await?;
    Ok(Json(json!(report)))
}
