//! Permission groups: list with member counts, create, edit, delete. The rules (the
//! SuperAdmin group stays as it is, a group with members stays, nobody grants more
//! than they hold) are in `user_rules`.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::groups::GroupRow;
use crate::api::users::GroupOption;
use crate::permissions::Permission;
use crate::server::error::{Result, ServerError};
use crate::server::user_rules::{
    GroupChange, check_group_change, grantable_group_permissions, permission_diff,
};
use chrono::Utc;
use entity::{group, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use std::collections::HashMap;

fn stored_permissions(g: &group::Model) -> Vec<String> {
    serde_json::from_value(g.permissions.clone()).unwrap_or_default()
}

/// Every group by name with how many users are in it.
pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<GroupRow>> {
    actor.require(Permission::GroupsRead)?;
    rows(&ctx.state.db).await
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<GroupRow> {
    list(ctx, actor)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| not_found(id).into())
}

/// The groups a user can be put in, by name (the user form's choices).
pub async fn options(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<GroupOption>> {
    actor.require(Permission::GroupsRead)?;
    Ok(by_name(&ctx.state.db)
        .await?
        .into_iter()
        .map(|g| GroupOption {
            id: g.id,
            name: g.name,
            protected: g.protected,
        })
        .collect())
}

/// Every group, by name (the choices of the user and SSO forms).
pub(crate) async fn by_name(db: &impl ConnectionTrait) -> Result<Vec<group::Model>> {
    Ok(group::Entity::find()
        .order_by_asc(group::Column::Name)
        .all(db)
        .await?)
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("There is no group #{id}."))
}

async fn rows(db: &impl ConnectionTrait) -> Result<Vec<GroupRow>> {
    let groups = group::Entity::find()
        .order_by_desc(group::Column::Protected)
        .order_by_asc(group::Column::Name)
        .all(db)
        .await?;
    let mut members: HashMap<i64, u64> = HashMap::new();
    let memberships: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    for gid in memberships {
        *members.entry(gid).or_default() += 1;
    }
    Ok(groups
        .into_iter()
        .map(|g| GroupRow {
            id: g.id,
            permissions: stored_permissions(&g),
            name: g.name,
            description: g.description.unwrap_or_default(),
            protected: g.protected,
            members: members.get(&g.id).copied().unwrap_or(0),
        })
        .collect())
}

/// At most 100 characters as given (the REST schema's bound), not only spaces.
fn checked_name(name: &str) -> Result<String, ApiError> {
    let long = name.chars().count() > 100;
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Give the group a name."));
    }
    if long {
        return Err(ApiError::invalid(
            "The group name may have at most 100 characters.",
        ));
    }
    Ok(name.to_string())
}

fn checked_description(description: &str) -> Result<Option<String>, ApiError> {
    let d = description.trim();
    if description.chars().count() > 500 {
        return Err(ApiError::invalid(
            "The description may have at most 500 characters.",
        ));
    }
    Ok((!d.is_empty()).then(|| d.to_string()))
}

fn name_taken(name: &str) -> ApiError {
    ApiError::Conflict(format!("A group named {name} already exists."))
}

async fn ensure_name_free(txn: &DatabaseTransaction, name: &str, except: Option<i64>) -> Result<()> {
    let mut q = group::Entity::find().filter(group::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(group::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(name_taken(name).into());
    }
    Ok(())
}

fn map_unique(e: sea_orm::DbErr, name: &str) -> ServerError {
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        name_taken(name).into()
    } else {
        e.into()
    }
}

/// Whether the actor may change groups at all, checked before a request body is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::GroupsWrite)?)
}

/// A new group holding `requested`, each of which the actor must hold.
pub async fn create(
    ctx: &Ctx<'_>,
    actor: &Actor,
    name: &str,
    description: &str,
    requested: &[String],
) -> Result<GroupRow> {
    may_write(actor)?;
    let me = actor.holdings();
    let name = checked_name(name)?;
    let description = checked_description(description)?;
    let perms = grantable_group_permissions(&me.permissions, me.superadmin, &[], requested)?;
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    ensure_name_free(&txn, &name, None).await?;
    let now = Utc::now();
    let model = group::ActiveModel {
        name: Set(name.clone()),
        description: Set(description),
        permissions: Set(serde_json::json!(perms)),
        protected: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| map_unique(e, &name))?;
    let event = AuditEvent::GroupCreate {
        id: model.id,
        name: &name,
        permissions: &perms,
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(GroupRow {
        id: model.id,
        name,
        description: model.description.unwrap_or_default(),
        permissions: perms,
        protected: false,
        members: 0,
    })
}

async fn locked(txn: &DatabaseTransaction, id: i64) -> Result<group::Model> {
    group::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| not_found(id).into())
}

/// Renames, redescribes and/or changes the permissions of a group; the SuperAdmin group
/// only changes its description, and only by a SuperAdmin.
pub async fn update(
    ctx: &Ctx<'_>,
    actor: &Actor,
    id: i64,
    name: &str,
    description: &str,
    requested: &[String],
) -> Result<()> {
    may_write(actor)?;
    let me = actor.holdings();
    let name = checked_name(name)?;
    let description = checked_description(description)?;
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let current = locked(&txn, id).await?;
    let before = stored_permissions(&current);
    let renamed = name != current.name;
    // The SuperAdmin form sends no permissions: its "*" is not a choice.
    let permissions_changed = if current.protected {
        requested.iter().any(|p| !p.trim().is_empty())
    } else {
        let mut wanted: Vec<String> = requested.iter().map(|p| p.trim().to_string()).collect();
        wanted.retain(|p| !p.is_empty());
        wanted.sort();
        wanted.dedup();
        let mut had = before.clone();
        had.sort();
        wanted != had
    };
    check_group_change(
        current.protected,
        me.superadmin,
        &GroupChange::Update {
            renamed,
            permissions_changed,
        },
    )?;
    let after = if current.protected {
        before.clone()
    } else {
        grantable_group_permissions(&me.permissions, me.superadmin, &before, requested)?
    };
    let mut changes = Vec::new();
    if renamed {
        ensure_name_free(&txn, &name, Some(id)).await?;
        changes.push(format!("renamed {} → {name}", current.name));
    }
    let diff = permission_diff(&before, &after);
    if !diff.is_empty() {
        changes.push(diff);
    }
    if description != current.description {
        changes.push("description changed".to_string());
    }
    if changes.is_empty() {
        return Ok(());
    }
    let mut active: group::ActiveModel = current.clone().into();
    active.name = Set(name.clone());
    active.description = Set(description);
    active.permissions = Set(serde_json::json!(after));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await.map_err(|e| map_unique(e, &name))?;
    let event = AuditEvent::GroupUpdate {
        id,
        name: &current.name,
        changes: &changes,
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Refused while users are in the group, and always for the SuperAdmin group.
pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<()> {
    may_write(actor)?;
    let me = actor.holdings();
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let current = locked(&txn, id).await?;
    let members = user::Entity::find()
        .filter(user::Column::GroupId.eq(id))
        .count(&txn)
        .await?;
    check_group_change(current.protected, me.superadmin, &GroupChange::Delete { members })?;
    group::Entity::delete_by_id(id).exec(&txn).await?;
    let event = AuditEvent::GroupDelete {
        id,
        name: &current.name,
        permissions: &stored_permissions(&current),
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(())
}
