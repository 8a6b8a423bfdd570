//! The dashboard's counts, each shown only to those who may read that area.

use super::{Actor, Ctx};
use crate::api::dashboard::Tile;
use crate::permissions::Permission;
use crate::server::error::Result;
use entity::enums::AdapterKind;
use entity::{adapter_config, execution, job, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub async fn tiles(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<Tile>> {
    let db = &ctx.state.db;
    let mut tiles = Vec::new();
    let mut tile = |label: &str, count: u64, href: &str| {
        tiles.push(Tile {
            label: label.into(),
            count,
            href: href.into(),
        })
    };
    if actor.can(Permission::JobsRead) {
        tile("Jobs", job::Entity::find().count(db).await?, "/jobs");
    }
    if actor.can(Permission::ExecutionsRead) {
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
    if actor.can(Permission::SourcesRead) {
        tile("Sources", adapters(AdapterKind::Source).await?, "/sources");
    }
    if actor.can(Permission::DestinationsRead) {
        tile(
            "Destinations",
            adapters(AdapterKind::Destination).await?,
            "/destinations",
        );
    }
    if actor.can(Permission::NotificationsRead) {
        tile(
            "Notification channels",
            adapters(AdapterKind::Notification).await?,
            "/notifications",
        );
    }
    if actor.can(Permission::UsersRead) {
        tile("Users", user::Entity::find().count(db).await?, "/users");
    }
    Ok(tiles)
}
