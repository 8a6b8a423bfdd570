//! A JSON request body whose rejections answer in the REST error format (400) instead of
//! axum's plain text. Take it as `Result<JsonBody<T>, RestError>` so the permission check
//! can run before the body is judged.

use super::error::RestError;
use crate::api::error::ApiError;
use axum::Json;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = RestError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(RestError(ApiError::invalid(format!(
                "The request body was not accepted: {}",
                rejection.body_text()
            )))),
        }
    }
}
