//! This process's row in `instances`, kept fresh so other instances know it is alive.

use chrono::Utc;
use entity::instance;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, Set};

pub(crate) async fn register(db: &DatabaseConnection, id: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    instance::Entity::insert(instance::ActiveModel {
        id: Set(id.to_string()),
        hostname: Set(hostname()),
        version: Set(env!("CARGO_PKG_VERSION").to_string()),
        started_at: Set(now),
        heartbeat_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(instance::Column::Id)
            .update_column(instance::Column::HeartbeatAt)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Refreshes the heartbeat; re-registers if a survivor pruned the row meanwhile.
pub(crate) async fn heartbeat(db: &DatabaseConnection, id: &str) -> Result<(), DbErr> {
    register(db, id).await
}

pub(crate) async fn unregister(db: &DatabaseConnection, id: &str) {
    if let Err(e) = instance::Entity::delete_by_id(id.to_string()).exec(db).await {
        tracing::warn!(error = %e, "cannot remove this instance's row");
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}
