//! The one message model every channel renders, and what a rendering produces.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How good or bad the news is; each service turns it into its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Success,
    Warning,
    Failure,
    Info,
}

impl Severity {
    /// The colour as 0xRRGGBB.
    pub fn rgb(self) -> u32 {
        match self {
            Severity::Success => 0x2E_B6_7D,
            Severity::Warning => 0xEC_B2_2E,
            Severity::Failure => 0xE0_1E_5A,
            Severity::Info => 0x36_C5_F0,
        }
    }

    /// The colour as `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:06x}", self.rgb())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Success => "success",
            Severity::Warning => "warning",
            Severity::Failure => "failure",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
}

impl Field {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// What happened, independent of any service's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The event's id, e.g. `backup_failure`; generic webhooks can route on it.
    pub event: String,
    pub title: String,
    /// One or two sentences; plain text.
    pub summary: String,
    pub fields: Vec<Field>,
    pub severity: Severity,
    /// The execution (or other page) in the console, when there is one.
    pub link: Option<String>,
    pub timestamp: DateTime<Utc>,
}

/// A message as one service will send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// The request body exactly as sent (JSON for HTTP services, the plain-text part for
    /// email). Never holds a secret: tokens travel in URLs or headers.
    pub payload: String,
    /// The HTML part of an email.
    pub html: Option<String>,
    /// The subject line of an email.
    pub subject: Option<String>,
}

impl Rendered {
    pub fn json(value: &serde_json::Value) -> Self {
        Rendered {
            payload: value.to_string(),
            html: None,
            subject: None,
        }
    }
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut; services reject
/// over-long fields instead of truncating them.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_marks_cuts() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("ééé", 2), "é…");
    }

    #[test]
    fn colours_are_distinct_hex() {
        assert_eq!(Severity::Failure.hex(), "#e01e5a");
        assert_ne!(Severity::Success.rgb(), Severity::Failure.rgb());
    }
}
