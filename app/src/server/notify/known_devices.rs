//! Devices a user has signed in from, to tell a new one: the browser and system parsed
//! from the user agent (not the IP address, which changes on every network).

use crate::server::error::Result;
use chrono::Utc;
use entity::known_device;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

fn fingerprint(device: &str) -> String {
    hex::encode(Sha256::digest(device.trim().to_lowercase().as_bytes()))
}

/// Records that `user_id` signed in from `device`; true when the device is new to an
/// account that has signed in before (a first sign-in has nothing to compare with).
pub async fn remember(db: &impl ConnectionTrait, user_id: i64, device: &str) -> Result<bool> {
    let known = known_device::Entity::find()
        .filter(known_device::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let print = fingerprint(device);
    let now = Utc::now();
    if let Some(seen) = known.iter().find(|d| d.fingerprint == print) {
        let mut seen: known_device::ActiveModel = seen.clone().into();
        seen.last_seen_at = Set(now);
        seen.update(db).await?;
        return Ok(false);
    }
    let inserted = known_device::ActiveModel {
        user_id: Set(user_id),
        fingerprint: Set(print),
        label: Set(device.chars().take(200).collect()),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(!known.is_empty()),
        // Two sign-ins from the same new device at once: the other one reports it.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
