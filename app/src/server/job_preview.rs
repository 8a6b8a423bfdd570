//! The job form's helpers that reach out: the source's databases, and what the retention
//! policy would delete among the backups already at a destination.

use super::error::Result;
use super::secrets;
use super::state::AppState;
use crate::api::error::ApiError;
use crate::api::job_types::{RetentionInput, RetentionItem, RetentionReport};
use adapters::pipeline::manifest::{SUFFIX, key_for};
use adapters::pipeline::naming::{slug, split_key};
use adapters::retention::{Backup, decide};
use chrono::Utc;
use entity::adapter_config;
use entity::enums::AdapterKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashSet};

async fn stored(
    state: &AppState,
    id: i64,
    kind: AdapterKind,
) -> Result<(adapter_config::Model, serde_json::Value)> {
    let row = adapter_config::Entity::find_by_id(id)
        .filter(adapter_config::Column::Kind.eq(kind))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no {} #{id}.", kind_word(kind))))?;
    let config = secrets::open(&state.master_key, &row.config_encrypted)?;
    Ok((row, config))
}

fn kind_word(kind: AdapterKind) -> &'static str {
    match kind {
        AdapterKind::Source => "source",
        AdapterKind::Destination => "destination",
        AdapterKind::Notification => "notification channel",
    }
}

pub async fn databases(state: &AppState, source_id: i64) -> Result<Vec<String>> {
    let (row, config) = stored(state, source_id, AdapterKind::Source).await?;
    let source = adapters::registry::source(&row.adapter_id, &config)
        .map_err(|e| ApiError::invalid(format!("{}: {}", row.name, e.one_line())))?;
    // The source failing to answer is its failure, not the caller's: 502.
    source.list_databases().await.map_err(|e| {
        ApiError::Transport(format!(
            "Cannot list the databases of {}: {}",
            row.name,
            e.one_line()
        ))
        .into()
    })
}

pub async fn retention(
    state: &AppState,
    job_name: &str,
    destination_id: i64,
    timezone: &str,
    input: &RetentionInput,
) -> Result<RetentionReport> {
    let policy = super::job_store::checked_policy(input)?;
    let tz = crate::engine::schedule::parse_timezone(timezone.trim()).map_err(ApiError::Invalid)?;
    let (row, config) = stored(state, destination_id, AdapterKind::Destination).await?;
    let mut preview = RetentionReport {
        destination: row.name.clone(),
        unreadable: None,
        items: Vec::new(),
    };
    let dir = slug(job_name.trim());
    if dir.is_empty() {
        return Ok(preview);
    }
    let listed = match adapters::registry::destination(&row.adapter_id, &config) {
        Ok(d) => d.list(&format!("{dir}/")).await,
        Err(e) => Err(e),
    };
    let listed = match listed {
        Ok(l) => l,
        Err(e) => {
            preview.unreadable = Some(e.one_line());
            return Ok(preview);
        }
    };
    let keys: HashSet<&str> = listed.iter().map(|o| o.path.as_str()).collect();
    let mut groups: BTreeMap<&str, Vec<Backup>> = BTreeMap::new();
    for o in &listed {
        if o.path.ends_with(SUFFIX) || !keys.contains(key_for(&o.path).as_str()) {
            continue;
        }
        if let Some((at, group)) = split_key(&o.path) {
            groups.entry(group).or_default().push(Backup {
                id: o.path.clone(),
                created_at: at,
            });
        }
    }
    let now = Utc::now();
    for backups in groups.values() {
        for d in decide(backups, &policy, now, tz, &[]) {
            preview.items.push(RetentionItem {
                object: d.id,
                keep: d.keep,
                reasons: d.reasons,
            });
        }
    }
    preview.items.sort_by(|a, b| b.object.cmp(&a.object));
    Ok(preview)
}
