//! What the browser knows about the audit log: the list's filters, rows and pages.

use serde::{Deserialize, Serialize};

/// Rows per page of the audit log unless `limit` says otherwise.
pub const PAGE_SIZE: u64 = 50;
/// The most rows one page may ask for.
pub const MAX_PAGE_SIZE: u64 = 500;

pub const OUTCOMES: &[&str] = &["success", "failure"];

/// The list's filters; every field is optional. Dates are `YYYY-MM-DD` (UTC, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct AuditFilter {
    /// A part of the actor's label (an email, `api-key:NAME` or `system`), any case.
    #[serde(default)]
    pub actor: Option<String>,
    /// An exact action (`job.create`), or a prefix ending in `.` or `*` (`job.`).
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    /// `success`, `failure` or `any` (the same as leaving it out).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(schema_with = crate::server::rest::openapi_types::outcome))]
    pub outcome: Option<String>,
    /// The first day (UTC, inclusive).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(schema_with = crate::server::rest::openapi_types::day))]
    pub from: Option<String>,
    /// The last day (UTC, inclusive).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(schema_with = crate::server::rest::openapi_types::day))]
    pub to: Option<String>,
    /// Keyset pagination: only rows with a smaller id (the last id of the previous page).
    #[serde(default)]
    pub before: Option<i64>,
    /// Rows per page: 50 unless given, at most 500.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 500))]
    pub limit: Option<u64>,
}

impl AuditFilter {
    /// The query string of this filter (without `before`), for links.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        for (name, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("resource_type", &self.resource_type),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                q.push((name, v.to_string()));
            }
        }
        if let Some(l) = self.limit {
            q.push(("limit", l.to_string()));
        }
        q
    }

    /// The page size this filter asks for, within bounds.
    pub fn page_size(&self) -> u64 {
        self.limit.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// An email, `api-key:NAME` or `system`.
    pub actor: String,
    #[cfg_attr(feature = "ssr", schema(example = "job.create"))]
    pub action: String,
    #[cfg_attr(feature = "ssr", schema(example = "job"))]
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub summary: String,
    pub success: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_page_size() {
        let f = AuditFilter {
            actor: Some("ada".into()),
            action: Some(" ".into()),
            outcome: Some("failure".into()),
            limit: Some(900),
            before: Some(9),
            ..Default::default()
        };
        assert_eq!(
            f.query(),
            vec![
                ("actor", "ada".to_string()),
                ("outcome", "failure".to_string()),
                ("limit", "900".to_string())
            ]
        );
        assert_eq!(f.page_size(), 500);
        assert_eq!(AuditFilter::default().page_size(), 50);
    }
}
