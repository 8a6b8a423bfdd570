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

fn execution() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "job_id": {"type": "integer", "nullable": true},
        "kind": {"type": "string", "enum": ["backup", "restore", "verify"]},
        "status": {"type": "string", "enum": ["pending", "running", "success", "partial", "failed", "cancelled", "skipped"]},
        "trigger": {"type": "string"}, "created_at": time(),
        "started_at": nullable_time(), "finished_at": nullable_time(),
        "raw_bytes": {"type": "integer", "nullable": true}, "stored_bytes": {"type": "integer", "nullable": true},
        "checksum_sha256": {"type": "string", "nullable": true}, "error": {"type": "string", "nullable": true}}})
}

fn retention() -> Value {
    json!({"type": "object", "required": ["kind"],
        "description": "{\"kind\": \"keep_all\"}, {\"kind\": \"keep_last\", \"count\": 7} or {\"kind\": \"gfs\", \"daily\": 7, \"weekly\": 4, \"monthly\": 12, \"yearly\": 0}",
        "properties": {
            "kind": {"type": "string", "enum": ["keep_all", "keep_last", "gfs"]},
            "count": {"type": "integer", "minimum": 1},
            "daily": {"type": "integer"}, "weekly": {"type": "integer"},
            "monthly": {"type": "integer"}, "yearly": {"type": "integer"}}})
}

fn job_channel() -> Value {
    json!({"type": "object", "required": ["channel_id", "filter"], "properties": {
        "channel_id": {"type": "integer", "description": "A notification channel's id"},
        "filter": {"type": "string", "enum": ["always", "failure", "success"],
            "description": "Which runs: every run, failures (including partial) only, or successes only"}}})
}

fn job() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string", "nullable": true},
        "cron": {"type": "string"}, "timezone": {"type": "string"}, "enabled": {"type": "boolean"},
        "compression": {"type": "string", "enum": ["zstd", "gzip", "brotli", "none"]},
        "compression_level": {"type": "integer", "nullable": true}, "retention": retention(),
        "source_id": {"type": "integer"}, "databases": {"type": "array", "items": {"type": "string"}},
        "encryption_profile_id": {"type": "integer", "nullable": true},
        "destinations": {"type": "array", "items": {"type": "object", "properties": {
            "destination_id": {"type": "integer"}, "priority": {"type": "integer"}}}},
        "notifications": {"type": "array", "items": job_channel()},
        "last_run_at": nullable_time(), "created_at": time(), "updated_at": time()}})
}

fn job_input() -> Value {
    json!({"type": "object", "required": ["name", "source_id", "destinations", "cron"],
        "description": "Also accepts a job as GET returns it (extra fields are ignored). PUT replaces the whole job: fields left out take the defaults below.",
        "properties": {
            "name": {"type": "string", "maxLength": 100},
            "source_id": {"type": "integer"},
            "databases": {"type": "array", "items": {"type": "string"}, "description": "Empty or absent: every database of the source"},
            "destinations": {"type": "array", "minItems": 1, "description": "Destination ids (or {\"destination_id\"} objects) in priority order",
                "items": {"oneOf": [{"type": "integer"}, {"type": "object", "required": ["destination_id"], "properties": {"destination_id": {"type": "integer"}}}]}},
            "compression": {"type": "string", "enum": ["zstd", "gzip", "brotli", "none"], "default": "zstd"},
            "compression_level": {"type": "integer", "nullable": true, "description": "null: the codec's default"},
            "encryption_profile_id": {"type": "integer", "nullable": true, "description": "null: stored unencrypted"},
            "cron": {"type": "string", "description": "Six fields with seconds, e.g. `0 0 3 * * *`"},
            "timezone": {"type": "string", "default": "UTC", "description": "IANA zone, e.g. Europe/Paris"},
            "retention": {"allOf": [retention()], "description": "Default: keep_last 7"},
            "notifications": {"type": "array", "items": job_channel(), "default": [],
                "description": "Notification channels told about the job's runs, each at most once; absent or empty: none"},
            "enabled": {"type": "boolean", "default": true}}})
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

fn encryption_profile() -> Value {
    json!({"type": "object", "description": "The identity (secret key) is never part of the REST API.",
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"},
            "recipient": {"type": "string", "description": "The profile's own age1… public key"},
            "extra_recipients": {"type": "array", "items": {"type": "string"}},
            "identity_downloaded_at": {"type": "string", "nullable": true}}})
}

fn audit_entry() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "at": {"type": "string", "description": "RFC 3339, UTC"},
        "actor": {"type": "string", "description": "An email, `api-key:NAME` or `system`"},
        "action": {"type": "string", "example": "job.create"},
        "resource_type": {"type": "string"}, "resource_id": {"type": "string", "nullable": true},
        "summary": {"type": "string"}, "success": {"type": "boolean"},
        "ip": {"type": "string", "nullable": true}, "user_agent": {"type": "string", "nullable": true}}})
}

fn notification_delivery() -> Value {
    let text = json!({"type": "string"});
    let maybe_text = json!({"type": "string", "nullable": true});
    let maybe_id = json!({"type": "integer", "nullable": true});
    json!({"type": "object", "required": ["id", "created_at", "event", "channel", "sent", "attempts", "title"], "properties": {
        "id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "event": {"type": "string", "example": "backup_failure"},
        "event_label": text,
        "channel": {"type": "string", "description": "The adapter id (`slack`, `email`, …)"},
        "channel_name": {"type": "string", "nullable": true, "description": "The channel's current name; null once it is deleted"},
        "channel_id": maybe_id,
        "execution_id": maybe_id,
        "sent": {"type": "boolean"},
        "attempts": {"type": "integer"},
        "title": text,
        "error": maybe_text}})
}

pub fn all() -> Value {
    json!({
        "Problem": problem(),
        "AuditEntry": audit_entry(),
        "Execution": execution(),
        "Job": job(),
        "JobInput": job_input(),
        "Adapter": adapter(),
        "AdapterCreate": adapter_create(),
        "AdapterUpdate": adapter_update(),
        "AdapterType": adapter_type(),
        "ConnectionOk": connection_ok(),
        "EncryptionProfile": encryption_profile(),
        "ProfileCreate": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 100}, "description": {"type": "string"}}},
        "Recipient": {"type": "object", "required": ["recipient"], "properties": {
            "recipient": {"type": "string", "description": "An age1… X25519 public key"}}},
        "NotificationDelivery": notification_delivery(),
        "NotificationPreview": {"type": "object", "required": ["id", "channel", "payload"], "properties": {
            "id": {"type": "integer"},
            "channel": {"type": "string", "description": "The adapter id (`slack`, `email`, …)"},
            "payload": {"type": "string", "description": "The body exactly as sent"},
            "html": {"type": "string", "nullable": true, "description": "The HTML part of an email"},
            "error": {"type": "string", "nullable": true}}}
    })
}
