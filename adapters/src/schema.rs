//! Config schemas: each adapter describes its settings; the console renders forms from
//! them and encrypts the fields marked secret.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Password,
    Number,
    Bool,
    Url,
    Path,
    Select,
    Textarea,
    /// A list of strings, one per line in forms.
    List,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigField {
    pub name: &'static str,
    pub label: &'static str,
    pub field_type: FieldType,
    pub required: bool,
    /// Encrypted at rest and never sent back to the browser.
    pub secret: bool,
    pub default: Option<serde_json::Value>,
    pub help: Option<&'static str>,
    /// The allowed values of a `Select`.
    pub options: Vec<&'static str>,
    /// Decides where (or how openly) the secrets are sent: a host, URL or the tool that
    /// receives the password. Changing it needs the secrets entered again.
    #[serde(default)]
    pub endpoint: bool,
    /// A program (or a folder of programs) run on the Bulwark host.
    #[serde(default)]
    pub program: bool,
    /// A file or folder on the Bulwark host that the adapter reads or writes.
    #[serde(default)]
    pub host_path: bool,
    /// A switch that lends the adapter something of the host's (its cloud identity):
    /// only a SuperAdmin may turn it on.
    #[serde(default)]
    pub superadmin_only: bool,
}

impl ConfigField {
    pub fn new(name: &'static str, label: &'static str, field_type: FieldType) -> Self {
        ConfigField {
            name,
            label,
            field_type,
            required: false,
            secret: matches!(field_type, FieldType::Password),
            default: None,
            help: None,
            options: Vec::new(),
            endpoint: false,
            program: false,
            host_path: false,
            superadmin_only: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    pub fn endpoint(mut self) -> Self {
        self.endpoint = true;
        self
    }

    pub fn program(mut self) -> Self {
        self.program = true;
        self
    }

    pub fn superadmin_only(mut self) -> Self {
        self.superadmin_only = true;
        self
    }

    pub fn host_path(mut self) -> Self {
        self.host_path = true;
        self
    }

    pub fn default(mut self, value: impl Into<serde_json::Value>) -> Self {
        self.default = Some(value.into());
        self
    }

    pub fn help(mut self, text: &'static str) -> Self {
        self.help = Some(text);
        self
    }

    pub fn options(mut self, values: &[&'static str]) -> Self {
        self.options = values.to_vec();
        self
    }
}

/// Checks a config object against a schema: required fields present, select values
/// allowed, no unknown fields. Returns every problem, one line each.
pub fn validate(schema: &[ConfigField], config: &serde_json::Value) -> Result<(), Vec<String>> {
    let Some(object) = config.as_object() else {
        return Err(vec!["the configuration must be a JSON object".into()]);
    };
    let mut problems = Vec::new();
    for field in schema {
        let value = object
            .get(field.name)
            .filter(|v| !v.is_null() && v.as_str() != Some(""));
        match value {
            None if field.required && field.default.is_none() => {
                problems.push(format!("{} is required", field.label))
            }
            Some(v)
                if field.field_type == FieldType::Select
                    && !v.as_str().is_some_and(|s| field.options.contains(&s)) =>
            {
                problems.push(format!(
                    "{} must be one of: {}",
                    field.label,
                    field.options.join(", ")
                ));
            }
            _ => {}
        }
    }
    for key in object.keys() {
        if !schema.iter().any(|f| f.name == key) {
            problems.push(format!("unknown setting `{key}`"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "Host", FieldType::Text).required(),
            ConfigField::new("port", "Port", FieldType::Number)
                .required()
                .default(5432),
            ConfigField::new("password", "Password", FieldType::Password),
            ConfigField::new("format", "Format", FieldType::Select).options(&["custom", "plain"]),
        ]
    }

    #[test]
    fn passwords_are_secret_by_default() {
        assert!(schema()[2].secret);
        assert!(!schema()[0].secret);
    }

    #[test]
    fn validation_reports_each_problem() {
        assert!(validate(&schema(), &json!({"host": "db"})).is_ok());
        let problems = validate(&schema(), &json!({"format": "tar", "colour": 1})).unwrap_err();
        assert_eq!(
            problems,
            vec![
                "Host is required".to_string(),
                "Format must be one of: custom, plain".to_string(),
                "unknown setting `colour`".to_string()
            ]
        );
        assert!(validate(&schema(), &json!([])).is_err());
    }
}
