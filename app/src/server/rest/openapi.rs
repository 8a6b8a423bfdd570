//! `GET /api/v1/openapi.json`: the REST API described for clients and tools.

use axum::Json;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;

/// The operations whose description is generated from their handler and its types.
/// (The rest are still written out below; they move here feature by feature.)
#[derive(OpenApi)]
#[openapi(paths(
    super::audit_log::list,
    super::executions::list,
    super::executions::get,
    super::executions::cancel,
    super::notification_log::list,
    super::notification_log::get,
    super::jobs::list,
    super::jobs::get,
    super::jobs::create,
    super::jobs::update,
    super::jobs::delete,
    super::jobs::enable,
    super::jobs::disable,
    super::jobs::run,
    super::job_previews::schedule,
    super::job_previews::databases,
    super::job_previews::retention,
    super::encryption::list,
    super::encryption::get,
    super::encryption::create,
    super::encryption::delete,
    super::encryption::add_recipient,
    super::encryption::remove_recipient,
    super::storage::list,
    super::storage::download,
    super::storage::verify,
    super::storage::restore,
    super::storage::delete,
    super::users::list,
    super::users::get,
    super::users::create,
    super::users::update,
    super::users::disable,
    super::users::enable,
    super::users::reset_password,
    super::users::revoke_sessions,
    super::sso::list,
    super::sso::get,
    super::sso::create,
    super::sso::update,
    super::sso::delete,
    super::sso::discovery,
    super::settings::list,
    super::settings::update,
    super::system_notifications::get,
    super::system_notifications::save,
    super::groups::list,
    super::groups::get,
    super::groups::create,
    super::groups::update,
    super::groups::delete,
))]
struct Generated;

pub(super) fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {super::problem::CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

pub(super) fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

pub(super) fn json_content(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// The responses of an operation: `ok` (status, description, schema or `None` for an
/// empty body), the errors every route may answer, and the extra error statuses given.
pub(super) fn responses(ok: (&str, &str, Option<Value>), extra: &[&str]) -> Value {
    let mut out = Map::new();
    let (status, description, schema) = ok;
    out.insert(
        status.into(),
        match schema {
            Some(s) => json_content(description, s),
            None => json!({"description": description}),
        },
    );
    out.insert(
        "401".into(),
        error_response("Missing, unknown, revoked or expired API key"),
    );
    out.insert(
        "403".into(),
        error_response("The key lacks the permission this route needs"),
    );
    for code in extra {
        let description = match *code {
            "400" => {
                "Invalid input (a malformed path, query or body, or a validation error); `detail` says how to fix it and `errors` names the fields"
            }
            "404" => "No such resource",
            "409" => {
                "Conflicts with existing data (a duplicate name, in use by a job, a restore target that holds data, a backup this installation did not sign)"
            }
            "502" => {
                "The connection test failed: `code` is `connection_failed`, `detail` the adapter's own error, with `millis` and `health`"
            }
            _ => "Error",
        };
        out.insert((*code).into(), error_response(description));
    }
    Value::Object(out)
}

pub(super) fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema_ref(schema)}}})
}

pub(super) fn id_param() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}])
}

pub(super) fn list_of(key: &str, item: &str) -> Value {
    json!({"type": "object", "properties": {key: {"type": "array", "items": schema_ref(item)}}})
}

pub fn document() -> Value {
    let mut paths = Map::new();
    super::openapi_adapters::paths(&mut paths);
    let mut schemas = super::openapi_schemas::all();
    if let Some(map) = schemas.as_object_mut() {
        super::openapi_adapters::schemas(map);
    }
    let generated = serde_json::to_value(Generated::openapi()).unwrap_or_default();
    let mut written = Value::Object(std::mem::take(&mut paths));
    to_openapi_31(&mut written);
    to_openapi_31(&mut schemas);
    if let Value::Object(map) = written {
        paths = map;
    }
    if let Some(generated_paths) = generated["paths"].as_object() {
        for (path, item) in generated_paths {
            paths.insert(path.clone(), item.clone());
        }
    }
    if let (Some(map), Some(generated_schemas)) = (
        schemas.as_object_mut(),
        generated["components"]["schemas"].as_object(),
    ) {
        for (name, schema) in generated_schemas {
            map.insert(name.clone(), schema.clone());
        }
    }
    complete(&mut paths);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Bulwark REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Authenticate with `Authorization: Bearer bwk_…` (create keys in the console or with `bulwark api-key create`). Errors are RFC 9457 problem details (`application/problem+json`: `type`, `title`, `status`, `detail`, `code`, and `errors` naming the fields a validation error is about). Request bodies are JSON."
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        },
        "security": [{"apiKey": []}],
        "paths": paths
    })
}

/// Rewrites the 3.0 spelling of the written-out parts (`nullable: true`) as 3.1's
/// (`null` among the types), so that one document has one dialect.
fn to_openapi_31(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(to_openapi_31),
        Value::Object(map) => {
            map.values_mut().for_each(to_openapi_31);
            if map.remove("nullable") != Some(Value::Bool(true)) {
                return;
            }
            if let Some(Value::Array(choices)) = map.get_mut("enum") {
                choices.push(Value::Null);
            }
            match map.get("type").cloned() {
                Some(Value::String(t)) => {
                    map.insert("type".into(), json!([t, "null"]));
                }
                _ => {
                    if let Some(reference) = map.remove("$ref") {
                        map.insert("anyOf".into(), json!([{"$ref": reference}, {"type": "null"}]));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The refusals every operation of a kind can answer, whatever its own list says: a
/// malformed parameter (400) where it takes any, and a body axum refuses (400, 413, 415)
/// where it takes one.
fn complete(paths: &mut Map<String, Value>) {
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut() {
            let takes_params = operation
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|p| !p.is_empty());
            let takes_body = operation.get("requestBody").is_some();
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            // Generated error responses name their status only: the body is a problem.
            for (code, response) in responses.iter_mut() {
                if (code.starts_with('4') || code.starts_with('5'))
                    && response.get("content").is_none()
                    && let Some(description) = response.get("description").and_then(Value::as_str)
                {
                    *response = error_response(description);
                }
            }
            let mut add = |code: &str, description: &str| {
                if !responses.contains_key(code) {
                    responses.insert(code.into(), error_response(description));
                }
            };
            add("401", "Missing, unknown, revoked or expired API key");
            add("403", "The key lacks the permission this route needs");
            if takes_params || takes_body {
                add(
                    "400",
                    "Invalid input (a malformed path, query or body, or a validation error); `detail` says how to fix it and `errors` names the fields",
                );
            }
            if takes_body {
                add("413", "The request body is too large");
                add(
                    "415",
                    "The request body is not JSON (`Content-Type: application/json`)",
                );
            }
        }
    }
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
