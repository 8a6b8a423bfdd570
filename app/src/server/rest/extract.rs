//! Path and query extractors whose refusals are problem details naming the parameter
//! (axum's own answer in plain text). Handlers take them like axum's.

use super::error::RestError;
use super::problem::FieldError;
use axum::extract::FromRequestParts;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                // A lone `Path<i64>` is refused without the parameter's name: take it
                // from the route.
                let only = match axum::extract::RawPathParams::from_request_parts(parts, state).await {
                    Ok(raw) if raw.iter().count() == 1 => raw.iter().next().map(|(k, _)| k.to_string()),
                    _ => None,
                };
                Err(path_rejection(rejection, only))
            }
        }
    }
}

fn path_rejection(rejection: PathRejection, only: Option<String>) -> RestError {
    let detail = rejection.body_text();
    let field = match &rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::ParseErrorAtKey { key, .. }
            | ErrorKind::InvalidUtf8InPathParam { key }
            | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
            _ => None,
        },
        _ => None,
    }
    .or(only);
    RestError::rejected(
        StatusCode::BAD_REQUEST,
        format!("The path was not accepted: {detail}"),
        field
            .map(|field| vec![FieldError { field, detail }])
            .unwrap_or_default(),
    )
}

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or("")).map(Query)
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, RestError> {
    let input = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(input).map_err(|e| {
        let field = e.path().to_string();
        let detail = e.inner().to_string();
        RestError::rejected(
            StatusCode::BAD_REQUEST,
            format!("The query parameter `{field}` was not accepted: {detail}"),
            vec![FieldError { field, detail }],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        limit: Option<u64>,
        #[serde(default)]
        object: String,
    }

    #[test]
    fn a_refused_query_names_its_parameter() {
        let e = parse_query::<Page>("limit=ten&object=a").unwrap_err();
        assert_eq!(e.fields[0].field, "limit");
        assert!(e.problem().detail.contains("`limit`"), "{}", e.problem().detail);
        assert_eq!(e.problem().status, 400);
        let ok: Page = parse_query("limit=5&object=a%2Fb").unwrap();
        assert_eq!((ok.limit, ok.object.as_str()), (Some(5), "a/b"));
    }
}
