//! Administering users: edit, disable/enable, reset a password, sign out everywhere.
//!
//! Each change runs in one transaction that first locks the SuperAdmin group row, so
//! two administrators cannot each disable "the other" last SuperAdmin at once; the
//! decision itself is `user_rules::check_user_change`.

use super::audit::{self, Actor, Entry};
use super::auth::AuthUser;
use super::auth::Caller;
use super::error::Result;
use super::user_rules::{UserChange, UserFacts, check_user_change, check_within_reach};
use super::{password, session};
use crate::api::error::ApiError;
use chrono::Utc;
use entity::{group, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
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
pub(crate) fn check_reach(me: &AuthUser, g: &group::Model) -> Result<()> {
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

async fn audit_in(
    txn: &DatabaseTransaction,
    caller: &Caller,
    action: &str,
    target: &user::Model,
    summary: String,
) -> Result<()> {
    audit::record(
        txn,
        Actor::User(caller.user()?),
        &caller.client,
        Entry {
            action,
            resource_type: "user",
            resource_id: Some(target.id.to_string()),
            summary,
            success: true,
        },
    )
    .await
}

/// Refuses creating a user into the SuperAdmin group unless the caller is one, or into
/// a group holding permissions the caller lacks.
pub async fn check_create(caller: &Caller, group_id: i64) -> Result<()> {
    let me = caller.user()?;
    let Some(g) = group::Entity::find_by_id(group_id).one(&caller.state.db).await? else {
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
    check_reach(me, &g)
}

/// Renames a user and/or moves them to another group.
pub async fn update(caller: &Caller, id: i64, name: &str, group_id: i64) -> Result<()> {
    let me = caller.user()?;
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("Enter a name.").into());
    }
    if name.chars().count() > 200 {
        return Err(ApiError::invalid("The name must be at most 200 characters long.").into());
    }
    let txn = caller.state.db.begin().await?;
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
    check_reach(me, &target.group)?;
    check_reach(me, &new_group)?;
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
    let summary = format!("updated user {}: {}", target.user.email, changes.join(", "));
    audit_in(&txn, caller, "user.update", &target.user, summary).await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (ending every session at once) or enables a user.
pub async fn set_disabled(caller: &Caller, id: i64, disabled: bool) -> Result<()> {
    let me = caller.user()?;
    let txn = caller.state.db.begin().await?;
    let target = load(&txn, id).await?;
    let change = if disabled {
        UserChange::Disable
    } else {
        UserChange::Enable
    };
    check_user_change(change, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(me, &target.group)?;
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
    let (action, summary) = if disabled {
        let ended = session::revoke_all_for_user(&txn, id, None).await?;
        (
            "user.disable",
            format!("disabled user {} and ended {ended} session(s)", target.user.email),
        )
    } else {
        ("user.enable", format!("enabled user {}", target.user.email))
    };
    audit_in(&txn, caller, action, &target.user, summary).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password chosen by an administrator and ends the user's sessions (all
/// of them; the caller's own current one survives when resetting their own).
pub async fn reset_password(caller: &Caller, id: i64, new: &str, confirm: &str) -> Result<()> {
    let me = caller.user()?;
    if let Some(msg) = password::policy_violation(new) {
        return Err(ApiError::Invalid(msg).into());
    }
    if new != confirm {
        return Err(ApiError::invalid("The two passwords do not match.").into());
    }
    let hash = password::hash(new)?;
    let txn = caller.state.db.begin().await?;
    let target = load(&txn, id).await?;
    check_user_change(UserChange::Edit, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(me, &target.group)?;
    let mut active: user::ActiveModel = target.user.clone().into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let keep = (id == me.user_id).then_some(me.session_id);
    let ended = session::revoke_all_for_user(&txn, id, keep).await?;
    let summary = format!(
        "reset the password of {} and ended {ended} session(s)",
        target.user.email
    );
    audit_in(&txn, caller, "user.password_reset", &target.user, summary).await?;
    txn.commit().await?;
    Ok(())
}

/// "Sign out everywhere": ends every session of the user.
pub async fn revoke_sessions(caller: &Caller, id: i64) -> Result<u64> {
    let me = caller.user()?;
    let txn = caller.state.db.begin().await?;
    let target = load(&txn, id).await?;
    check_user_change(UserChange::Edit, facts(&txn, me.superadmin, &target).await?)?;
    check_reach(me, &target.group)?;
    let ended = session::revoke_all_for_user(&txn, id, None).await?;
    let summary = format!("signed {} out everywhere ({ended} session(s))", target.user.email);
    audit_in(&txn, caller, "user.sessions_revoke", &target.user, summary).await?;
    txn.commit().await?;
    Ok(ended)
}
