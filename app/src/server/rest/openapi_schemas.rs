//! The component schemas the generated half of the OpenAPI document does not carry: the
//! problem every error answers.

use serde_json::{Value, json};

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
        "health": {"type": ["string", "null"], "description": "A failed connection test: the adapter's health now (null when nothing is stored yet)"}}})
}

pub fn all() -> Value {
    json!({"Problem": problem()})
}
