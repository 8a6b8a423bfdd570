//! Reading a source's JSON config after checking it against the source's schema.

use crate::error::{AdapterError, Result};
use crate::schema::{ConfigField, validate};
use serde_json::{Map, Value};

pub(crate) struct Config<'a> {
    fields: &'a Map<String, Value>,
}

impl<'a> Config<'a> {
    pub fn parse(schema: &[ConfigField], value: &'a Value) -> Result<Self> {
        validate(schema, value).map_err(|problems| AdapterError::InvalidConfig(problems.join("; ")))?;
        let fields = value.as_object().expect("validate accepts objects only");
        Ok(Config { fields })
    }

    /// A non-empty string setting; numbers are accepted as their text.
    pub fn string(&self, name: &str) -> Option<String> {
        match self.fields.get(name)? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn required(&self, name: &str) -> Result<String> {
        self.string(name)
            .ok_or_else(|| AdapterError::InvalidConfig(format!("{name} is required")))
    }

    pub fn port(&self, name: &str, default: u16) -> Result<u16> {
        match self.string(name) {
            None => Ok(default),
            Some(s) => {
                s.parse::<u16>().ok().filter(|&p| p != 0).ok_or_else(|| {
                    AdapterError::InvalidConfig(format!("{name} must be a port number, not {s}"))
                })
            }
        }
    }

    pub fn bool(&self, name: &str, default: bool) -> Result<bool> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s.is_empty() => Ok(default),
            Some(Value::String(s)) if s == "true" => Ok(true),
            Some(Value::String(s)) if s == "false" => Ok(false),
            Some(other) => Err(AdapterError::InvalidConfig(format!(
                "{name} must be true or false, not {other}"
            ))),
        }
    }
}
