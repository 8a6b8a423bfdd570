//! Config schemas: adapters describe their settings, the console renders forms from them.

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigField {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    /// Encrypted at rest and never sent back to the browser.
    pub secret: bool,
    pub default: Option<serde_json::Value>,
    pub help: Option<String>,
    /// The allowed values of a `Select`.
    pub options: Vec<String>,
}
