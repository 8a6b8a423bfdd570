//! Sources and destinations at rest: checked against their adapter, sealed with the
//! master key, and listed with their public view only.

use super::adapter_forms::{config_from_form, field_spec, form_values};
use super::error::Result;
use super::host_access::{self, HostAccess};
use super::master_key::MasterKey;
use super::secrets;
use crate::api::adapter_types::{AdapterKind, AdapterPreset, AdapterRow, AdapterType, Health};
use crate::api::error::ApiError;
use adapters::registry::{self, AdapterInfo, Kind};
use chrono::{DateTime, Utc};
use entity::enums::{self, HealthStatus};
use entity::{adapter_config, job, job_destination};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use serde_json::Value;
use std::collections::HashMap;

pub fn registry_kind(kind: AdapterKind) -> Kind {
    match kind {
        AdapterKind::Source => Kind::Source,
        AdapterKind::Destination => Kind::Destination,
        AdapterKind::Notification => Kind::Notification,
    }
}

pub fn entity_kind(kind: AdapterKind) -> enums::AdapterKind {
    match kind {
        AdapterKind::Source => enums::AdapterKind::Source,
        AdapterKind::Destination => enums::AdapterKind::Destination,
        AdapterKind::Notification => enums::AdapterKind::Notification,
    }
}

pub fn health(status: HealthStatus) -> Health {
    match status {
        HealthStatus::Unknown => Health::Unknown,
        HealthStatus::Online => Health::Online,
        HealthStatus::Degraded => Health::Degraded,
        HealthStatus::Offline => Health::Offline,
    }
}

pub fn time_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub fn types(kind: AdapterKind) -> Vec<AdapterType> {
    registry::of_kind(registry_kind(kind))
        .map(|a| AdapterType {
            id: a.id.to_string(),
            label: a.label.to_string(),
            fields: (a.schema)().iter().map(field_spec).collect(),
            capabilities: a
                .capabilities()
                .map(|c| c.describe().into_iter().map(str::to_string).collect())
                .unwrap_or_default(),
            presets: a
                .presets()
                .iter()
                .map(|p| AdapterPreset {
                    id: p.id.into(),
                    label: p.label.into(),
                    note: p.note.into(),
                    values: p
                        .values
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The registry entry for `adapter_id`, refusing one of another kind.
pub fn info(kind: AdapterKind, adapter_id: &str) -> std::result::Result<&'static AdapterInfo, ApiError> {
    registry::find(adapter_id)
        .filter(|a| a.kind() == registry_kind(kind))
        .ok_or_else(|| ApiError::invalid(format!("There is no {} adapter `{adapter_id}`.", kind.as_str())))
}

/// Schema validation, then the adapter's own constructor (which refuses, for example,
/// a relative local path).
pub fn check_config(
    kind: AdapterKind,
    info: &AdapterInfo,
    config: &Value,
) -> std::result::Result<(), ApiError> {
    if let Err(problems) = adapters::schema::validate(&(info.schema)(), config) {
        return Err(ApiError::invalid(problems.join("; ")));
    }
    let built = match kind {
        AdapterKind::Source => registry::source(info.id, config).map(drop),
        AdapterKind::Destination => registry::destination(info.id, config).map(drop),
        AdapterKind::Notification => registry::notifier(info.id, config).map(drop),
    };
    built.map_err(|e| ApiError::invalid(e.to_string()))
}

fn clean_name(kind: AdapterKind, name: &str) -> std::result::Result<String, ApiError> {
    // The bound counts the characters as sent, as the API's schema states it.
    if name.chars().count() > 100 {
        return Err(ApiError::invalid("The name is longer than 100 characters."));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(format!("Give the {} a name.", kind.as_str())));
    }
    Ok(name.to_string())
}

fn duplicate(kind: AdapterKind, name: &str) -> ApiError {
    ApiError::Conflict(format!("A {} named {name} already exists.", kind.as_str()))
}

pub fn row(kind: AdapterKind, model: adapter_config::Model) -> AdapterRow {
    let info = registry::find(&model.adapter_id).filter(|a| a.kind() == registry_kind(kind));
    let schema = info.map(|a| (a.schema)()).unwrap_or_default();
    let (values, secrets_set) = form_values(&schema, &model.metadata);
    AdapterRow {
        id: model.id,
        name: model.name,
        adapter_label: info.map_or_else(|| model.adapter_id.clone(), |a| a.label.to_string()),
        adapter_id: model.adapter_id,
        health: health(model.health_status),
        last_check_at: model.last_check_at.map(time_text),
        last_error: model.last_error,
        values,
        secrets_set,
    }
}

pub async fn list(db: &impl ConnectionTrait, kind: AdapterKind) -> Result<Vec<AdapterRow>> {
    Ok(adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(entity_kind(kind)))
        .order_by_asc(adapter_config::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| row(kind, m))
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, kind: AdapterKind, id: i64) -> Result<adapter_config::Model> {
    adapter_config::Entity::find_by_id(id)
        .filter(adapter_config::Column::Kind.eq(entity_kind(kind)))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no {} #{id}.", kind.as_str())).into())
}

pub async fn create(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    access: &HostAccess<'_>,
    kind: AdapterKind,
    adapter_id: &str,
    name: &str,
    form: &HashMap<String, String>,
) -> Result<adapter_config::Model> {
    let info = info(kind, adapter_id)?;
    let name = clean_name(kind, name)?;
    let schema = (info.schema)();
    let config = config_from_form(&schema, form);
    check_config(kind, info, &config)?;
    host_access::check(access, &schema, None, &config)?;
    let (sealed, public) = secrets::seal(key, &schema, &config);
    let now = Utc::now();
    let inserted = adapter_config::ActiveModel {
        kind: Set(entity_kind(kind)),
        adapter_id: Set(info.id.to_string()),
        name: Set(name.clone()),
        config_encrypted: Set(sealed),
        metadata: Set(public),
        health_status: Set(HealthStatus::Unknown),
        consecutive_failures: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(duplicate(kind, &name).into())
        }
        other => Ok(other?),
    }
}

/// Applies an edit: secret fields left empty keep their stored value, unless the edit
/// changes where they are sent (then they must be entered again). A changed config
/// resets the health to UNKNOWN until it is tested again. Also returns the names of the
/// secret fields the edit replaced (for the audit log; never their values).
pub async fn update(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    access: &HostAccess<'_>,
    kind: AdapterKind,
    id: i64,
    name: &str,
    form: &HashMap<String, String>,
) -> Result<(adapter_config::Model, Vec<String>)> {
    let stored = find(db, kind, id).await?;
    let info = info(kind, &stored.adapter_id)?;
    let name = clean_name(kind, name)?;
    let schema = (info.schema)();
    let old_config = secrets::open(key, &stored.config_encrypted)?;
    let edit = config_from_form(&schema, form);
    let config = secrets::merge_edit(&schema, &old_config, &edit);
    check_config(kind, info, &config)?;
    secrets::check_secrets_stay(&schema, &old_config, &edit)?;
    host_access::check(access, &schema, Some(&old_config), &config)?;
    let changed = config != old_config;
    let replaced: Vec<String> = schema
        .iter()
        .filter(|f| {
            f.secret
                && form
                    .get(f.name)
                    .and_then(|v| secrets::entered(v))
                    .is_some_and(|v| v != secrets::SET)
        })
        .map(|f| f.name.to_string())
        .collect();
    let (sealed, public) = secrets::seal(key, &schema, &config);
    let mut model: adapter_config::ActiveModel = stored.into();
    model.name = Set(name.clone());
    model.config_encrypted = Set(sealed);
    model.metadata = Set(public);
    model.updated_at = Set(Utc::now());
    if changed {
        model.health_status = Set(HealthStatus::Unknown);
        model.consecutive_failures = Set(0);
        model.last_error = Set(None);
    }
    match model.update(db).await {
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(duplicate(kind, &name).into())
        }
        other => Ok((other?, replaced)),
    }
}

/// Deletes an adapter unless a job uses it; the foreign keys refuse that delete and the
/// answer names the jobs.
pub async fn delete(db: &impl ConnectionTrait, kind: AdapterKind, id: i64) -> Result<adapter_config::Model> {
    let stored = find(db, kind, id).await?;
    match adapter_config::Entity::delete_by_id(id).exec(db).await {
        Ok(_) => Ok(stored),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_))) => {
            let jobs = jobs_using(db, id).await?;
            Err(ApiError::Conflict(format!(
                "The {} {} is used by job(s) {}; remove it from them first.",
                kind.as_str(),
                stored.name,
                if jobs.is_empty() {
                    "(unknown)".to_string()
                } else {
                    jobs.join(", ")
                }
            ))
            .into())
        }
        Err(e) => Err(e.into()),
    }
}

async fn jobs_using(db: &impl ConnectionTrait, adapter_id: i64) -> Result<Vec<String>> {
    let as_source = job::Entity::find()
        .filter(job::Column::SourceId.eq(adapter_id))
        .all(db)
        .await?;
    let as_destination = job::Entity::find()
        .inner_join(job_destination::Entity)
        .filter(job_destination::Column::DestinationId.eq(adapter_id))
        .all(db)
        .await?;
    let mut names: Vec<String> = as_source
        .into_iter()
        .chain(as_destination)
        .map(|j| j.name)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}
