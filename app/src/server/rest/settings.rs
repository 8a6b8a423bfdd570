//! Runtime settings under `/api/v1/settings`: read them all, change some: the use cases
//! of `core::settings` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::api::error::ApiError;
use crate::api::settings::SettingView;
use crate::core::settings;
use crate::server::settings::SPECS;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// New values by setting key; every value is checked before any is stored.
    #[schema(schema_with = values_schema)]
    values: Map<String, Value>,
}

#[derive(Serialize, ToSchema)]
pub struct SettingList {
    settings: Vec<SettingView>,
}

/// Each known setting with its range, from the settings' own declarations: an integer,
/// or a switch given as `true`/`false` or 1/0.
fn values_schema() -> impl Into<RefOr<Schema>> {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for spec in SPECS {
        let number = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(spec.min))
            .maximum(Some(spec.max))
            .description(Some(format!("{} ({})", spec.label, spec.help)));
        object = if spec.switch {
            let choice = OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::Boolean))
                .item(number);
            object.property(spec.key, choice)
        } else {
            object.property(spec.key, number)
        };
    }
    object
}

/// A value as the settings' form text; `true`/`false` only for a switch. (An unknown key
/// passes through, for the use case to name it.)
fn as_text(key: &str, value: &Value) -> Result<String, ApiError> {
    let switch = crate::server::settings::spec(key).is_none_or(|s| s.switch);
    match value {
        Value::Number(n) if n.is_i64() => Ok(n.to_string()),
        Value::Bool(b) if switch => Ok(if *b { "1" } else { "0" }.to_string()),
        _ => Err(ApiError::Invalid(format!(
            "The value of “{key}” must be an integer (or true/false for a switch)."
        ))),
    }
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "settings",
    summary = "Every runtime setting with its range and default (permission settings:read)",
    responses((status = 200, description = "Every setting", body = SettingList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<SettingList>> {
    let settings = settings::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(SettingList { settings }))
}

/// Validates every value before storing any; answers every setting after saving.
#[utoipa::path(put, path = "/api/v1/settings", tag = "settings", request_body = SettingsBody,
    summary = "Change some settings; nothing is stored unless every value is valid (permission settings:write)",
    responses((status = 200, description = "Every setting after saving", body = SettingList)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<SettingsBody>, RestError>,
) -> RestResult<Json<SettingList>> {
    let actor = caller.actor();
    settings::may_write(&actor)?;
    let JsonBody(body) = input?;
    let values = body
        .values
        .iter()
        .map(|(k, v)| Ok((k.clone(), as_text(k, v)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let settings = settings::update(&ctx(&state, &client), &actor, values).await?;
    Ok(Json(SettingList { settings }))
}
