//! Adapter configs at rest: the whole config sealed with the master key, beside
//! metadata that is safe to show (secret fields only say whether they are set).

use super::error::{Result, ServerError};
use super::master_key::MasterKey;
use crate::api::error::ApiError;
use adapters::ConfigField;
use serde_json::{Map, Value};

/// What the console shows for a secret field that has a value.
pub const SET: &str = "set";

/// The one rule for a secret typed anywhere (console, REST, SSO): it is kept exactly as
/// given, surrounding spaces included, and a value of only whitespace counts as not
/// entered (finding 17 of docs/SECURITY.md).
pub fn entered(raw: &str) -> Option<&str> {
    (!raw.trim().is_empty()).then_some(raw)
}

/// Seals `config` and derives the metadata the browser may see.
pub fn seal(key: &MasterKey, schema: &[ConfigField], config: &Value) -> (String, Value) {
    let sealed = key.seal(config.to_string().as_bytes());
    (sealed, public_view(schema, config))
}

pub fn open(key: &MasterKey, sealed: &str) -> Result<Value> {
    let bytes = key.open(sealed)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ServerError::MasterKey(format!("a stored adapter config is not valid JSON: {e}")))
}

/// The config with every secret replaced by `"set"` (or removed when empty).
pub fn public_view(schema: &[ConfigField], config: &Value) -> Value {
    let mut out = Map::new();
    if let Some(object) = config.as_object() {
        for (name, value) in object {
            let secret = schema.iter().any(|f| f.name == name && f.secret);
            match (secret, present(value)) {
                (true, true) => {
                    out.insert(name.clone(), Value::String(SET.into()));
                }
                (true, false) => {}
                (false, _) => {
                    out.insert(name.clone(), value.clone());
                }
            }
        }
    }
    Value::Object(out)
}

/// Applies an edit from the console: a secret field left empty (or still `"set"`) keeps
/// its stored value, so secrets never have to travel back to the browser. Callers check
/// the result with [`check_secrets_stay`] before using it.
pub fn merge_edit(schema: &[ConfigField], stored: &Value, edit: &Value) -> Value {
    merge(schema, stored, edit).0
}

/// Refuses an edit that keeps a stored secret while changing where secrets go (a field
/// marked `endpoint`): someone who may edit an adapter but not read its password could
/// otherwise point it at their own server and receive it (finding 5 of docs/SECURITY.md).
pub fn check_secrets_stay(schema: &[ConfigField], stored: &Value, edit: &Value) -> Result<()> {
    let (merged, kept) = merge(schema, stored, edit);
    let moved: Vec<&str> = schema
        .iter()
        .filter(|f| f.endpoint && effective(f, stored) != effective(f, &merged))
        .map(|f| f.label)
        .collect();
    if moved.is_empty() || kept.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "{} changed: enter {} again (a stored secret is only sent where it was entered for).",
        moved.join(" and "),
        kept.join(" and "),
    ))
    .into())
}

/// The merged config and the labels of the secrets it took from `stored`.
fn merge(schema: &[ConfigField], stored: &Value, edit: &Value) -> (Value, Vec<&'static str>) {
    let mut out = edit.as_object().cloned().unwrap_or_default();
    let mut kept = Vec::new();
    for field in schema.iter().filter(|f| f.secret) {
        let edited = out
            .get(field.name)
            .filter(|v| present(v) && v.as_str() != Some(SET));
        if edited.is_none() {
            match stored.get(field.name).filter(|v| present(v)) {
                Some(old) => {
                    out.insert(field.name.to_string(), old.clone());
                    kept.push(field.label);
                }
                None => {
                    out.remove(field.name);
                }
            }
        }
    }
    (Value::Object(out), kept)
}

/// A field's value as the adapter will use it (its default when unset), compared as text
/// so that `5432` and `"5432"` are the same port.
fn effective(field: &ConfigField, config: &Value) -> Option<String> {
    let value = config
        .get(field.name)
        .filter(|v| present(v))
        .cloned()
        .or_else(|| field.default.clone())?;
    Some(match value {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    })
}

fn present(v: &Value) -> bool {
    !(v.is_null() || v.as_str() == Some(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use adapters::FieldType;
    use serde_json::json;

    fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "Host", FieldType::Text).endpoint(),
            ConfigField::new("port", "Port", FieldType::Number)
                .endpoint()
                .default(5432),
            ConfigField::new("password", "Password", FieldType::Password),
            ConfigField::new("token", "Token", FieldType::Text).secret(),
        ]
    }

    fn key() -> MasterKey {
        MasterKey::from_hex(&super::super::master_key::generate_hex()).unwrap()
    }

    #[test]
    fn secrets_never_reach_the_public_view() {
        let k = key();
        let config = json!({"host": "db", "password": "hunter2hunter2", "token": ""});
        let (sealed, public) = seal(&k, &schema(), &config);
        assert_eq!(public, json!({"host": "db", "password": "set"}));
        assert!(!sealed.contains("hunter2"));
        assert_eq!(open(&k, &sealed).unwrap(), config);
    }

    #[test]
    fn edits_keep_untouched_secrets_and_replace_new_ones() {
        let stored = json!({"host": "db", "password": "old secret", "token": "tok"});
        let kept = merge_edit(
            &schema(),
            &stored,
            &json!({"host": "db", "port": 5432, "password": "", "token": "set"}),
        );
        assert_eq!(
            kept,
            json!({"host": "db", "port": 5432, "password": "old secret", "token": "tok"})
        );
        let replaced = merge_edit(
            &schema(),
            &stored,
            &json!({"host": "db", "password": "new secret"}),
        );
        assert_eq!(replaced["password"], "new secret");
        assert_eq!(replaced["token"], "tok");
        let none = merge_edit(&schema(), &json!({}), &json!({"host": "h", "password": ""}));
        assert_eq!(none, json!({"host": "h"}));
    }

    #[test]
    fn a_new_endpoint_keeps_no_stored_secret() {
        let stored = json!({"host": "db", "password": "old secret", "token": "tok"});
        for edit in [
            json!({"host": "attacker.example", "password": "", "token": "set"}),
            json!({"host": "db", "port": "6543", "password": "", "token": "set"}),
            // Only one secret typed again: the other would still follow.
            json!({"host": "attacker.example", "password": "new", "token": "set"}),
        ] {
            let err = check_secrets_stay(&schema(), &stored, &edit)
                .unwrap_err()
                .to_string();
            assert!(err.contains("changed: enter"), "{edit}: {err}");
            assert!(err.contains("again"), "{err}");
        }
        let err = check_secrets_stay(
            &schema(),
            &stored,
            &json!({"host": "attacker.example", "password": "", "token": "set"}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Host changed: enter Password and Token again"),
            "{err}"
        );
        // Every secret typed again, or the port written out at its default: fine.
        let retyped = json!({"host": "new.example", "password": "p", "token": "t"});
        assert!(check_secrets_stay(&schema(), &stored, &retyped).is_ok());
        assert!(check_secrets_stay(&schema(), &stored, &json!({"host": "db", "port": 5432})).is_ok());
        // Nothing stored, nothing to leak.
        assert!(check_secrets_stay(&schema(), &json!({"host": "db"}), &json!({"host": "elsewhere"})).is_ok());
    }
}
