//! Jobs as the console lists them: names resolved, schedule in words, next and last run.

use super::adapter_store::time_text;
use super::error::Result;
use super::{job_schedule, job_store};
use crate::api::job_types::{Choice, JobChannel, JobFormChoices, JobInput, JobRow, LastRun};
use adapters::registry;
use chrono::Utc;
use entity::enums::AdapterKind;
use entity::{adapter_config, encryption_profile, execution, job};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

fn choice(m: &adapter_config::Model) -> Choice {
    Choice {
        id: m.id,
        name: m.name.clone(),
        detail: registry::find(&m.adapter_id).map_or_else(|| m.adapter_id.clone(), |a| a.label.to_string()),
    }
}

pub async fn choices(db: &impl ConnectionTrait) -> Result<JobFormChoices> {
    let adapters = adapter_config::Entity::find()
        .order_by_asc(adapter_config::Column::Name)
        .all(db)
        .await?;
    let of = |kind: AdapterKind| adapters.iter().filter(|a| a.kind == kind).map(choice).collect();
    let encryption_profiles = encryption_profile::Entity::find()
        .order_by_asc(encryption_profile::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| Choice {
            id: p.id,
            name: p.name,
            detail: String::new(),
        })
        .collect();
    Ok(JobFormChoices {
        sources: of(AdapterKind::Source),
        destinations: of(AdapterKind::Destination),
        encryption_profiles,
        channels: of(AdapterKind::Notification),
    })
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

pub fn input(model: &job::Model, destinations: Vec<i64>, notifications: Vec<JobChannel>) -> JobInput {
    JobInput {
        name: model.name.clone(),
        source_id: model.source_id,
        databases: strings(&model.databases),
        destinations,
        compression: job_store::compression_kind(model.compression),
        compression_level: model.compression_level,
        encryption_profile_id: model.encryption_profile_id,
        cron: model.cron.clone(),
        timezone: model.timezone.clone(),
        retention: job_store::retention_input(&model.retention),
        notifications,
        enabled: model.enabled,
    }
}

async fn last_run(db: &impl ConnectionTrait, job_id: i64) -> Result<Option<LastRun>> {
    Ok(execution::Entity::find()
        .filter(execution::Column::JobId.eq(job_id))
        .order_by_desc(execution::Column::Id)
        .one(db)
        .await?
        .map(|e| LastRun {
            execution_id: e.id,
            status: serde_json::to_value(e.status)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            at: time_text(e.finished_at.or(e.started_at).unwrap_or(e.created_at)),
        }))
}

pub async fn row(
    db: &impl ConnectionTrait,
    model: job::Model,
    names: &HashMap<i64, String>,
) -> Result<JobRow> {
    let destinations = job_store::destinations(db, model.id).await?;
    let notifications = job_store::notifications::of_job(db, model.id).await?;
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let profile = match model.encryption_profile_id {
        Some(id) => encryption_profile::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.name),
        None => None,
    };
    let next_run = model
        .enabled
        .then(|| job_schedule::next_run(&model.cron, &model.timezone, Utc::now()))
        .flatten()
        .map(|t| t.text);
    let retention_summary = job_store::policy(&job_store::retention_input(&model.retention)).summary();
    Ok(JobRow {
        id: model.id,
        source_name: name_of(model.source_id),
        destination_names: destinations.iter().map(|d| name_of(*d)).collect(),
        encryption_name: profile,
        channel_names: notifications.iter().map(|c| name_of(c.channel_id)).collect(),
        schedule_text: job_schedule::describe(&model.cron),
        next_run,
        retention_summary,
        last_run: last_run(db, model.id).await?,
        input: input(&model, destinations, notifications),
    })
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<JobRow>> {
    let names: HashMap<i64, String> = adapter_config::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let jobs = job::Entity::find()
        .order_by_asc(job::Column::Name)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(jobs.len());
    for j in jobs {
        rows.push(row(db, j, &names).await?);
    }
    Ok(rows)
}
