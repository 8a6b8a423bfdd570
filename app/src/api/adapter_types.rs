//! What the browser knows about adapters: serializable mirrors of the registry's
//! schemas and of the stored configs, without a single secret value.

use crate::permissions::Permission;
use serde::{Deserialize, Serialize};

/// The adapter kinds the Sources, Destinations and Notifications pages manage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdapterKind {
    Source,
    Destination,
    Notification,
}

impl AdapterKind {
    pub fn read_permission(self) -> Permission {
        match self {
            AdapterKind::Source => Permission::SourcesRead,
            AdapterKind::Destination => Permission::DestinationsRead,
            AdapterKind::Notification => Permission::NotificationsRead,
        }
    }

    pub fn write_permission(self) -> Permission {
        match self {
            AdapterKind::Source => Permission::SourcesWrite,
            AdapterKind::Destination => Permission::DestinationsWrite,
            AdapterKind::Notification => Permission::NotificationsWrite,
        }
    }

    /// The value server functions take for this kind (its serde name).
    pub fn form_value(self) -> &'static str {
        match self {
            AdapterKind::Source => "source",
            AdapterKind::Destination => "destination",
            AdapterKind::Notification => "notification",
        }
    }

    /// The lowercase word used in messages and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            AdapterKind::Source => "source",
            AdapterKind::Destination => "destination",
            AdapterKind::Notification => "channel",
        }
    }
}

/// How a field is rendered; mirrors `adapters::FieldType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Password,
    Number,
    Bool,
    Url,
    Path,
    Select,
    Textarea,
    List,
}

/// One field of an adapter's config form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Write-only: never filled in, only reported as set.
    pub secret: bool,
    /// The default as form text (`true`/`false` for a bool, one item per line for a list).
    pub default: Option<String>,
    pub help: Option<String>,
    pub options: Vec<String>,
}

/// An adapter implementation that can be chosen in a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterType {
    pub id: String,
    pub label: String,
    pub fields: Vec<FieldSpec>,
    /// A destination's capabilities, one phrase each; empty for other kinds.
    pub capabilities: Vec<String>,
    /// Starting points for the form (S3 providers), in the order offered.
    pub presets: Vec<AdapterPreset>,
}

/// A named set of values that fills part of an adapter's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterPreset {
    pub id: String,
    pub label: String,
    /// What is still to be entered or replaced.
    pub note: String,
    /// Field name to form text (`true`/`false` for a switch).
    pub values: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Unknown,
    Online,
    Degraded,
    Offline,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::Unknown => "UNKNOWN",
            Health::Online => "ONLINE",
            Health::Degraded => "DEGRADED",
            Health::Offline => "OFFLINE",
        }
    }
}

/// A configured source or destination as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterRow {
    pub id: i64,
    pub name: String,
    pub adapter_id: String,
    pub adapter_label: String,
    pub health: Health,
    pub last_check_at: Option<String>,
    pub last_error: Option<String>,
    /// Non-secret settings as form text, by field name.
    pub values: Vec<(String, String)>,
    /// Names of the secret fields that hold a value.
    pub secrets_set: Vec<String>,
}

impl AdapterRow {
    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, v)| v.as_str())
    }
}

/// The outcome of "Test connection".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionReport {
    pub ok: bool,
    /// "Connection OK" or the adapter's own error.
    pub message: String,
    pub millis: u64,
    /// The health recorded, when a stored adapter was tested.
    pub health: Option<Health>,
}
