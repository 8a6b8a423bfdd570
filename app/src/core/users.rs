//! Administering users: list, create, edit, disable/enable, reset a password, sign out
//! everywhere.
//!
//! Each change runs in one transaction that first locks the SuperAdmin group row, so
//! two administrators cannot each disable "the other" last SuperAdmin at once; the
//! decision itself is `user_rules::check_user_change`.

use super::actor::Holdings;
use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::users::UserRow;
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::user_rules::{UserChange, UserFacts, check_user_change, check_within_reach};
use crate::server::users::{self as store, NewUser};
use crate::server::{password, session};
use chrono::Utc;
use entity::{group, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A user and the group they are in.
struct Target {
    user: user::Model,
    group: group::Model,
}

async fn load(txn: &DatabaseTransaction, id: i64) -> Result<Target> {
    match user::Entity::find_by_id(id)
        .find_also_related(group::Entity)
        .one(txn)
        .await?
    {
        Some((user, Some(group))) => Ok(Target { user, group }),
        _ => Err(ApiError::NotFound(format!("There is no user #{id}.")).into()),
    }
}

/// The caller may act on members of `g` (and put users in it) only when they hold
/// everything `g` grants.
pub(crate) fn check_reach(me: &Holdings, g: &group::Model) -> Result<()> {
    let granted: Vec<String> = serde_json::from_value(g.permissions.clone()).unwrap_or_default();
    Ok(check_within_reach(&me.permissions, me.superadmin, &granted)?)
}

/// The SuperAdmin group, locked until the transaction ends (PostgreSQL; SQLite
/// serialises writers anyway).
async fn lock_superadmin_group(txn: &DatabaseTransaction) -> Result<group::Model> {
    group::Entity::find()
        .filter(group::Column::Protected.eq(true))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("The SuperAdmin group is missing.".into()).into())
}

async fn facts(txn: &DatabaseTransaction, caller_superadmin: bool, target: &Target) -> Result<UserFacts> {
    let superadmins = lock_superadmin_group(txn).await?;
    let others = user::Entity::find()
        .filter(user::Column::GroupId.eq(superadmins.id))
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Id.ne(target.user.id))
        .count(txn)
        .await?;
    Ok(UserFacts {
        caller_superadmin,
        target_superadmin: target.group.protected,
        target_disabled: target.user.disabled,
        other_enabled_superadmins: others,
    })
}

fn row((u, g): (user::Model, Option<group::Model>)) -> UserRow {
    UserRow {
        id: u.id,
        email: u.email,
        name: u.name,
        group_id: u.group_id,
        superadmin: g.as_ref().is_some_and(|g| g.protected),
        group: g.map(|g| g.name).unwrap_or_default(),
        disabled: u.disabled,
        last_login: u
            .last_login_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    }
}

/// Every user by email, with their group.
pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<UserRow>> {
    actor.require(Permission::UsersRead)?;
    let rows = user::Entity::find()
        .find_also_related(group::Entity)
        .order_by_asc(user::Column::Email)
        .all(&ctx.state.db)
        .await?;
    Ok(rows.into_iter().map(row).collect())
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<UserRow> {
    actor.require(Permission::UsersRead)?;
    match user::Entity::find_by_id(id)
        .find_also_related(group::Entity)
        .one(&ctx.state.db)
        .await?
    {
        Some(found) => Ok(row(found)),
        None => Err(ApiError::NotFound(format!("There is no user #{id}.")).into()),
    }
}

/// Whether the actor may change users at all, checked before a request body is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::UsersWrite)?)
}

/// A new user with a password. Refused into the SuperAdmin group unless the actor is a
/// SuperAdmin, and into a group holding permissions the actor lacks.
pub async fn create(ctx: &Ctx<'_>, actor: &Actor, mut new: NewUser) -> Result<UserRow> {
    may_write(actor)?;
    let me = actor.holdings();
    // As sent, as the API's schema bounds it (the address is checked again once trimmed).
    if new.email.chars().count() > 254 {
        return Err(ApiError::invalid("The email address is longer than 254 characters.").into());
    }
    new.email = store::normalize_email(&new.email);
    let Some(g) = group::Entity::find_by_id(new.group_id).one(&ctx.state.db).await? else {
        return Err(ApiError::invalid("The chosen group does not exist.").into());
    };
    let facts = UserFacts {
        caller_superadmin: me.superadmin,
        target_superadmin: false,
        target_disabled: false,
        other_enabled_superadmins: 0,
    };
    check_user_change(
        UserChange::Create {
            into_superadmin: g.protected,
        },
        facts,
    )?;
    check_reach(&me, &g)?;
    let created = store::insert(&ctx.state.db, &new, Utc::now()).await?;
    let event = AuditEvent::UserCreate {
        id: created.id,
        email: &created.email,
        group_id: created.group_id,
    };
    audit_event::record(ctx, actor, event).await?;
    crate::server::notify::account_events::user_created(ctx.state, &created, &actor.label()).await;
    Ok(row((created, Some(g))))
}

/// Renames a user and/or moves them to another group.
pub async fn update(ctx: &Ctx<'_>, actor: &Actor, id: i64, name: &str, group_id: i64) -> Result<()> {
    may_write(actor)?;
    let me = actor.holdings();
    store::name_violation(name)?;
    let name = name.trim();
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let target = load(&txn, id).await?;
    let Some(new_group) = group::Entity::find_by_id(group_id).one(&txn).await? else {
        return Err(ApiError::invalid("The chosen group does not exist.").into());
    };
    let moved = new_group.id != target.group.id;
    let change = if moved {
        UserChange::Move {
            into_superadmin: new_group.protected,
        }
    } else {
        UserChange::Edit
    };
    check_user_change(change, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(&me, &target.group)?;
    check_reach(&me, &new_group)?;
    let mut changes = Vec::new();
    if name != target.user.name {
        changes.push(format!("name {:?} → {:?}", target.user.name, name));
    }
    if moved {
        changes.push(format!("group {} → {}", target.group.name, new_group.name));
    }
    if changes.is_empty() {
        return Ok(());
    }
    let mut active: user::ActiveModel = target.user.clone().into();
    active.name = Set(name.to_string());
    active.group_id = Set(new_group.id);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let event = AuditEvent::UserUpdate {
        id,
        email: &target.user.email,
        changes: &changes,
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (ending every session at once) or enables a user.
pub async fn set_disabled(ctx: &Ctx<'_>, actor: &Actor, id: i64, disabled: bool) -> Result<()> {
    may_write(actor)?;
    let me = actor.holdings();
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let target = load(&txn, id).await?;
    let change = if disabled {
        UserChange::Disable
    } else {
        UserChange::Enable
    };
    check_user_change(change, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(&me, &target.group)?;
    if target.user.disabled == disabled {
        return Err(ApiError::Conflict(format!(
            "{} is already {}.",
            target.user.email,
            if disabled { "disabled" } else { "enabled" }
        ))
        .into());
    }
    let mut active: user::ActiveModel = target.user.clone().into();
    active.disabled = Set(disabled);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let email = &target.user.email;
    let event = if disabled {
        let sessions_ended = session::revoke_all_for_user(&txn, id, None).await?;
        AuditEvent::UserDisable {
            id,
            email,
            sessions_ended,
        }
    } else {
        AuditEvent::UserEnable { id, email }
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password chosen by an administrator and ends the user's sessions (all
/// of them; the caller's own current one survives when resetting their own).
pub async fn reset_password(ctx: &Ctx<'_>, actor: &Actor, id: i64, new: &str, confirm: &str) -> Result<()> {
    may_write(actor)?;
    let me = actor.holdings();
    if let Some(msg) = password::policy_violation(new) {
        return Err(ApiError::Invalid(msg).into());
    }
    if new != confirm {
        return Err(ApiError::invalid("The two passwords do not match.").into());
    }
    let hash = password::hash(new)?;
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let target = load(&txn, id).await?;
    check_user_change(UserChange::Edit, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(&me, &target.group)?;
    let mut active: user::ActiveModel = target.user.clone().into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    // Resetting one's own password keeps the session it is done from.
    let keep = match actor {
        Actor::User(me) if me.user_id == id => Some(me.session_id),
        _ => None,
    };
    let sessions_ended = session::revoke_all_for_user(&txn, id, keep).await?;
    let event = AuditEvent::UserPasswordReset {
        id,
        email: &target.user.email,
        sessions_ended,
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// "Sign out everywhere": ends every session of the user.
pub async fn revoke_sessions(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<u64> {
    may_write(actor)?;
    let me = actor.holdings();
    let txn = crate::server::db::begin_write(&ctx.state.db).await?;
    let target = load(&txn, id).await?;
    check_user_change(UserChange::Edit, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(&me, &target.group)?;
    let ended = session::revoke_all_for_user(&txn, id, None).await?;
    let event = AuditEvent::UserSessionsRevoke {
        id,
        email: &target.user.email,
        sessions_ended: ended,
    };
    audit_event::record_in(&txn, ctx, actor, event).await?;
    txn.commit().await?;
    Ok(ended)
}
