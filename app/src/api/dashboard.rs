//! Counts for the dashboard, each shown only to those who may read that area.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub label: String,
    pub count: u64,
    pub href: String,
}

#[server(endpoint = "dashboard_tiles")]
pub async fn dashboard_tiles() -> Result<Vec<Tile>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::dashboard::tiles(&caller.ctx(), &caller.actor()?).await
    })
    .await
}
