//! System settings: concurrency, health-check interval and log retention.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One setting as the Settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingView {
    pub key: String,
    pub label: String,
    pub help: String,
    pub unit: String,
    pub min: i64,
    pub max: i64,
    pub default: i64,
    pub value: i64,
    /// On/off, shown as a choice.
    pub switch: bool,
    /// Only a SuperAdmin may change it, and the viewer is not one.
    pub locked: bool,
}

#[server(endpoint = "get_settings")]
pub async fn get_settings() -> Result<Vec<SettingView>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::settings;
    respond(async move {
        let caller = guard(Need::Permission(Permission::SettingsRead))?;
        let superadmin = caller.user()?.superadmin;
        let all = settings::all(&caller.state.db).await?;
        Ok(all
            .iter()
            .map(|(s, v)| settings::view(s, *v, superadmin))
            .collect())
    })
    .await
}

/// `values` holds the form's text by setting key (`values[max_concurrent_jobs]=3`).
/// Everything is validated before anything is stored; returns the settings after saving.
#[server(endpoint = "save_settings")]
pub async fn save_settings(
    #[server(default)] values: HashMap<String, String>,
) -> Result<Vec<SettingView>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::settings;
    respond(async move {
        let caller = guard(Need::Permission(Permission::SettingsWrite))?;
        let me = caller.user()?;
        let db = &caller.state.db;
        let mut form: Vec<(String, String)> = values.into_iter().collect();
        form.sort();
        let changes = settings::update(db, &form, me.superadmin).await?;
        if !changes.is_empty() {
            let summary = changes
                .iter()
                .map(|c| format!("{} {} → {}", c.key, c.old, c.new))
                .collect::<Vec<_>>()
                .join(", ");
            audit::record(
                db,
                Actor::User(me),
                &caller.client,
                Entry {
                    action: "settings.update",
                    resource_type: "settings",
                    resource_id: None,
                    summary: format!("changed settings: {summary}"),
                    success: true,
                },
            )
            .await?;
        }
        let all = settings::all(db).await?;
        Ok(all
            .iter()
            .map(|(s, v)| settings::view(s, *v, me.superadmin))
            .collect())
    })
    .await
}
