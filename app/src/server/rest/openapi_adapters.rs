//! The OpenAPI description of sources, destinations and notification channels, built
//! from the adapter registry: each adapter's settings schema is the one its config
//! fields declare, so the console form, the server's checks and this document share one
//! declaration. (The three collections share their handlers, generic over the kind, which
//! is why these operations are assembled here rather than annotated.)

use super::openapi::{body, error_response, id_param, list_of, responses, schema_ref};
use adapters::registry::{self, AdapterInfo, Kind};
use adapters::{ConfigField, FieldType};
use serde_json::{Map, Value, json};

/// One adapter collection: its URL segment, what one is called, the list answer's key,
/// the permission prefix and the registry kind.
struct Collection {
    path: &'static str,
    singular: &'static str,
    key: &'static str,
    perm: &'static str,
    kind: Kind,
    schema: &'static str,
}

const COLLECTIONS: [Collection; 3] = [
    Collection {
        path: "sources",
        singular: "source",
        key: "sources",
        perm: "sources",
        kind: Kind::Source,
        schema: "Source",
    },
    Collection {
        path: "destinations",
        singular: "destination",
        key: "destinations",
        perm: "destinations",
        kind: Kind::Destination,
        schema: "Destination",
    },
    Collection {
        path: "notification-channels",
        singular: "notification channel",
        key: "notification_channels",
        perm: "notifications",
        kind: Kind::Notification,
        schema: "Channel",
    },
];

fn name_schema() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S",
        "description": "Unique among its kind; surrounding spaces are dropped"})
}

/// The JSON a config field takes.
fn field_schema(field: &ConfigField) -> Value {
    let mut schema = match field.field_type {
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Number => json!({"type": "integer", "format": "int64"}),
        FieldType::List => json!({"type": "array", "items": {"type": "string"}}),
        FieldType::Select => json!({"type": "string", "enum": field.options}),
        _ => json!({"type": "string"}),
    };
    let mut description = field.label.to_string();
    if let Some(help) = field.help {
        description = format!("{description}: {help}");
    }
    schema["description"] = json!(description);
    if let Some(default) = &field.default {
        schema["default"] = default.clone();
    }
    if field.secret {
        schema["writeOnly"] = json!(true);
    }
    schema
}

fn must_give(field: &ConfigField) -> bool {
    field.required && field.default.is_none()
}

/// An adapter's settings object. On create, the fields without which it cannot work are
/// required (and, being text, not blank); on an edit each may be left out (a secret left
/// out, empty or `"set"` keeps its stored value).
fn config_schema(adapter: &AdapterInfo, create: bool) -> Value {
    let fields = (adapter.schema)();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &fields {
        let mut schema = field_schema(field);
        if create && must_give(field) {
            required.push(field.name);
            match field.field_type {
                FieldType::List => schema["minItems"] = json!(1),
                FieldType::Bool | FieldType::Number | FieldType::Select => {}
                _ => schema["pattern"] = json!("\\S"),
            }
        }
        properties.insert(field.name.to_string(), schema);
    }
    json!({"type": "object", "title": adapter.label, "additionalProperties": false,
        "properties": properties, "required": required})
}

/// Each adapter's body: its id, its settings and, to create one, a name.
fn create_schema(kind: Kind) -> Value {
    settings_schema(kind, true)
}

fn settings_schema(kind: Kind, named: bool) -> Value {
    let one_of: Vec<Value> = registry::of_kind(kind)
        .map(|adapter| {
            let needs_config = (adapter.schema)().iter().any(must_give);
            let mut required = vec!["adapter_id"];
            let mut properties = Map::new();
            properties.insert("adapter_id".into(), json!({"const": adapter.id}));
            if named {
                required.push("name");
                properties.insert("name".into(), name_schema());
            }
            if needs_config {
                required.push("config");
            }
            properties.insert("config".into(), config_schema(adapter, true));
            json!({"type": "object", "title": adapter.label, "additionalProperties": false,
                "required": required, "properties": properties})
        })
        .collect();
    json!({"oneOf": one_of, "description": "The adapter and its settings, as GET /api/v1/adapter-types lists them. The settings are then checked by the adapter itself (URLs, paths the host allows, reachable addresses)."})
}

fn update_schema(kind: Kind) -> Value {
    let mut ids: Vec<Value> = registry::of_kind(kind).map(|a| json!(a.id)).collect();
    ids.push(Value::Null);
    let mut configs: Vec<Value> = registry::of_kind(kind).map(|a| config_schema(a, false)).collect();
    configs.push(json!({"type": "null"}));
    json!({"type": "object", "additionalProperties": false, "properties": {
        "adapter_id": {"type": ["string", "null"], "enum": ids, "description": "Optional; must be the stored adapter (it cannot be changed)"},
        "name": {"anyOf": [name_schema(), {"type": "null"}], "description": "Absent or null: keeps the name"},
        "config": {"anyOf": configs, "description": "Absent or null: keeps the whole config. Given: the stored adapter's settings, replacing the stored ones, except that a secret left out, empty or \"set\" keeps its value."}}})
}

fn adapter_schema() -> Value {
    let time = json!({"type": "string", "format": "date-time"});
    let maybe_time = json!({"type": ["string", "null"], "format": "date-time"});
    json!({"type": "object", "required": ["id", "kind", "name", "adapter_id", "adapter_label", "config", "secrets", "health", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "kind": {"type": "string", "enum": ["source", "destination", "channel"]},
            "name": {"type": "string"}, "adapter_id": {"type": "string"}, "adapter_label": {"type": "string"},
            "config": {"type": "object", "description": "The non-secret settings, typed as the adapter's schema says"},
            "secrets": {"type": "object", "description": "Each secret field of the schema: \"set\" or \"unset\". Values are never returned.",
                "additionalProperties": {"type": "string", "enum": ["set", "unset"]}},
            "health": {"type": "string", "enum": ["unknown", "online", "degraded", "offline"]},
            "last_check_at": maybe_time, "last_error": {"type": ["string", "null"]},
            "created_at": time, "updated_at": time}})
}

fn adapter_type_schema() -> Value {
    json!({"type": "object", "required": ["id", "label", "fields", "capabilities", "presets"], "properties": {
        "presets": {"type": "array", "description": "Starting points for the form (S3 providers)",
            "items": {"type": "object", "required": ["id", "label", "note", "values"], "properties": {
                "id": {"type": "string"}, "label": {"type": "string"}, "note": {"type": "string"},
                "values": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "Field name to form text (true/false for a switch)"}}}},
        "id": {"type": "string"}, "label": {"type": "string"},
        "capabilities": {"type": "array", "items": {"type": "string"},
            "description": "A destination's capabilities, one phrase each; empty for sources and notifiers"},
        "fields": {"type": "array", "items": {"type": "object", "required": ["name", "label", "kind", "required", "secret", "options"], "properties": {
            "name": {"type": "string"}, "label": {"type": "string"},
            "kind": {"type": "string", "enum": ["text", "password", "number", "bool", "url", "path", "select", "textarea", "list"]},
            "required": {"type": "boolean"}, "secret": {"type": "boolean"},
            "default": {"type": ["string", "null"]}, "help": {"type": ["string", "null"]},
            "options": {"type": "array", "items": {"type": "string"}}}}}}})
}

fn connection_ok_schema() -> Value {
    json!({"type": "object", "required": ["ok", "message", "millis"], "properties": {
        "ok": {"const": true}, "message": {"type": "string"},
        "millis": {"type": "integer", "minimum": 0},
        "health": {"type": ["string", "null"], "enum": ["unknown", "online", "degraded", "offline", null]}}})
}

fn collection_paths(paths: &mut Map<String, Value>, c: &Collection) {
    let Collection {
        path: plural,
        singular,
        key,
        perm,
        schema,
        ..
    } = *c;
    let one = || Some(schema_ref("Adapter"));
    paths.insert(format!("/api/v1/{plural}"), json!({
        "get": {
            "summary": format!("List {plural} by name (permission {perm}:read)"),
            "responses": responses(("200", "Every one", Some(list_of(key, "Adapter"))), &[])
        },
        "post": {
            "summary": format!("Create a {singular}; the config is checked against the adapter's schema and constructor (permission {perm}:write)"),
            "requestBody": body(&format!("{schema}Create")),
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
            "requestBody": body(&format!("{schema}Update")),
            "responses": responses(("200", "The stored one", one()), &["400", "404", "409"])
        },
        "delete": {
            "summary": format!("Delete a {singular}; refused with 409 while a job uses it (permission {perm}:write)"),
            "parameters": id_param(),
            "responses": responses(("204", "Deleted", None), &["404", "409"])
        }
    }));
    let mut tested = responses(("200", "Connected", Some(schema_ref("ConnectionOk"))), &["404"]);
    tested["502"] = error_response(
        "The connection test failed: `code` is `connection_failed`, `detail` the adapter's own error, with `millis` and `health`",
    );
    let mut tried = responses(("200", "Connected", Some(schema_ref("ConnectionOk"))), &["400"]);
    tried["502"] = tested["502"].clone();
    paths.insert(format!("/api/v1/{plural}/test"), json!({"post": {
        "summary": format!("Test a {singular}'s settings before saving them (a connection of at most 15 s, or a test message); stores nothing (permission {perm}:write)"),
        "requestBody": body(&format!("{schema}Test")),
        "responses": tried
    }}));
    let mut limit = id_param();
    if let Some(params) = limit.as_array_mut() {
        params.push(
            json!({"name": "limit", "in": "query", "description": "How many checks; 10 unless given",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100}}),
        );
    }
    paths.insert(format!("/api/v1/{plural}/{{id}}/health-log"), json!({"get": {
        "summary": format!("A {singular}'s latest health checks, newest first (permission {perm}:read)"),
        "parameters": limit,
        "responses": responses(("200", "The checks", Some(json!({"type": "object", "required": ["checks"], "properties": {
            "checks": {"type": "array", "items": {"type": "object", "required": ["checked_at", "ok", "latency_ms"], "properties": {
                "checked_at": {"type": "string"}, "ok": {"type": "boolean"},
                "latency_ms": {"type": "integer"}, "error": {"type": ["string", "null"]}}}}}}))), &["404"])
    }}));
    paths.insert(format!("/api/v1/{plural}/{{id}}/test"), json!({"post": {
        "summary": format!("Test the stored {singular} (a connection of at most 15 s, or a test message for a notification channel) and record the result as its health (permission {perm}:write)"),
        "parameters": id_param(),
        "responses": tested
    }}));
}

pub fn paths(paths: &mut Map<String, Value>) {
    for c in &COLLECTIONS {
        collection_paths(paths, c);
    }
    paths.insert("/api/v1/adapter-types".into(), json!({"get": {
        "summary": "The adapter types and their config fields (permission sources:read, destinations:read and/or notifications:read; only the readable kinds are listed)",
        "responses": responses(("200", "Adapter types by kind", Some(json!({"type": "object", "properties": {
            "sources": {"type": "array", "items": schema_ref("AdapterType")},
            "destinations": {"type": "array", "items": schema_ref("AdapterType")},
            "notification_channels": {"type": "array", "items": schema_ref("AdapterType")}}}))), &[])
    }}));
}

pub fn schemas(out: &mut Map<String, Value>) {
    for c in &COLLECTIONS {
        out.insert(format!("{}Create", c.schema), create_schema(c.kind));
        out.insert(format!("{}Update", c.schema), update_schema(c.kind));
        out.insert(format!("{}Test", c.schema), settings_schema(c.kind, false));
    }
    out.insert("Adapter".into(), adapter_schema());
    out.insert("AdapterType".into(), adapter_type_schema());
    out.insert("ConnectionOk".into(), connection_ok_schema());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The postgres source's settings, as the document states them, agree with the
    /// registry: its required fields, its types, nothing else.
    #[test]
    fn an_adapters_settings_come_from_its_fields() {
        let create = create_schema(Kind::Source);
        let postgres = create["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["properties"]["adapter_id"]["const"] == "postgres")
            .expect("postgres is a source");
        let config = &postgres["properties"]["config"];
        assert_eq!(config["additionalProperties"], false);
        let fields = (registry::find("postgres").unwrap().schema)();
        assert_eq!(config["properties"].as_object().unwrap().len(), fields.len());
        for f in &fields {
            let listed = config["required"].as_array().unwrap().contains(&json!(f.name));
            assert_eq!(listed, must_give(f), "{}", f.name);
        }
        assert_eq!(config["properties"]["port"]["type"], "integer");
        let update = update_schema(Kind::Destination);
        assert!(
            update["properties"]["adapter_id"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("s3"))
        );
        assert!(
            !update["properties"]["adapter_id"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("postgres"))
        );
    }
}
