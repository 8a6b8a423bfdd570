//! Audit entries for changes made through the REST API, attributed to the API key.

use super::error::RestResult;
use crate::server::api_keys::ApiCaller;
use crate::server::audit::{self, Actor, Entry};
use crate::server::auth::ClientInfo;
use crate::server::state::AppState;
use axum::extract::FromRequestParts;
use http::request::Parts;
use std::convert::Infallible;

/// Where the request came from (empty when the middleware did not record it).
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(
            parts.extensions.get::<ClientInfo>().cloned().unwrap_or_default(),
        ))
    }
}

/// The context a use case runs with for this request.
pub fn ctx<'a>(state: &'a AppState, client: &'a Client) -> crate::core::Ctx<'a> {
    crate::core::Ctx {
        state,
        client: &client.0,
    }
}

pub async fn record(state: &AppState, key: &ApiCaller, client: &Client, entry: Entry<'_>) -> RestResult<()> {
    audit::record(
        &state.db,
        Actor::Anonymous(&format!("api-key:{}", key.name)),
        &client.0,
        entry,
    )
    .await?;
    Ok(())
}
