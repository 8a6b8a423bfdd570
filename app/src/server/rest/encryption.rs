//! Encryption profiles under `/api/v1/encryption-profiles`: list, create, read, delete and
//! extra recipients. The identity (the secret key) is never handed out here; its one-time
//! download stays in the console.

use super::audit::{self, Client};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use crate::permissions::Permission;
use crate::server::audit::Entry;
use crate::server::encryption_profiles as profiles;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    recipient: String,
}

fn entry(action: &'static str, id: i64, summary: String) -> Entry<'static> {
    Entry {
        action,
        resource_type: "encryption_profile",
        resource_id: Some(id.to_string()),
        summary,
        success: true,
    }
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> RestResult<Json<Value>> {
    caller.require(Permission::EncryptionRead)?;
    let rows = profiles::list(&state.db).await?;
    Ok(Json(json!({ "encryption_profiles": rows })))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> RestResult<Json<Value>> {
    caller.require(Permission::EncryptionRead)?;
    Ok(Json(json!(profiles::row(profiles::find(&state.db, id).await?))))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<Value>)> {
    let key = caller.require(Permission::EncryptionWrite)?;
    let JsonBody(input) = input?;
    let created = profiles::create(&state.db, &state.master_key, &input.name, &input.description).await?;
    let summary = format!(
        "created encryption profile {} ({})",
        created.name, created.recipient
    );
    audit::record(
        &state,
        key,
        &client,
        entry("encryption_profile.create", created.id, summary),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(profiles::row(created)))))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    let key = caller.require(Permission::EncryptionWrite)?;
    let deleted = profiles::delete(&state.db, id).await?;
    let summary = format!("deleted encryption profile {}", deleted.name);
    audit::record(
        &state,
        key,
        &client,
        entry("encryption_profile.delete", id, summary),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<Value>> {
    let key = caller.require(Permission::EncryptionWrite)?;
    let JsonBody(input) = input?;
    let (profile, added) = profiles::add_recipient(&state.db, id, &input.recipient).await?;
    let summary = format!("added recipient {added} to encryption profile {}", profile.name);
    audit::record(
        &state,
        key,
        &client,
        entry("encryption_profile.add_recipient", id, summary),
    )
    .await?;
    Ok(Json(json!(profiles::row(profile))))
}

pub async fn remove_recipient(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<RecipientBody>, RestError>,
) -> RestResult<Json<Value>> {
    let key = caller.require(Permission::EncryptionWrite)?;
    let JsonBody(input) = input?;
    let profile = profiles::remove_recipient(&state.db, id, &input.recipient).await?;
    let summary = format!(
        "removed recipient {} from encryption profile {}",
        input.recipient.trim(),
        profile.name
    );
    audit::record(
        &state,
        key,
        &client,
        entry("encryption_profile.remove_recipient", id, summary),
    )
    .await?;
    Ok(Json(json!(profiles::row(profile))))
}
