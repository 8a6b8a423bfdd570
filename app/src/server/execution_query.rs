//! Reading executions for the console: the filtered, keyset-paginated list and the
//! detail view with its log. Pages walk the primary key downwards (`id < before`), so
//! a deep page costs the same as the first and nothing ever counts the table.

use super::error::Result;
use crate::api::error::ApiError;
use crate::api::execution_types::{
    DestinationResult, ExecutionFilter, ExecutionPage, ExecutionRow, LogLine, PAGE_SIZE, ProgressView,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::enums::{ExecutionKind, ExecutionStatus};
use entity::{execution, execution_log, job};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use std::collections::HashMap;

fn parse<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> Result<T> {
    serde_json::from_value(Value::String(value.to_string()))
        .map_err(|_| ApiError::Invalid(format!("unknown {what} `{value}`")).into())
}

fn day(value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::Invalid(format!("`{value}` is not a date (YYYY-MM-DD)")).into())
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Empty form fields count as "no filter".
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn list(db: &DatabaseConnection, filter: &ExecutionFilter) -> Result<ExecutionPage> {
    let mut find = execution::Entity::find().order_by_desc(execution::Column::Id);
    if let Some(job) = filter.job_id {
        find = find.filter(execution::Column::JobId.eq(job));
    }
    if let Some(status) = given(&filter.status) {
        find = find.filter(execution::Column::Status.eq(parse::<ExecutionStatus>("status", status)?));
    }
    if let Some(kind) = given(&filter.kind) {
        find = find.filter(execution::Column::Kind.eq(parse::<ExecutionKind>("kind", kind)?));
    }
    if let Some(from) = given(&filter.from) {
        find = find.filter(execution::Column::CreatedAt.gte(at(day(from)?)));
    }
    if let Some(to) = given(&filter.to) {
        let next = day(to)?
            .succ_opt()
            .ok_or_else(|| ApiError::invalid("the end date is out of range"))?;
        find = find.filter(execution::Column::CreatedAt.lt(at(next)));
    }
    if let Some(before) = filter.before {
        find = find.filter(execution::Column::Id.lt(before));
    }
    let found = find.limit(PAGE_SIZE).all(db).await?;
    let next_before = (found.len() as u64 == PAGE_SIZE)
        .then(|| found.last().map(|r| r.id))
        .flatten();
    let jobs: Vec<(i64, String)> = job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .column(job::Column::Name)
        .order_by_asc(job::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    let names: HashMap<i64, String> = jobs.iter().cloned().collect();
    Ok(ExecutionPage {
        rows: found.iter().map(|e| row(e, &names)).collect(),
        next_before,
        jobs,
    })
}

fn name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn row(e: &execution::Model, jobs: &HashMap<i64, String>) -> ExecutionRow {
    let duration_ms = e.started_at.map(|s| {
        let end = e.finished_at.unwrap_or_else(Utc::now);
        (end - s).num_milliseconds()
    });
    ExecutionRow {
        id: e.id,
        job_id: e.job_id,
        job_name: e.job_id.and_then(|j| jobs.get(&j).cloned()),
        kind: name(e.kind),
        status: name(e.status),
        trigger: name(e.trigger),
        created_at: e.created_at.to_rfc3339(),
        started_at: e.started_at.map(|t| t.to_rfc3339()),
        finished_at: e.finished_at.map(|t| t.to_rfc3339()),
        duration_ms,
        raw_bytes: e.raw_bytes,
        stored_bytes: e.stored_bytes,
    }
}

pub async fn find(db: &DatabaseConnection, id: i64) -> Result<execution::Model> {
    execution::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no execution #{id}.")).into())
}

pub async fn job_names(db: &DatabaseConnection, job_id: Option<i64>) -> Result<HashMap<i64, String>> {
    let Some(job_id) = job_id else {
        return Ok(HashMap::new());
    };
    Ok(job::Entity::find_by_id(job_id)
        .one(db)
        .await?
        .map(|j| (j.id, j.name))
        .into_iter()
        .collect())
}

pub async fn log(db: &DatabaseConnection, id: i64) -> Result<Vec<LogLine>> {
    let lines = execution_log::Entity::find()
        .filter(execution_log::Column::ExecutionId.eq(id))
        .order_by_asc(execution_log::Column::Seq)
        .all(db)
        .await?;
    Ok(lines
        .into_iter()
        .map(|l| LogLine {
            seq: l.seq,
            at: l.created_at.to_rfc3339(),
            level: name(l.level),
            stage: l.stage,
            message: l.message,
        })
        .collect())
}

/// Flattens `destination_results` (one entry per database, each with its destinations).
pub fn destinations(results: &Value) -> Vec<DestinationResult> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut out = Vec::new();
    for db in results.as_array().into_iter().flatten() {
        let database = text(&db["database"]).unwrap_or_default();
        for d in db["destinations"].as_array().into_iter().flatten() {
            out.push(DestinationResult {
                database: database.clone(),
                destination: text(&d["destination"]).unwrap_or_default(),
                ok: d["ok"].as_bool().unwrap_or(false),
                object: text(&d["object"]["path"]).or_else(|| text(&db["object"])),
                size: d["object"]["size"].as_u64(),
                error: text(&d["error"]),
            });
        }
    }
    out
}

pub fn progress(p: &adapters::pipeline::Progress) -> ProgressView {
    ProgressView {
        stage: name(p.stage),
        database: p.database.clone(),
        raw_bytes: p.raw_bytes,
        stored_bytes: p.stored_bytes,
        elapsed_ms: p.elapsed_ms,
        throughput_bps: p.throughput_bps,
    }
}
