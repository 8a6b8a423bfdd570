//! Turning a stored adapter row into a live adapter: find it, open its sealed config,
//! build it with the registry. Shared by the engine and the storage explorer.

use super::master_key::MasterKey;
use super::secrets;
use crate::api::error::ApiError;
use adapters::{Destination, Source};
use entity::adapter_config;
use entity::enums::AdapterKind;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No such row, or a row of the other kind.
    #[error("{0}")]
    Missing(String),
    /// The row exists but cannot become an adapter (unreadable config, invalid settings).
    #[error("{0}")]
    Broken(String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl From<OpenError> for ApiError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Missing(m) => ApiError::NotFound(m),
            OpenError::Broken(m) => ApiError::Invalid(m),
            OpenError::Db(e) => super::error::ServerError::Db(e).into(),
        }
    }
}

pub async fn row(
    db: &impl ConnectionTrait,
    id: i64,
    kind: AdapterKind,
) -> Result<adapter_config::Model, OpenError> {
    let what = match kind {
        AdapterKind::Source => "source",
        AdapterKind::Destination => "destination",
        AdapterKind::Notification => "notification channel",
    };
    let row = adapter_config::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| OpenError::Missing(format!("{what} #{id} does not exist")))?;
    if row.kind != kind {
        return Err(OpenError::Missing(format!("{} is not a {what}", row.name)));
    }
    Ok(row)
}

pub fn source(key: &MasterKey, row: &adapter_config::Model) -> Result<Arc<dyn Source>, OpenError> {
    let config = secrets::open(key, &row.config_encrypted)
        .map_err(|e| OpenError::Broken(format!("source {}: {e}", row.name)))?;
    adapters::registry::source(&row.adapter_id, &config)
        .map_err(|e| OpenError::Broken(format!("source {}: {}", row.name, e.one_line())))
}

pub fn destination(key: &MasterKey, row: &adapter_config::Model) -> Result<Arc<dyn Destination>, OpenError> {
    let config = secrets::open(key, &row.config_encrypted)
        .map_err(|e| OpenError::Broken(format!("destination {}: {e}", row.name)))?;
    adapters::registry::destination(&row.adapter_id, &config)
        .map_err(|e| OpenError::Broken(format!("destination {}: {}", row.name, e.one_line())))
}

/// Finds and builds a destination in one go.
pub async fn open_destination(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    id: i64,
) -> Result<(adapter_config::Model, Arc<dyn Destination>), OpenError> {
    let row = row(db, id, AdapterKind::Destination).await?;
    let built = destination(key, &row)?;
    Ok((row, built))
}

/// Finds and builds a source in one go.
pub async fn open_source(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    id: i64,
) -> Result<(adapter_config::Model, Arc<dyn Source>), OpenError> {
    let row = row(db, id, AdapterKind::Source).await?;
    let built = source(key, &row)?;
    Ok((row, built))
}
