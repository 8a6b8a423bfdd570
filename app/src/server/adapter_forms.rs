//! Between an adapter's config schema and the console's generic form: field specs for
//! the browser, typed JSON from submitted text, and form text from the public view.

use crate::api::adapter_types::{FieldKind, FieldSpec};
use adapters::{ConfigField, FieldType};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn field_spec(field: &ConfigField) -> FieldSpec {
    FieldSpec {
        name: field.name.to_string(),
        label: field.label.to_string(),
        kind: kind_of(field.field_type),
        required: field.required,
        secret: field.secret,
        default: field.default.as_ref().map(as_text),
        help: field.help.map(str::to_string),
        options: field.options.iter().map(|o| o.to_string()).collect(),
    }
}

fn kind_of(t: FieldType) -> FieldKind {
    match t {
        FieldType::Text => FieldKind::Text,
        FieldType::Password => FieldKind::Password,
        FieldType::Number => FieldKind::Number,
        FieldType::Bool => FieldKind::Bool,
        FieldType::Url => FieldKind::Url,
        FieldType::Path => FieldKind::Path,
        FieldType::Select => FieldKind::Select,
        FieldType::Textarea => FieldKind::Textarea,
        FieldType::List => FieldKind::List,
    }
}

/// A stored (public) value as the text a form input holds.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join("\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Turns submitted form text into the typed JSON config the adapter reads. Empty
/// inputs are left out; a checkbox that is absent means false (the form renders every
/// field); text that does not parse as its type is kept as text so that validation
/// reports it. Fields the schema does not know are kept, so validation names them.
pub fn config_from_form(schema: &[ConfigField], form: &HashMap<String, String>) -> Value {
    let mut out = Map::new();
    for field in schema {
        let raw = form.get(field.name).map(|s| s.trim()).unwrap_or("");
        let value = match field.field_type {
            FieldType::Bool => Some(Value::Bool(matches!(raw, "true" | "on" | "1" | "yes"))),
            _ if raw.is_empty() => None,
            FieldType::Number => Some(
                raw.parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(raw.to_string())),
            ),
            FieldType::List => Some(Value::Array(
                raw.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_string()))
                    .collect(),
            )),
            // Secrets (super::secrets::entered) and free text keep their exact spelling.
            _ if field.secret && field.field_type != FieldType::List => {
                Some(Value::String(form[field.name].clone()))
            }
            FieldType::Textarea => Some(Value::String(form[field.name].clone())),
            _ => Some(Value::String(raw.to_string())),
        };
        if let Some(v) = value {
            out.insert(field.name.to_string(), v);
        }
    }
    for (name, value) in form {
        if !schema.iter().any(|f| f.name == name) && !value.is_empty() {
            out.insert(name.clone(), Value::String(value.clone()));
        }
    }
    Value::Object(out)
}

/// The public view split into form text for plain fields and the names of set secrets.
pub fn form_values(schema: &[ConfigField], public: &Value) -> (Vec<(String, String)>, Vec<String>) {
    let mut values = Vec::new();
    let mut secrets_set = Vec::new();
    for field in schema {
        match public.get(field.name) {
            None => {}
            Some(_) if field.secret => secrets_set.push(field.name.to_string()),
            Some(v) => values.push((field.name.to_string(), as_text(v))),
        }
    }
    (values, secrets_set)
}

/// What a field's JSON value must be, in the words of an error message.
fn json_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Bool => "true or false",
        FieldType::Number => "an integer",
        FieldType::List => "a list of strings",
        _ => "a string",
    }
}

fn json_fits(t: FieldType, value: &Value) -> bool {
    match t {
        FieldType::Bool => value.is_boolean(),
        FieldType::Number => value.is_i64(),
        FieldType::List => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        _ => value.is_string(),
    }
}

/// Typed JSON settings (REST) as the form text the store reads, each value of its field's
/// JSON type (as the API's schema states it) and each key known. A bool left out takes its
/// schema default: the console's form always sends every checkbox, an API client need not.
pub fn form_from_json(
    schema: &[ConfigField],
    config: &Map<String, Value>,
) -> Result<HashMap<String, String>, String> {
    let mut problems = Vec::new();
    for (key, value) in config {
        match schema.iter().find(|f| f.name == key) {
            None => problems.push(format!("unknown setting `{key}`")),
            Some(field) if !json_fits(field.field_type, value) => problems.push(format!(
                "`{key}` must be {}, not {value}",
                json_type(field.field_type)
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let mut form: HashMap<String, String> = config.iter().map(|(k, v)| (k.clone(), as_text(v))).collect();
    for field in schema {
        if field.field_type == FieldType::Bool
            && !form.contains_key(field.name)
            && let Some(default) = &field.default
        {
            form.insert(field.name.to_string(), as_text(default));
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "Host", FieldType::Text).required(),
            ConfigField::new("port", "Port", FieldType::Number).default(5432),
            ConfigField::new("password", "Password", FieldType::Password),
            ConfigField::new("tls", "TLS", FieldType::Bool).default(false),
            ConfigField::new("dbs", "Databases", FieldType::List),
        ]
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn json_settings_must_have_their_fields_types() {
        let ok = json!({"host": "db", "port": 5432, "tls": true, "dbs": ["a", "b"]});
        let form = form_from_json(&schema(), ok.as_object().unwrap()).unwrap();
        assert_eq!(form["port"], "5432");
        assert_eq!(form["dbs"], "a\nb");
        let defaulted = form_from_json(&schema(), json!({"host": "db"}).as_object().unwrap()).unwrap();
        assert_eq!(defaulted["tls"], "false");
        for (bad, named) in [
            (json!({"port": "5432"}), "`port` must be an integer"),
            (json!({"tls": 1}), "`tls` must be true or false"),
            (json!({"host": 7}), "`host` must be a string"),
            (json!({"dbs": "a"}), "`dbs` must be a list of strings"),
            (json!({"host": null}), "`host` must be a string"),
            (json!({"colour": "red"}), "unknown setting `colour`"),
        ] {
            let e = form_from_json(&schema(), bad.as_object().unwrap()).unwrap_err();
            assert!(e.contains(named), "{e}");
        }
    }

    #[test]
    fn form_text_becomes_typed_config() {
        let config = config_from_form(
            &schema(),
            &form(&[
                ("host", " db "),
                ("port", "6543"),
                ("password", " p w "),
                ("tls", "on"),
                ("dbs", "a\n\n b \n"),
            ]),
        );
        assert_eq!(
            config,
            json!({"host": "db", "port": 6543, "password": " p w ", "tls": true, "dbs": ["a", "b"]})
        );
        let sparse = config_from_form(&schema(), &form(&[("host", "h"), ("port", "x"), ("extra", "1")]));
        assert_eq!(
            sparse,
            json!({"host": "h", "port": "x", "tls": false, "extra": "1"})
        );
    }

    #[test]
    fn public_view_gives_form_text_and_set_secrets() {
        let public = json!({"host": "db", "port": 5432, "password": "set", "dbs": ["a", "b"]});
        let (values, secrets) = form_values(&schema(), &public);
        assert_eq!(
            values,
            vec![
                ("host".to_string(), "db".to_string()),
                ("port".to_string(), "5432".to_string()),
                ("dbs".to_string(), "a\nb".to_string())
            ]
        );
        assert_eq!(secrets, vec!["password".to_string()]);
        assert_eq!(field_spec(&schema()[1]).default.as_deref(), Some("5432"));
    }
}
