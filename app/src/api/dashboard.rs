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
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use entity::enums::AdapterKind;
    use entity::{adapter_config, execution, job, user};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    respond(async {
        let caller = guard(Need::SignedIn)?;
        let me = caller.user()?;
        let db = &caller.state.db;
        let mut tiles = Vec::new();
        let mut tile = |label: &str, count: u64, href: &str| {
            tiles.push(Tile {
                label: label.into(),
                count,
                href: href.into(),
            })
        };
        if me.can(Permission::JobsRead) {
            tile("Jobs", job::Entity::find().count(db).await?, "/jobs");
        }
        if me.can(Permission::ExecutionsRead) {
            tile(
                "Executions",
                execution::Entity::find().count(db).await?,
                "/executions",
            );
        }
        let adapters = |kind: AdapterKind| {
            adapter_config::Entity::find()
                .filter(adapter_config::Column::Kind.eq(kind))
                .count(db)
        };
        if me.can(Permission::SourcesRead) {
            tile("Sources", adapters(AdapterKind::Source).await?, "/sources");
        }
        if me.can(Permission::DestinationsRead) {
            tile(
                "Destinations",
                adapters(AdapterKind::Destination).await?,
                "/destinations",
            );
        }
        if me.can(Permission::NotificationsRead) {
            tile(
                "Notification channels",
                adapters(AdapterKind::Notification).await?,
                "/notifications",
            );
        }
        if me.can(Permission::UsersRead) {
            tile("Users", user::Entity::find().count(db).await?, "/users");
        }
        Ok(tiles)
    })
    .await
}
