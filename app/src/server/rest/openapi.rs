//! `GET /api/v1/openapi.json`: the REST API described for clients and tools.

use axum::Json;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;

/// The operations whose description is generated from their handler and its types.
/// (The rest are still written out below; they move here feature by feature.)
#[derive(OpenApi)]
#[openapi(paths(
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
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}])
}

pub(super) fn list_of(key: &str, item: &str) -> Value {
    json!({"type": "object", "properties": {key: {"type": "array", "items": schema_ref(item)}}})
}

fn audit_paths(paths: &mut Map<String, Value>) {
    let text = |name: &str, description: &str| json!({"name": name, "in": "query", "description": description, "schema": {"type": "string"}});
    paths.insert("/api/v1/audit".into(), json!({"get": {
        "summary": "The audit log, newest first, with the console's filters (permission audit:read)",
        "parameters": [
            text("actor", "A part of the actor's label (an email, `api-key:NAME`, `system`), any case"),
            text("action", "An exact action (`job.create`) or a prefix ending in `.` or `*`"),
            text("resource_type", "An exact resource type (`job`)"),
            {"name": "outcome", "in": "query", "schema": {"type": "string", "enum": ["success", "failure", "any"]}},
            text("from", "First day, `YYYY-MM-DD` (UTC, inclusive)"),
            text("to", "Last day, `YYYY-MM-DD` (UTC, inclusive)"),
            {"name": "before", "in": "query", "description": "Keyset pagination: the `next_before` of the previous page", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
        ],
        "responses": responses(("200", "A page of entries", Some(json!({"type": "object",
            "properties": {"rows": {"type": "array", "items": schema_ref("AuditEntry")},
                           "next_before": {"type": "integer", "nullable": true}}}))), &["400"])
    }}));
}

fn execution_paths(paths: &mut Map<String, Value>) {
    paths.insert("/api/v1/executions".into(), json!({"get": {
        "summary": "List executions, newest first (permission executions:read)",
        "parameters": [
            {"name": "job_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "status", "in": "query", "schema": {"type": "string"}},
            {"name": "before", "in": "query", "description": "Keyset pagination: the `next_before` of the previous page", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
        ],
        "responses": responses(("200", "A page of executions", Some(json!({"type": "object",
            "properties": {"executions": {"type": "array", "items": schema_ref("Execution")},
                           "next_before": {"type": "integer", "nullable": true}}}))), &["400"])
    }}));
    paths.insert(
        "/api/v1/executions/{id}".into(),
        json!({"get": {
            "summary": "One execution with its per-destination results and log (permission executions:read)",
            "parameters": id_param(),
            "responses": responses(("200", "The execution", Some(schema_ref("Execution"))), &["404"])
        }}),
    );
    paths.insert("/api/v1/executions/{id}/cancel".into(), json!({"post": {
        "summary": "Cancel a pending execution, or ask a running one to stop (permission executions:cancel)",
        "parameters": id_param(),
        "responses": responses(("202", "Accepted", Some(json!({"type": "object", "properties": {"execution_id": {"type": "integer"},
            "outcome": {"type": "string", "enum": ["cancelled", "requested", "already_finished"]}}}))), &["404"])
    }}));
}

fn job_paths(paths: &mut Map<String, Value>) {
    let job = || Some(schema_ref("Job"));
    paths.insert(
        "/api/v1/jobs".into(),
        json!({
            "get": {
                "summary": "List jobs by name (permission jobs:read)",
                "responses": responses(("200", "Every job", Some(list_of("jobs", "Job"))), &[])
            },
            "post": {
                "summary": "Create a job and schedule it when enabled (permission jobs:write)",
                "requestBody": body("JobInput"),
                "responses": responses(("201", "The new job", job()), &["400", "409"])
            }
        }),
    );
    paths.insert(
        "/api/v1/jobs/{id}".into(),
        json!({
            "get": {
                "summary": "One job with its destinations (permission jobs:read)",
                "parameters": id_param(),
                "responses": responses(("200", "The job", job()), &["404"])
            },
            "put": {
                "summary": "Replace the job's settings and reschedule it (permission jobs:write)",
                "parameters": id_param(),
                "requestBody": body("JobInput"),
                "responses": responses(("200", "The job as stored", job()), &["400", "404", "409"])
            },
            "delete": {
                "summary": "Unschedule and delete the job; its executions stay (permission jobs:write)",
                "parameters": id_param(),
                "responses": responses(("204", "Deleted", None), &["404"])
            }
        }),
    );
    for (action, summary) in [
        ("enable", "Enable the job and schedule it (permission jobs:write)"),
        (
            "disable",
            "Disable the job and unschedule it (permission jobs:write)",
        ),
    ] {
        paths.insert(
            format!("/api/v1/jobs/{{id}}/{action}"),
            json!({"post": {
                "summary": summary,
                "parameters": id_param(),
                "responses": responses(("200", "The job as stored", job()), &["404"])
            }}),
        );
    }
    paths.insert("/api/v1/jobs/{id}/run".into(), json!({"post": {
        "summary": "Queue a run of the job now (permission jobs:execute); poll /api/v1/executions/{execution_id}",
        "parameters": id_param(),
        "responses": responses(("202", "Accepted", Some(json!({"type": "object", "required": ["execution_id"],
            "properties": {"execution_id": {"type": "integer"}}}))), &["404"])
    }}));
}

/// One adapter collection: its URL segment, what one is called, the list answer's key and
/// the permission prefix (`sources` for `sources:read`).
struct Collection<'a> {
    path: &'a str,
    singular: &'a str,
    key: &'a str,
    perm: &'a str,
}

fn adapter_paths(paths: &mut Map<String, Value>, c: Collection<'_>) {
    let Collection {
        path: plural,
        singular,
        key,
        perm,
    } = c;
    let one = || Some(schema_ref("Adapter"));
    paths.insert(format!("/api/v1/{plural}"), json!({
        "get": {
            "summary": format!("List {plural} by name (permission {perm}:read)"),
            "responses": responses(("200", "Every one", Some(list_of(key, "Adapter"))), &[])
        },
        "post": {
            "summary": format!("Create a {singular}; the config is checked against the adapter's schema and constructor (permission {perm}:write)"),
            "requestBody": body("AdapterCreate"),
            "responses": responses(("201", "The new one, secrets shown only as set/unset", one()), &["400", "409"])
        }
    }));
    paths.insert(format!("/api/v1/{plural}/{{id}}"), json!({
        "get": {
            "summary": format!("One {singular} (permission {perm}:read)"),
            "parameters": id_param(),
            "responses": responses(("200", "Secrets shown only as set/unset", one()), &["404"])
        },
        "put": {
            "summary": format!("Edit a {singular}; secrets left out or empty keep their value (permission {perm}:write)"),
            "parameters": id_param(),
            "requestBody": body("AdapterUpdate"),
            "responses": responses(("200", "The stored one", one()), &["400", "404", "409"])
        },
        "delete": {
            "summary": format!("Delete a {singular}; refused with 409 while a job uses it (permission {perm}:write)"),
            "parameters": id_param(),
            "responses": responses(("204", "Deleted", None), &["404", "409"])
        }
    }));
    paths.insert(format!("/api/v1/{plural}/{{id}}/test"), json!({"post": {
        "summary": format!("Test the stored {singular} (a connection of at most 15 s, or a test message for a notification channel) and record the result as its health (permission {perm}:write)"),
        "parameters": id_param(),
        "responses": responses(("200", "Connected", Some(schema_ref("ConnectionOk"))), &["404", "502"])
    }}));
}

fn notification_log_paths(paths: &mut Map<String, Value>) {
    let text = |name: &str, description: &str| json!({"name": name, "in": "query", "description": description, "schema": {"type": "string"}});
    paths.insert("/api/v1/notification-log".into(), json!({"get": {
        "summary": "Every notification delivery, newest first, 50 a page (permission notifications:read)",
        "parameters": [
            text("event", "An event id (`backup_failure`, `test`, …)"),
            {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["sent", "failed"]}},
            {"name": "channel_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "before_id", "in": "query", "description": "Keyset pagination: the `next_before` of the previous page", "schema": {"type": "integer"}}
        ],
        "responses": responses(("200", "A page of deliveries", Some(json!({"type": "object",
            "properties": {"rows": {"type": "array", "items": schema_ref("NotificationDelivery")},
                           "next_before": {"type": "integer", "nullable": true}}}))), &["400"])
    }}));
    paths.insert("/api/v1/notification-log/{id}".into(), json!({"get": {
        "summary": "What one delivery sent (permission notifications:read)",
        "parameters": id_param(),
        "responses": responses(("200", "The payload as sent", Some(schema_ref("NotificationPreview"))), &["404"])
    }}));
}

fn encryption_paths(paths: &mut Map<String, Value>) {
    let one = || Some(schema_ref("EncryptionProfile"));
    paths.insert("/api/v1/encryption-profiles".into(), json!({
        "get": {
            "summary": "List encryption profiles (permission encryption:read)",
            "responses": responses(("200", "Every profile", Some(list_of("encryption_profiles", "EncryptionProfile"))), &[])
        },
        "post": {
            "summary": "Create a profile with a fresh age identity, sealed on the server; the identity is never returned here (permission encryption:write)",
            "requestBody": body("ProfileCreate"),
            "responses": responses(("201", "The new profile", one()), &["400", "409"])
        }
    }));
    paths.insert("/api/v1/encryption-profiles/{id}".into(), json!({
        "get": {
            "summary": "One profile (permission encryption:read)",
            "parameters": id_param(),
            "responses": responses(("200", "The profile", one()), &["404"])
        },
        "delete": {
            "summary": "Delete a profile; refused with 409 while a job uses it (permission encryption:write)",
            "parameters": id_param(),
            "responses": responses(("204", "Deleted", None), &["404", "409"])
        }
    }));
    paths.insert("/api/v1/encryption-profiles/{id}/recipients".into(), json!({
        "post": {
            "summary": "Add an extra recipient every backup is also encrypted to (permission encryption:write)",
            "parameters": id_param(),
            "requestBody": body("Recipient"),
            "responses": responses(("200", "The profile", one()), &["400", "404", "409"])
        },
        "delete": {
            "summary": "Remove an extra recipient, named in the body (permission encryption:write)",
            "parameters": id_param(),
            "requestBody": body("Recipient"),
            "responses": responses(("200", "The profile", one()), &["400", "404"])
        }
    }));
}

pub fn document() -> Value {
    let mut paths = Map::new();
    audit_paths(&mut paths);
    execution_paths(&mut paths);
    job_paths(&mut paths);
    adapter_paths(
        &mut paths,
        Collection {
            path: "sources",
            singular: "source",
            key: "sources",
            perm: "sources",
        },
    );
    adapter_paths(
        &mut paths,
        Collection {
            path: "destinations",
            singular: "destination",
            key: "destinations",
            perm: "destinations",
        },
    );
    adapter_paths(
        &mut paths,
        Collection {
            path: "notification-channels",
            singular: "notification channel",
            key: "notification_channels",
            perm: "notifications",
        },
    );
    notification_log_paths(&mut paths);
    encryption_paths(&mut paths);
    super::openapi_storage::paths(&mut paths);
    super::openapi_admin::paths(&mut paths);
    paths.insert("/api/v1/adapter-types".into(), json!({"get": {
        "summary": "The adapter types and their config fields (permission sources:read, destinations:read and/or notifications:read; only the readable kinds are listed)",
        "responses": responses(("200", "Adapter types by kind", Some(json!({"type": "object", "properties": {
            "sources": {"type": "array", "items": schema_ref("AdapterType")},
            "destinations": {"type": "array", "items": schema_ref("AdapterType")},
            "notification_channels": {"type": "array", "items": schema_ref("AdapterType")}}}))), &[])
    }}));
    let mut schemas = super::openapi_schemas::all();
    if let Some(map) = schemas.as_object_mut() {
        super::openapi_admin::schemas(map);
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
