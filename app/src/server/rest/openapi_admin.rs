//! The OpenAPI description of administration: users, groups, SSO providers, settings.

use super::openapi::{body, id_param, list_of, responses, schema_ref};
use serde_json::{Map, Value, json};

/// The component schemas these routes use.
pub fn schemas(out: &mut Map<String, Value>) {
    let text = |max: u32| json!({"type": "string", "maxLength": max});
    out.insert(
        "User".into(),
        json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
        "group": {"type": "string"}, "group_id": {"type": "integer"},
        "superadmin": {"type": "boolean", "description": "In the built-in SuperAdmin group"},
        "disabled": {"type": "boolean"},
        "last_login": {"type": "string", "nullable": true}}}),
    );
    out.insert(
        "UserCreate".into(),
        json!({"type": "object", "required": ["email", "name", "password", "group_id"], "properties": {
        "email": text(254), "name": text(200),
        "password": {"type": "string", "description": "At least 12 characters"},
        "group_id": {"type": "integer", "description": "A group whose permissions the caller holds"}}}),
    );
    out.insert(
        "UserUpdate".into(),
        json!({"type": "object", "required": ["name", "group_id"], "properties": {
        "name": text(200), "group_id": {"type": "integer"}}}),
    );
    out.insert(
        "Password".into(),
        json!({"type": "object", "required": ["password"], "properties": {
        "password": {"type": "string", "description": "At least 12 characters"}}}),
    );
    out.insert(
        "SsoProvider".into(),
        json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "button_label": {"type": "string"},
        "issuer_url": {"type": "string"}, "client_id": {"type": "string"},
        "secret_stored": {"type": "boolean", "description": "The secret itself is never returned"},
        "scopes": {"type": "string"}, "email_domains": {"type": "array", "items": {"type": "string"}},
        "allow_provisioning": {"type": "boolean"}, "default_group_id": {"type": "integer", "nullable": true},
        "default_group": {"type": "string", "nullable": true}, "enabled": {"type": "boolean"},
        "link_by_email": {"type": "boolean"}, "mfa_by_provider": {"type": "boolean"},
        "redirect_uri": {"type": "string", "description": "The URL to register at the provider"}}}),
    );
    out.insert("SsoProviderInput".into(), json!({"type": "object",
        "required": ["slug", "button_label", "issuer_url", "client_id"], "properties": {
        "slug": {"type": "string", "maxLength": 40, "pattern": "^[a-z0-9][a-z0-9-]*$"},
        "button_label": text(100), "issuer_url": {"type": "string", "format": "uri"}, "client_id": {"type": "string"},
        "client_secret": {"type": "string", "description": "Required on create; on an edit, empty keeps the stored one unless the issuer URL changes"},
        "scopes": {"type": "string", "description": "Space-separated; empty means `openid email profile`"},
        "email_domains": {"type": "array", "items": {"type": "string"}},
        "allow_provisioning": {"type": "boolean"}, "default_group_id": {"type": "integer", "nullable": true},
        "enabled": {"type": "boolean"},
        "link_by_email": {"type": "boolean", "description": "A SuperAdmin's choice"},
        "mfa_by_provider": {"type": "boolean", "description": "A SuperAdmin's choice"}}}));
    out.insert("Setting".into(), json!({"type": "object", "properties": {
        "key": {"type": "string"}, "label": {"type": "string"}, "help": {"type": "string"}, "unit": {"type": "string"},
        "min": {"type": "integer"}, "max": {"type": "integer"}, "default": {"type": "integer"}, "value": {"type": "integer"},
        "switch": {"type": "boolean", "description": "On (1) or off (0)"},
        "locked": {"type": "boolean", "description": "Only a SuperAdmin may change it, and the caller is not one"}}}));
    out.insert("SettingsInput".into(), json!({"type": "object", "required": ["values"], "properties": {
        "values": {"type": "object", "description": "Setting key → integer (or true/false for a switch); every value is checked before any is stored",
            "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "boolean"}]}}}}));
}

fn user_paths(paths: &mut Map<String, Value>) {
    paths.insert("/api/v1/users".into(), json!({
        "get": {"summary": "List users by email (permission users:read)",
            "responses": responses(("200", "Every user", Some(list_of("users", "User"))), &[])},
        "post": {"summary": "Create a user with a password, in a group whose permissions the caller holds (permission users:write)",
            "requestBody": body("UserCreate"),
            "responses": responses(("201", "The new user", Some(schema_ref("User"))), &["400", "409"])}
    }));
    paths.insert("/api/v1/users/{id}".into(), json!({
        "get": {"summary": "One user (permission users:read)", "parameters": id_param(),
            "responses": responses(("200", "The user", Some(schema_ref("User"))), &["404"])},
        "put": {"summary": "Rename a user and/or move them to another group (permission users:write)", "parameters": id_param(),
            "requestBody": body("UserUpdate"),
            "responses": responses(("204", "Saved", None), &["400", "404", "409"])}
    }));
    for (action, summary) in [
        (
            "disable",
            "Disable a user and end every session of theirs (permission users:write)",
        ),
        ("enable", "Enable a disabled user (permission users:write)"),
    ] {
        paths.insert(
            format!("/api/v1/users/{{id}}/{action}"),
            json!({"post": {
            "summary": summary, "parameters": id_param(),
            "responses": responses(("204", "Done", None), &["404", "409"])}}),
        );
    }
    paths.insert("/api/v1/users/{id}/password".into(), json!({"post": {
        "summary": "Set a new password and end the user's sessions (permission users:write)", "parameters": id_param(),
        "requestBody": body("Password"),
        "responses": responses(("204", "Done", None), &["400", "404", "409"])}}));
    paths.insert(
        "/api/v1/users/{id}/revoke-sessions".into(),
        json!({"post": {
        "summary": "Sign the user out everywhere (permission users:write)", "parameters": id_param(),
        "responses": responses(("200", "How many sessions ended", Some(json!({"type": "object",
            "properties": {"sessions_ended": {"type": "integer"}}}))), &["404", "409"])}}),
    );
}

fn sso_paths(paths: &mut Map<String, Value>) {
    let one = || Some(schema_ref("SsoProvider"));
    paths.insert("/api/v1/sso-providers".into(), json!({
        "get": {"summary": "List SSO providers (permission sso:read)",
            "responses": responses(("200", "Every provider", Some(list_of("sso_providers", "SsoProvider"))), &[])},
        "post": {"summary": "Add an OpenID Connect provider (permission sso:write)",
            "requestBody": body("SsoProviderInput"),
            "responses": responses(("201", "The new provider", one()), &["400", "409"])}
    }));
    paths.insert("/api/v1/sso-providers/{id}".into(), json!({
        "get": {"summary": "One provider (permission sso:read)", "parameters": id_param(),
            "responses": responses(("200", "The provider", one()), &["404"])},
        "put": {"summary": "Replace a provider's settings (permission sso:write)", "parameters": id_param(),
            "requestBody": body("SsoProviderInput"),
            "responses": responses(("200", "The provider as stored", one()), &["400", "404", "409"])},
        "delete": {"summary": "Delete a provider; its users keep their accounts (permission sso:write)", "parameters": id_param(),
            "responses": responses(("204", "Deleted", None), &["404"])}
    }));
    paths.insert("/api/v1/sso-providers/discovery".into(), json!({"post": {
        "summary": "Fetch an issuer's discovery document and keys and report what was found (permission sso:write)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
            "required": ["issuer_url"], "properties": {"issuer_url": {"type": "string"}}}}}},
        "responses": responses(("200", "What discovery found, or why it failed", Some(json!({"type": "object",
            "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}}}))), &["400"])}}));
}

fn settings_paths(paths: &mut Map<String, Value>) {
    let all = || Some(list_of("settings", "Setting"));
    paths.insert("/api/v1/settings".into(), json!({
        "get": {"summary": "Every runtime setting with its range and default (permission settings:read)",
            "responses": responses(("200", "Every setting", all()), &[])},
        "put": {"summary": "Change some settings; nothing is stored unless every value is valid (permission settings:write)",
            "requestBody": body("SettingsInput"),
            "responses": responses(("200", "Every setting after saving", all()), &["400"])}
    }));
}

pub fn paths(paths: &mut Map<String, Value>) {
    user_paths(paths);
    sso_paths(paths);
    settings_paths(paths);
}
