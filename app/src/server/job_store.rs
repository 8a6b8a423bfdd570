//! Jobs at rest: the form's input checked against the adapters, the engine's parser and
//! the retention rules, then stored with its destinations in priority order and its
//! notification channels.

pub mod notifications;
pub mod stored;

use super::error::Result;
use super::job_schedule;
use crate::api::error::ApiError;
use crate::api::job_types::{CompressionKind, JobInput, RetentionInput, RetentionKind};
use adapters::retention::Policy;
use chrono::Utc;
use entity::enums::{AdapterKind, Compression};
use entity::{adapter_config, encryption_profile, job, job_destination, job_notification};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};
use serde_json::{Value, json};

/// A checked input, ready to store.
struct Checked {
    name: String,
    databases: Value,
    compression: Compression,
    level: Option<i32>,
    retention: Value,
}

pub fn entity_compression(c: CompressionKind) -> Compression {
    match c {
        CompressionKind::Zstd => Compression::Zstd,
        CompressionKind::Gzip => Compression::Gzip,
        CompressionKind::Brotli => Compression::Brotli,
        CompressionKind::None => Compression::None,
    }
}

pub fn compression_kind(c: Compression) -> CompressionKind {
    match c {
        Compression::Zstd => CompressionKind::Zstd,
        Compression::Gzip => CompressionKind::Gzip,
        Compression::Brotli => CompressionKind::Brotli,
        Compression::None => CompressionKind::None,
    }
}

pub fn policy(r: &RetentionInput) -> Policy {
    match r.kind {
        RetentionKind::KeepAll => Policy::KeepAll,
        RetentionKind::KeepLast => Policy::KeepLast { count: r.keep_last },
        RetentionKind::Gfs => Policy::Gfs {
            daily: r.daily,
            weekly: r.weekly,
            monthly: r.monthly,
            yearly: r.yearly,
            keep_last: 0,
        },
    }
}

/// The stored JSON as the form edits it; an unreadable policy shows as the default.
pub fn retention_input(stored: &Value) -> RetentionInput {
    serde_json::from_value::<Policy>(stored.clone())
        .map(policy_input)
        .unwrap_or_default()
}

/// A policy as the form edits it.
pub fn policy_input(policy: Policy) -> RetentionInput {
    let defaults = RetentionInput::default();
    match policy {
        Policy::KeepAll => RetentionInput {
            kind: RetentionKind::KeepAll,
            ..defaults
        },
        Policy::KeepLast { count } => RetentionInput {
            kind: RetentionKind::KeepLast,
            keep_last: count,
            ..defaults
        },
        Policy::Gfs {
            daily,
            weekly,
            monthly,
            yearly,
            ..
        } => RetentionInput {
            kind: RetentionKind::Gfs,
            daily,
            weekly,
            monthly,
            yearly,
            ..defaults
        },
    }
}

pub fn checked_policy(r: &RetentionInput) -> std::result::Result<Policy, ApiError> {
    let p = policy(r);
    p.validate()
        .map_err(|e| ApiError::invalid(format!("Retention: {e}.")))?;
    Ok(p)
}

fn pipeline_compression(c: CompressionKind) -> adapters::pipeline::Compression {
    match c {
        CompressionKind::Zstd => adapters::pipeline::Compression::Zstd,
        CompressionKind::Gzip => adapters::pipeline::Compression::Gzip,
        CompressionKind::Brotli => adapters::pipeline::Compression::Brotli,
        CompressionKind::None => adapters::pipeline::Compression::None,
    }
}

async fn adapter(
    db: &impl ConnectionTrait,
    id: i64,
    kind: AdapterKind,
) -> Result<Option<adapter_config::Model>> {
    Ok(adapter_config::Entity::find_by_id(id)
        .filter(adapter_config::Column::Kind.eq(kind))
        .one(db)
        .await?)
}

async fn check(db: &impl ConnectionTrait, input: &JobInput) -> Result<Checked> {
    // The bound counts the characters as sent, as the API's schema states it.
    if input.name.chars().count() > 100 {
        return Err(ApiError::invalid("The name is longer than 100 characters.").into());
    }
    let name = input.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Give the job a name.").into());
    }
    if adapter(db, input.source_id, AdapterKind::Source).await?.is_none() {
        return Err(ApiError::invalid(format!("There is no source #{}.", input.source_id)).into());
    }
    if input.destinations.is_empty() {
        return Err(ApiError::invalid("Choose at least one destination.").into());
    }
    for (i, id) in input.destinations.iter().enumerate() {
        if input.destinations[..i].contains(id) {
            return Err(ApiError::invalid("A destination is listed twice.").into());
        }
        if adapter(db, *id, AdapterKind::Destination).await?.is_none() {
            return Err(ApiError::invalid(format!("There is no destination #{id}.")).into());
        }
    }
    if let Some(profile) = input.encryption_profile_id
        && encryption_profile::Entity::find_by_id(profile)
            .one(db)
            .await?
            .is_none()
    {
        return Err(ApiError::invalid(format!("There is no encryption profile #{profile}.")).into());
    }
    notifications::check(db, &input.notifications).await?;
    pipeline_compression(input.compression)
        .check_level(input.compression_level)
        .map_err(|e| ApiError::invalid(format!("Compression: {}.", e.one_line())))?;
    job_schedule::check(&input.cron, &input.timezone)?;
    let retention = serde_json::to_value(checked_policy(&input.retention)?)
        .map_err(|e| ApiError::invalid(format!("Retention: {e}")))?;
    let mut databases: Vec<String> = Vec::new();
    for d in input.databases.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        if !databases.iter().any(|x| x == d) {
            databases.push(d.to_string());
        }
    }
    Ok(Checked {
        name: name.to_string(),
        databases: json!(databases),
        compression: entity_compression(input.compression),
        level: input.compression_level,
        retention,
    })
}

fn duplicate(name: &str) -> ApiError {
    ApiError::Conflict(format!("A job named {name} already exists."))
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

async fn name_taken(db: &impl ConnectionTrait, name: &str, except: Option<i64>) -> Result<bool> {
    let mut q = job::Entity::find().filter(job::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(job::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

async fn link_destinations(db: &impl ConnectionTrait, job_id: i64, destinations: &[i64]) -> Result<()> {
    job_destination::Entity::delete_many()
        .filter(job_destination::Column::JobId.eq(job_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    for (priority, destination_id) in destinations.iter().enumerate() {
        job_destination::ActiveModel {
            job_id: Set(job_id),
            destination_id: Set(*destination_id),
            priority: Set(i32::try_from(priority).unwrap_or(i32::MAX) + 1),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A stored job, with what changed in its notification channels (for the audit log).
#[derive(Debug, Clone)]
pub struct Saved {
    pub job: job::Model,
    pub channel_changes: Vec<String>,
}

impl Saved {
    /// `created job X` / `edited job X`, then the channel changes if any.
    pub fn summary(&self, verb: &str) -> String {
        let mut text = format!("{verb} job {}", self.job.name);
        if !self.channel_changes.is_empty() {
            text.push_str(&format!("; notifications: {}", self.channel_changes.join(", ")));
        }
        text
    }
}

pub async fn create(db: &DatabaseConnection, input: &JobInput) -> Result<Saved> {
    let c = check(db, input).await?;
    if name_taken(db, &c.name, None).await? {
        return Err(duplicate(&c.name).into());
    }
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let inserted = job::ActiveModel {
        name: Set(c.name.clone()),
        description: Set(None),
        cron: Set(input.cron.trim().to_string()),
        timezone: Set(input.timezone.trim().to_string()),
        enabled: Set(input.enabled),
        compression: Set(c.compression),
        compression_level: Set(c.level),
        retention: Set(c.retention),
        source_id: Set(input.source_id),
        databases: Set(c.databases),
        encryption_profile_id: Set(input.encryption_profile_id),
        last_run_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Err(e) if is_unique_violation(&e) => return Err(duplicate(&c.name).into()),
        other => other?,
    };
    link_destinations(&txn, model.id, &input.destinations).await?;
    notifications::replace(&txn, model.id, &input.notifications).await?;
    let channel_changes = notifications::describe_changes(&txn, &[], &input.notifications).await?;
    txn.commit().await?;
    Ok(Saved {
        job: model,
        channel_changes,
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<job::Model> {
    job::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no job #{id}.")).into())
}

pub async fn update(db: &DatabaseConnection, id: i64, input: &JobInput) -> Result<Saved> {
    let stored = find(db, id).await?;
    let c = check(db, input).await?;
    if name_taken(db, &c.name, Some(id)).await? {
        return Err(duplicate(&c.name).into());
    }
    let txn = crate::server::db::begin_write(db).await?;
    let mut model: job::ActiveModel = stored.into();
    model.name = Set(c.name.clone());
    model.cron = Set(input.cron.trim().to_string());
    model.timezone = Set(input.timezone.trim().to_string());
    model.enabled = Set(input.enabled);
    model.compression = Set(c.compression);
    model.compression_level = Set(c.level);
    model.retention = Set(c.retention);
    model.source_id = Set(input.source_id);
    model.databases = Set(c.databases);
    model.encryption_profile_id = Set(input.encryption_profile_id);
    model.updated_at = Set(Utc::now());
    let updated = match model.update(&txn).await {
        Err(e) if is_unique_violation(&e) => return Err(duplicate(&c.name).into()),
        other => other?,
    };
    link_destinations(&txn, id, &input.destinations).await?;
    let before = notifications::of_job(&txn, id).await?;
    notifications::replace(&txn, id, &input.notifications).await?;
    let channel_changes = notifications::describe_changes(&txn, &before, &input.notifications).await?;
    txn.commit().await?;
    Ok(Saved {
        job: updated,
        channel_changes,
    })
}

pub async fn set_enabled(db: &impl ConnectionTrait, id: i64, enabled: bool) -> Result<job::Model> {
    let stored = find(db, id).await?;
    let mut model: job::ActiveModel = stored.into();
    model.enabled = Set(enabled);
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}

/// Deletes the job, its destination links and its notification subscriptions; its
/// executions stay, detached.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<job::Model> {
    let stored = find(db, id).await?;
    job_destination::Entity::delete_many()
        .filter(job_destination::Column::JobId.eq(id))
        .exec(db)
        .await?;
    job_notification::Entity::delete_many()
        .filter(job_notification::Column::JobId.eq(id))
        .exec(db)
        .await?;
    job::Entity::delete_by_id(id).exec(db).await?;
    Ok(stored)
}

/// The job's destination ids in priority order.
pub async fn destinations(db: &impl ConnectionTrait, job_id: i64) -> Result<Vec<i64>> {
    Ok(job_destination::Entity::find()
        .filter(job_destination::Column::JobId.eq(job_id))
        .order_by_asc(job_destination::Column::Priority)
        .order_by_asc(job_destination::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.destination_id)
        .collect())
}
