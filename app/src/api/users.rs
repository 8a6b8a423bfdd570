//! Users: list, add, edit (name, group), disable/enable, reset a password and
//! "sign out everywhere". The SuperAdmin rules live in `server::user_rules`.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::users::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

#[server(endpoint = "list_groups")]
pub async fn list_groups() -> Result<Vec<GroupOption>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::groups::options(&caller.ctx(), &caller.actor()?).await
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
    use crate::server::auth::{Need, guard, respond};
    use crate::server::users::NewUser;
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let new = NewUser {
            email,
            name,
            password,
            password_confirm,
            group_id,
        };
        let created = crate::core::users::create(&caller.ctx(), &caller.actor()?, new).await?;
        Ok(created.id)
    })
    .await
}

/// Renames a user and/or moves them to another group.
#[server(endpoint = "update_user")]
pub async fn update_user(id: i64, name: String, group_id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::users::update(&caller.ctx(), &caller.actor()?, id, &name, group_id).await
    })
    .await
}

/// Disables a user: they are signed out everywhere and cannot sign in.
#[server(endpoint = "disable_user")]
pub async fn disable_user(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::users::set_disabled(&caller.ctx(), &caller.actor()?, id, true).await
    })
    .await
}

#[server(endpoint = "enable_user")]
pub async fn enable_user(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::users::set_disabled(&caller.ctx(), &caller.actor()?, id, false).await
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
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        crate::core::users::reset_password(&ctx, &actor, id, &password, &password_confirm).await
    })
    .await
}

/// "Sign out everywhere": ends every session of a user; answers how many ended.
#[server(endpoint = "revoke_user_sessions")]
pub async fn revoke_user_sessions(id: i64) -> Result<u64, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::users::revoke_sessions(&caller.ctx(), &caller.actor()?, id).await
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
