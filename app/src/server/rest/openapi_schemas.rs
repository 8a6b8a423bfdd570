//! The component schemas of the OpenAPI document.

use serde_json::{Value, json};

fn time() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn nullable_time() -> Value {
    json!({"type": "string", "format": "date-time", "nullable": true})
}

/// An RFC 9457 problem.
fn problem() -> Value {
    json!({"type": "object", "required": ["type", "title", "status", "detail", "code"], "properties": {
        "type": {"type": "string", "description": "`urn:bulwark:problem:` and the code"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong and how to fix it"},
        "code": {"type": "string", "description": "unauthenticated, forbidden, invalid, not_found, conflict, rate_limited, reauthentication_required, method_not_allowed, payload_too_large, unsupported_media_type, connection_failed, unavailable, internal, …"},
        "errors": {"type": "array", "description": "The fields a validation error is about",
            "items": {"type": "object", "required": ["field", "detail"], "properties": {
                "field": {"type": "string", "description": "A body field (`destinations[0]`), a query or a path parameter"},
                "detail": {"type": "string"}}}},
        "millis": {"type": "integer", "description": "A failed connection test: how long it took"},
        "health": {"type": "string", "description": "A failed connection test: the adapter's health now"}}})
}

fn adapter() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["source", "destination"]},
        "name": {"type": "string"}, "adapter_id": {"type": "string"}, "adapter_label": {"type": "string"},
        "config": {"type": "object", "description": "The non-secret settings, typed as the adapter's schema says"},
        "secrets": {"type": "object", "description": "Each secret field of the schema: \"set\" or \"unset\". Values are never returned.",
            "additionalProperties": {"type": "string", "enum": ["set", "unset"]}},
        "health": {"type": "string", "enum": ["unknown", "online", "degraded", "offline"]},
        "last_check_at": nullable_time(), "last_error": {"type": "string", "nullable": true},
        "created_at": time(), "updated_at": time()}})
}

fn adapter_create() -> Value {
    json!({"type": "object", "required": ["adapter_id", "name"], "properties": {
        "adapter_id": {"type": "string", "description": "An id from GET /api/v1/adapter-types, e.g. postgres, mysql, sqlite, local, s3"},
        "name": {"type": "string", "maxLength": 100},
        "config": {"type": "object", "description": "Field name → value per the adapter's schema (strings, numbers, booleans, lists). A boolean left out takes its default."}}})
}

fn adapter_update() -> Value {
    json!({"type": "object", "properties": {
        "adapter_id": {"type": "string", "description": "Optional; must be the stored adapter (it cannot be changed)"},
        "name": {"type": "string", "description": "Absent: keeps the name"},
        "config": {"type": "object", "description": "Absent: keeps the whole config. Present: replaces it, except that a secret field left out, empty or \"set\" keeps its stored value."}}})
}

fn adapter_type() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "label": {"type": "string"},
        "fields": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "label": {"type": "string"},
            "kind": {"type": "string", "enum": ["text", "password", "number", "bool", "url", "path", "select", "textarea", "list"]},
            "required": {"type": "boolean"}, "secret": {"type": "boolean"},
            "default": {"type": "string", "nullable": true}, "help": {"type": "string", "nullable": true},
            "options": {"type": "array", "items": {"type": "string"}}}}}}})
}

fn connection_ok() -> Value {
    json!({"type": "object", "properties": {
        "ok": {"type": "boolean", "enum": [true]}, "message": {"type": "string"},
        "millis": {"type": "integer"}, "health": {"type": "string"}}})
}

pub fn all() -> Value {
    json!({
        "Problem": problem(),
        "Adapter": adapter(),
        "AdapterCreate": adapter_create(),
        "AdapterUpdate": adapter_update(),
        "AdapterType": adapter_type(),
        "ConnectionOk": connection_ok()
    })
}
