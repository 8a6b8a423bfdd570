//! The OpenAPI description of a destination's backups (`/destinations/{id}/backups…`).

use super::openapi::{id_param, responses};
use serde_json::{Map, Value, json};

fn backup() -> Value {
    json!({"type": "object", "properties": {
        "object": {"type": "string", "description": "The object's key in the destination"},
        "job": {"type": "string", "nullable": true},
        "source_kind": {"type": "string", "example": "postgres"},
        "databases": {"type": "array", "items": {"type": "string"}},
        "created_at": {"type": "string", "format": "date-time"},
        "stored_bytes": {"type": "integer"},
        "raw_bytes": {"type": "integer"},
        "sha256": {"type": "string"},
        "compression": {"type": "string"},
        "encryption": {"type": "string", "enum": ["none", "age-x25519", "age-passphrase"]},
        "key_profile": {"type": "string", "nullable": true, "description": "The encryption profile holding the key"},
        "problem": {"type": "string", "nullable": true, "description": "Why it cannot be restored here (object missing, no key)"},
        "untrusted": {"type": "string", "nullable": true, "description": "Set when this installation did not sign the manifest (unsigned, or signed with another key): reading it needs `trust_unsigned`"},
        "default_source_id": {"type": "integer", "nullable": true},
        "default_database": {"type": "string"}
    }})
}

fn listing() -> Value {
    json!({"type": "object", "properties": {
        "destination_id": {"type": "integer"},
        "destination": {"type": "string"},
        "location": {"type": "string"},
        "backups": {"type": "array", "items": backup(), "description": "Newest first, at most 500"},
        "unreadable": {"type": "array", "items": {"type": "array", "items": {"type": "string"}},
            "description": "[manifest key, reason] for manifests that could not be read"},
        "other_files": {"type": "integer", "description": "Files without a manifest (not backups; never touched)"},
        "total_manifests": {"type": "integer"},
        "can_download": {"type": "boolean"},
        "can_restore": {"type": "boolean"},
        "can_delete": {"type": "boolean"}
    }})
}

fn object_query() -> Value {
    json!([
        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
        {"name": "object", "in": "query", "required": true, "schema": {"type": "string"}}
    ])
}

fn queued() -> Value {
    json!({"type": "object", "properties": {"execution_id": {"type": "integer"}}})
}

fn json_body(properties: Value, required: &[&str]) -> Value {
    json!({"required": true, "content": {"application/json": {"schema":
        {"type": "object", "properties": properties, "required": required}}}})
}

pub fn paths(paths: &mut Map<String, Value>) {
    paths.insert("/api/v1/destinations/{id}/backups".into(), json!({
        "get": {
            "summary": "The backups in a destination, read from their manifests (permission storage:read)",
            "parameters": id_param(),
            "responses": responses(("200", "The listing", Some(listing())), &["400", "404"])
        },
        "delete": {
            "summary": "Delete a backup: the object, then its manifest (permission storage:delete)",
            "parameters": object_query(),
            "responses": responses(("200", "Deleted", Some(json!({"type": "object",
                "properties": {"deleted": {"type": "string"}}}))), &["400", "404"])
        }
    }));
    paths.insert("/api/v1/destinations/{id}/backups/download".into(), json!({"get": {
        "summary": "The backup object as stored (compressed, encrypted when it was); its SHA-256 in `x-bulwark-sha256` (permission storage:download)",
        "parameters": object_query(),
        "responses": responses(("200", "The object's bytes", Some(json!({"type": "string", "format": "binary"}))), &["400", "404"])
    }}));
    paths.insert("/api/v1/destinations/{id}/backups/verify".into(), json!({"post": {
        "summary": "Queue a verify (checksum, decryption, decompression) as an execution (permission storage:restore)",
        "parameters": id_param(),
        "requestBody": json_body(json!({
            "object": {"type": "string"},
            "trust_unsigned": {"type": "boolean", "default": false, "description": "Read a backup whose manifest this installation did not sign (409 otherwise)"}
        }), &["object"]),
        "responses": responses(("202", "Queued", Some(queued())), &["400", "404", "409"])
    }}));
    paths.insert("/api/v1/destinations/{id}/backups/restore".into(), json!({"post": {
        "summary": "Queue a restore into a database of a source of the backup's kind; a new name creates it (permission storage:restore)",
        "parameters": id_param(),
        "requestBody": json_body(json!({
            "object": {"type": "string"},
            "source_id": {"type": "integer"},
            "database": {"type": "string"},
            "replace": {"type": "boolean", "default": false, "description": "Replace a database that exists and holds data (409 otherwise)"},
            "trust_unsigned": {"type": "boolean", "default": false, "description": "Restore a backup whose manifest this installation did not sign (409 otherwise)"}
        }), &["object", "source_id", "database"]),
        "responses": responses(("202", "Queued", Some(queued())), &["400", "404", "409"])
    }}));
}
