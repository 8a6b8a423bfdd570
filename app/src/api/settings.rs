//! System settings: concurrency, health-check interval and log retention.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One setting as the Settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::settings::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// `values` holds the form's text by setting key (`values[max_concurrent_jobs]=3`).
/// Everything is validated before anything is stored; returns the settings after saving.
#[server(endpoint = "save_settings")]
pub async fn save_settings(
    #[server(default)] values: HashMap<String, String>,
) -> Result<Vec<SettingView>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let values = values.into_iter().collect();
        crate::core::settings::update(&caller.ctx(), &caller.actor()?, values).await
    })
    .await
}
