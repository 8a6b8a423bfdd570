//! A JSON request body whose refusals are problem details naming the field (axum's own
//! answer is plain text). Take it as `Result<JsonBody<T>, RestError>` so the permission
//! check can run before the body is judged.

use super::error::RestError;
use super::problem::FieldError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = RestError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(RestError::rejected(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON, with `Content-Type: application/json`.".into(),
                Vec::new(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            RestError::rejected(
                r.status(),
                format!("The request body was not accepted: {}", r.body_text()),
                Vec::new(),
            )
        })?;
        parse(&bytes).map(JsonBody)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json")))
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RestError> {
    let mut input = serde_json::Deserializer::from_slice(bytes);
    let refused = |field: Option<String>, detail: String| {
        let message = match &field {
            Some(f) => format!("The request body was not accepted: `{f}`: {detail}"),
            None => format!("The request body was not accepted: {detail}"),
        };
        let fields = field
            .map(|field| vec![FieldError { field, detail }])
            .unwrap_or_default();
        RestError::rejected(StatusCode::BAD_REQUEST, message, fields)
    };
    let mut json: Value =
        serde::Deserialize::deserialize(&mut input).map_err(|e| refused(None, e.to_string()))?;
    input.end().map_err(|e| refused(None, e.to_string()))?;
    integral_floats_as_integers(&mut json);
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        refused(field, e.into_inner().to_string())
    })
}

/// JSON Schema counts `4.0` as an integer, and so does this API: a number with no
/// fraction that fits is read as the integer it is.
fn integral_floats_as_integers(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = Value::from(f as i64);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Job {
        name: String,
        destinations: Vec<i64>,
    }

    #[test]
    fn a_refused_body_names_its_field() {
        let e = parse::<Job>(br#"{"name": "x", "destinations": [1, "two"]}"#).unwrap_err();
        assert_eq!(e.fields[0].field, "destinations[1]");
        assert_eq!(e.problem().status, 400);
        let unknown = parse::<Job>(br#"{"name": "x", "destinations": [], "extra": 1}"#).unwrap_err();
        assert!(unknown.problem().detail.contains("unknown field `extra`"));
        let broken = parse::<Job>(b"{\"name\": ").unwrap_err();
        assert!(broken.fields.is_empty());
        assert!(parse::<Job>(br#"{"name": "x", "destinations": []} trailing"#).is_err());
        assert!(parse::<Job>(br#"{"name": "x", "destinations": [3]}"#).is_ok());
        let whole: Job = parse(br#"{"name": "x", "destinations": [3.0, -2.0]}"#).unwrap();
        assert_eq!(whole.destinations, vec![3, -2]);
        let e = parse::<Job>(br#"{"name": "x", "destinations": [3.5]}"#).unwrap_err();
        assert_eq!(e.fields[0].field, "destinations[0]");
    }

    #[test]
    fn json_media_types() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, v.parse().unwrap());
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
