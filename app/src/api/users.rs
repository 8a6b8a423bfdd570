//! Users: list, add, edit (name, group), disable/enable, reset a password and
//! "sign out everywhere". The SuperAdmin rules live in `server::user_rules`.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub group: String,
    pub group_id: i64,
    /// In the protected SuperAdmin group: only SuperAdmins may change this user.
    pub superadmin: bool,
    pub disabled: bool,
    pub last_login: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupOption {
    pub id: i64,
    pub name: String,
    pub protected: bool,
}

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use entity::{group, user};
    use sea_orm::{EntityTrait, QueryOrder};

    respond(async {
        let caller = guard(Need::Permission(Permission::UsersRead))?;
        let rows = user::Entity::find()
            .find_also_related(group::Entity)
            .order_by_asc(user::Column::Email)
            .all(&caller.state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(u, g)| UserRow {
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
            })
            .collect())
    })
    .await
}

#[server(endpoint = "list_groups")]
pub async fn list_groups() -> Result<Vec<GroupOption>, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    use entity::group;
    use sea_orm::{EntityTrait, QueryOrder};

    respond(async {
        let caller = guard(Need::Permission(Permission::GroupsRead))?;
        Ok(group::Entity::find()
            .order_by_asc(group::Column::Name)
            .all(&caller.state.db)
            .await?
            .into_iter()
            .map(|g| GroupOption {
                id: g.id,
                name: g.name,
                protected: g.protected,
            })
            .collect())
    })
    .await
}

#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    password: String,
    password_confirm: String,
    group_id: i64,
) -> Result<i64, ApiError> {
    use crate::permissions::Permission;
    use crate::server::audit::{self, Actor, Entry};
    use crate::server::auth::{Need, guard, respond};
    use crate::server::users::{self, NewUser};

    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        let me = caller.user()?;
        crate::server::user_admin::check_create(&caller, group_id).await?;
        let new = NewUser {
            email: users::normalize_email(&email),
            name,
            password,
            password_confirm,
            group_id,
        };
        let created = users::insert(&caller.state.db, &new, chrono::Utc::now()).await?;
        audit::record(
            &caller.state.db,
            Actor::User(me),
            &caller.client,
            Entry {
                action: "user.create",
                resource_type: "user",
                resource_id: Some(created.id.to_string()),
                summary: format!("created user {} in group #{}", created.email, created.group_id),
                success: true,
            },
        )
        .await?;
        crate::server::notify::account_events::user_created(&caller.state, &created, &me.email).await;
        Ok(created.id)
    })
    .await
}

/// Renames a user and/or moves them to another group.
#[server(endpoint = "update_user")]
pub async fn update_user(id: i64, name: String, group_id: i64) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        crate::server::user_admin::update(&caller, id, &name, group_id).await
    })
    .await
}

/// Disables a user: they are signed out everywhere and cannot sign in.
#[server(endpoint = "disable_user")]
pub async fn disable_user(id: i64) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        crate::server::user_admin::set_disabled(&caller, id, true).await
    })
    .await
}

#[server(endpoint = "enable_user")]
pub async fn enable_user(id: i64) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        crate::server::user_admin::set_disabled(&caller, id, false).await
    })
    .await
}

/// Sets a new password for a user and ends all of their sessions.
#[server(endpoint = "reset_user_password")]
pub async fn reset_user_password(
    id: i64,
    password: String,
    password_confirm: String,
) -> Result<(), ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        crate::server::user_admin::reset_password(&caller, id, &password, &password_confirm).await
    })
    .await
}

/// "Sign out everywhere": ends every session of a user; answers how many ended.
#[server(endpoint = "revoke_user_sessions")]
pub async fn revoke_user_sessions(id: i64) -> Result<u64, ApiError> {
    use crate::permissions::Permission;
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Permission(Permission::UsersWrite))?;
        crate::server::user_admin::revoke_sessions(&caller, id).await
    })
    .await
}

/// Registers these server functions by hand: `inventory` registers them from static
/// constructors, which the linker may drop from a code unit nothing else refers to.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListUsers>();
    register_explicit::<ListGroups>();
    register_explicit::<CreateUser>();
    register_explicit::<UpdateUser>();
    register_explicit::<DisableUser>();
    register_explicit::<EnableUser>();
    register_explicit::<ResetUserPassword>();
    register_explicit::<RevokeUserSessions>();
}
