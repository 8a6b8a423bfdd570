//! Where a REST request came from, and the use-case context it runs with.

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
