//! Runtime settings under `/api/v1/settings`: read them all, change some: the use cases
//! of `core::settings` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::api::error::ApiError;
use crate::core::settings;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// New values by setting key: integers, or `true`/`false` for a switch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    values: Map<String, Value>,
}

fn as_text(key: &str, value: &Value) -> Result<String, ApiError> {
    match value {
        Value::Number(n) if n.is_i64() => Ok(n.to_string()),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        _ => Err(ApiError::Invalid(format!(
            "The value of “{key}” must be an integer (or true/false for a switch)."
        ))),
    }
}

pub async fn list(State(state): State<AppState>, caller: Caller, client: Client) -> RestResult<Json<Value>> {
    let rows = settings::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(json!({ "settings": rows })))
}

/// Validates every value before storing any; answers every setting after saving.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<SettingsBody>, RestError>,
) -> RestResult<Json<Value>> {
    let actor = caller.actor();
    settings::may_write(&actor)?;
    let JsonBody(body) = input?;
    let values = body
        .values
        .iter()
        .map(|(k, v)| Ok((k.clone(), as_text(k, v)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let rows = settings::update(&ctx(&state, &client), &actor, values).await?;
    Ok(Json(json!({ "settings": rows })))
}
