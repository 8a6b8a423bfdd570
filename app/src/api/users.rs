//! Users: the list and "add user". (Editing, groups and the rest arrive with the
//! identity issue.)

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub group: String,
    pub disabled: bool,
    pub last_login: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupOption {
    pub id: i64,
    pub name: String,
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
        Ok(created.id)
    })
    .await
}
