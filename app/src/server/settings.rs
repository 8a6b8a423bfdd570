//! Runtime settings stored in the `settings` table (key → JSON number): every setting,
//! its default and its allowed range, listed once in `SPECS`.

use super::error::Result;
use crate::api::error::ApiError;
use crate::api::settings::SettingView;
use chrono::Utc;
use entity::setting;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::Value;

/// One setting: its key, what the console shows, its default and its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub unit: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
    /// An on/off switch (0 or 1), shown as a choice.
    pub switch: bool,
    /// Widens what other permissions reach, so only a SuperAdmin may change it.
    pub superadmin_only: bool,
}

/// How many executions may run at once across all instances (read by the engine).
pub const MAX_CONCURRENT_JOBS: Spec = Spec {
    key: crate::engine::MAX_CONCURRENT_SETTING,
    label: "Max concurrent jobs",
    help: "How many backups, restores and verifies may run at the same time, across all instances.",
    unit: "jobs",
    default: 2,
    min: 1,
    max: 64,
    switch: false,
    superadmin_only: false,
};

pub const HEALTH_CHECK_INTERVAL_SECS: Spec = Spec {
    key: "health_check_interval_secs",
    label: "Health-check interval",
    help: "How often every source and destination is checked. A change applies from the next check.",
    unit: "seconds",
    default: 60,
    min: 10,
    max: 86_400,
    switch: false,
    superadmin_only: false,
};

/// Whether notification channels (and their "Send test") may reach loopback, private
/// and link-local addresses. Off by default: `notifications:write` would otherwise be a
/// way to probe the Bulwark host's own network (finding 6 of docs/SECURITY.md).
pub const NOTIFY_PRIVATE_TARGETS: Spec = Spec {
    key: "notifications.allow_private_targets",
    label: "Notifications to private addresses",
    help: "Lets notification channels reach loopback, private and link-local addresses (a Gotify or SMTP server on the LAN). Off: public addresses only. Only a SuperAdmin may change this.",
    unit: "",
    default: 0,
    min: 0,
    max: 1,
    switch: true,
    superadmin_only: true,
};

const fn retention(key: &'static str, label: &'static str, help: &'static str, default: i64) -> Spec {
    Spec {
        key,
        label,
        help,
        unit: "days",
        default,
        min: 1,
        max: 3650,
        switch: false,
        superadmin_only: false,
    }
}

pub const EXECUTION_LOGS_DAYS: Spec = retention(
    "retention.execution_logs_days",
    "Keep execution logs",
    "Log lines of executions that finished longer ago are deleted (the executions stay).",
    90,
);
pub const HEALTH_CHECK_LOGS_DAYS: Spec = retention(
    "retention.health_check_logs_days",
    "Keep health-check logs",
    "Health-check results older than this are deleted.",
    30,
);
pub const NOTIFICATION_LOGS_DAYS: Spec = retention(
    "retention.notification_logs_days",
    "Keep notification logs",
    "Notification deliveries older than this are deleted.",
    90,
);
pub const AUDIT_LOGS_DAYS: Spec = retention(
    "retention.audit_logs_days",
    "Keep audit logs",
    "Audit entries older than this are deleted.",
    365,
);

/// Every setting, in the order the Settings page shows them.
pub const SPECS: &[Spec] = &[
    MAX_CONCURRENT_JOBS,
    HEALTH_CHECK_INTERVAL_SECS,
    EXECUTION_LOGS_DAYS,
    HEALTH_CHECK_LOGS_DAYS,
    NOTIFICATION_LOGS_DAYS,
    AUDIT_LOGS_DAYS,
    NOTIFY_PRIVATE_TARGETS,
];

pub fn spec(key: &str) -> Option<Spec> {
    SPECS.iter().find(|s| s.key == key).copied()
}

/// A stored JSON value as a number in range; anything else means "use the default".
fn stored_value(spec: &Spec, value: &Value) -> Option<i64> {
    let n = value.as_i64().or_else(|| value.as_str()?.trim().parse().ok())?;
    (spec.min..=spec.max).contains(&n).then_some(n)
}

/// Parses and range-checks form text, with a message the console can show as is.
pub fn validate(spec: &Spec, text: &str) -> std::result::Result<i64, ApiError> {
    if spec.switch {
        return match text.trim() {
            "0" | "off" => Ok(0),
            "1" | "on" => Ok(1),
            other => Err(ApiError::invalid(format!(
                "{} must be on (1) or off (0) (got “{other}”).",
                spec.label
            ))),
        };
    }
    let n: i64 = text.trim().parse().map_err(|_| {
        ApiError::invalid(format!(
            "{} must be a whole number of {} (got “{}”).",
            spec.label,
            spec.unit,
            text.trim()
        ))
    })?;
    if !(spec.min..=spec.max).contains(&n) {
        return Err(ApiError::invalid(format!(
            "{} must be between {} and {} {} (got {n}).",
            spec.label, spec.min, spec.max, spec.unit
        )));
    }
    Ok(n)
}

/// The current value of one setting (its default when unset or out of range).
pub async fn get(db: &impl ConnectionTrait, spec: &Spec) -> Result<i64> {
    let row = setting::Entity::find_by_id(spec.key.to_string()).one(db).await?;
    Ok(row
        .and_then(|r| stored_value(spec, &r.value))
        .unwrap_or(spec.default))
}

/// Every setting with its current value.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<(Spec, i64)>> {
    let rows = setting::Entity::find().all(db).await?;
    Ok(SPECS
        .iter()
        .map(|spec| {
            let value = rows
                .iter()
                .find(|r| r.key == spec.key)
                .and_then(|r| stored_value(spec, &r.value))
                .unwrap_or(spec.default);
            (*spec, value)
        })
        .collect())
}

/// Stores one value (already validated).
pub async fn set(db: &impl ConnectionTrait, spec: &Spec, value: i64) -> Result<()> {
    let now = Utc::now();
    match setting::Entity::find_by_id(spec.key.to_string()).one(db).await? {
        Some(row) => {
            let mut row: setting::ActiveModel = row.into();
            row.value = Set(Value::from(value));
            row.updated_at = Set(now);
            row.update(db).await?;
        }
        None => {
            setting::ActiveModel {
                key: Set(spec.key.to_string()),
                value: Set(Value::from(value)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// One changed setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: &'static str,
    pub old: i64,
    pub new: i64,
}

/// Validates every submitted value first (unknown keys, bad values and, for a caller who
/// is not a SuperAdmin, changes to a SuperAdmin's settings are refused and nothing is
/// stored), then stores those that changed. Returns the changes.
pub async fn update(
    db: &impl ConnectionTrait,
    form: &[(String, String)],
    superadmin: bool,
) -> Result<Vec<Change>> {
    let mut wanted = Vec::new();
    let mut problems = Vec::new();
    for (key, text) in form {
        let Some(spec) = spec(key) else {
            problems.push(format!("There is no setting “{key}”."));
            continue;
        };
        match validate(&spec, text) {
            Ok(n) => wanted.push((spec, n)),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems.join(" ")).into());
    }
    let current = all(db).await?;
    let mut changes = Vec::new();
    for (spec, new) in wanted {
        let old = current
            .iter()
            .find(|(s, _)| s.key == spec.key)
            .map_or(spec.default, |(_, v)| *v);
        if old != new {
            if spec.superadmin_only && !superadmin {
                return Err(ApiError::Forbidden {
                    permission: format!("SuperAdmin: only a SuperAdmin may change “{}”", spec.label),
                }
                .into());
            }
            changes.push((
                spec,
                Change {
                    key: spec.key,
                    old,
                    new,
                },
            ));
        }
    }
    for (spec, change) in &changes {
        set(db, spec, change.new).await?;
    }
    Ok(changes.into_iter().map(|(_, c)| c).collect())
}

/// What the Settings page shows; `superadmin` says whether the viewer may change the
/// SuperAdmin's settings.
pub fn view(spec: &Spec, value: i64, superadmin: bool) -> SettingView {
    SettingView {
        switch: spec.switch,
        locked: spec.superadmin_only && !superadmin,
        key: spec.key.to_string(),
        label: spec.label.to_string(),
        help: spec.help.to_string(),
        unit: spec.unit.to_string(),
        min: spec.min,
        max: spec.max,
        default: spec.default,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_defaults_in_range() {
        for (i, s) in SPECS.iter().enumerate() {
            assert!((s.min..=s.max).contains(&s.default), "{}", s.key);
            assert!(SPECS[i + 1..].iter().all(|o| o.key != s.key), "{}", s.key);
        }
        assert_eq!(
            MAX_CONCURRENT_JOBS.default as u64,
            crate::engine::DEFAULT_MAX_CONCURRENT
        );
    }

    #[test]
    fn validation_table() {
        let s = HEALTH_CHECK_INTERVAL_SECS;
        assert_eq!(validate(&s, " 10 "), Ok(10));
        assert_eq!(validate(&s, "86400"), Ok(86_400));
        for bad in ["9", "86401", "-1", "ten", "", "1.5"] {
            assert!(validate(&s, bad).is_err(), "{bad}");
        }
        assert_eq!(
            validate(&MAX_CONCURRENT_JOBS, "0").unwrap_err().to_string(),
            "Max concurrent jobs must be between 1 and 64 jobs (got 0)."
        );
        assert_eq!(validate(&NOTIFY_PRIVATE_TARGETS, "1"), Ok(1));
        assert_eq!(validate(&NOTIFY_PRIVATE_TARGETS, "off"), Ok(0));
        assert!(validate(&NOTIFY_PRIVATE_TARGETS, "2").is_err());
        assert_eq!(stored_value(&s, &Value::from(5)), None);
        assert_eq!(stored_value(&s, &Value::from("120")), Some(120));
    }
}
