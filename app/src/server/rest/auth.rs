//! The REST API's caller: an API key in `Authorization: Bearer bwk_…`.

use super::error::RestError;
use crate::api::error::ApiError;
use crate::server::api_keys::{self, ApiCaller};
use crate::server::state::AppState;
use axum::extract::FromRequestParts;
use http::request::Parts;

pub struct Caller(pub ApiCaller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(RestError::new(ApiError::Unauthenticated))?;
        match api_keys::authenticate(&state.db, key, chrono::Utc::now()).await? {
            Some(caller) => Ok(Caller(caller)),
            None => Err(RestError::new(ApiError::Unauthenticated)),
        }
    }
}

impl Caller {
    /// The key as the actor of a use case (which checks its permission).
    pub fn actor(&self) -> crate::core::Actor {
        crate::core::Actor::ApiKey(self.0.clone())
    }
}
