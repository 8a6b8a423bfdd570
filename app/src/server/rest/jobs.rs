//! `GET /api/v1/jobs`, `GET /api/v1/jobs/{id}` and `POST /api/v1/jobs/{id}/run`.

use super::auth::Caller;
use super::error::{RestError, RestResult};
use crate::api::error::ApiError;
use crate::permissions::Permission;
use crate::server::audit::{self, Actor, Entry};
use crate::server::auth::ClientInfo;
use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use entity::enums::ExecutionTrigger;
use entity::{job, job_destination};
use http::StatusCode;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

fn body(j: &job::Model, destinations: &[job_destination::Model]) -> Value {
    json!({
        "id": j.id,
        "name": j.name,
        "description": j.description,
        "cron": j.cron,
        "timezone": j.timezone,
        "enabled": j.enabled,
        "compression": j.compression,
        "compression_level": j.compression_level,
        "retention": j.retention,
        "notify_on": j.notify_on,
        "source_id": j.source_id,
        "databases": j.databases,
        "encryption_profile_id": j.encryption_profile_id,
        "destinations": destinations.iter()
            .map(|d| json!({"destination_id": d.destination_id, "priority": d.priority}))
            .collect::<Vec<_>>(),
        "last_run_at": j.last_run_at,
        "created_at": j.created_at,
        "updated_at": j.updated_at,
    })
}

async fn find(db: &DatabaseConnection, id: i64) -> RestResult<job::Model> {
    job::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| RestError(ApiError::NotFound(format!("no job {id}"))))
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> RestResult<Json<Value>> {
    caller.require(Permission::JobsRead)?;
    let jobs = job::Entity::find()
        .order_by_asc(job::Column::Name)
        .all(&state.db)
        .await?;
    let links = job_destination::Entity::find()
        .order_by_asc(job_destination::Column::Priority)
        .all(&state.db)
        .await?;
    let out: Vec<Value> = jobs
        .iter()
        .map(|j| {
            let mine: Vec<_> = links.iter().filter(|l| l.job_id == j.id).cloned().collect();
            body(j, &mine)
        })
        .collect();
    Ok(Json(json!({ "jobs": out })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    caller.require(Permission::JobsRead)?;
    let found = find(&state.db, id).await?;
    let links = job_destination::Entity::find()
        .filter(job_destination::Column::JobId.eq(id))
        .order_by_asc(job_destination::Column::Priority)
        .all(&state.db)
        .await?;
    Ok(Json(body(&found, &links)))
}

/// Queues a run now; the runner picks it up like any other.
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    client: Option<Extension<ClientInfo>>,
    Path(id): Path<i64>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let key = caller.require(Permission::JobsExecute)?;
    let found = find(&state.db, id).await?;
    let execution_id = state.engine.enqueue(id, ExecutionTrigger::Api, None).await?;
    let client = client.map(|Extension(c)| c).unwrap_or_default();
    audit::record(
        &state.db,
        Actor::Anonymous(&format!("api-key:{}", key.name)),
        &client,
        Entry {
            action: "job.run",
            resource_type: "job",
            resource_id: Some(id.to_string()),
            summary: format!("queued a run of job {} (execution #{execution_id})", found.name),
            success: true,
        },
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "execution_id": execution_id })),
    ))
}
