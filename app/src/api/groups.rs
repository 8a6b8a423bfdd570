//! Permission groups: list with member counts, create, edit, delete.

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    /// The built-in SuperAdmin group: holds everything, cannot be renamed or deleted.
    pub protected: bool,
    pub members: u64,
}

#[server(endpoint = "list_group_rows")]
pub async fn list_group_rows() -> Result<Vec<GroupRow>, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        crate::core::groups::list(&caller.ctx(), &caller.actor()?).await
    })
    .await
}

/// `permissions`: permission strings, each held by the caller (checkboxes arrive as
/// `permissions[]`).
#[server(endpoint = "create_group")]
pub async fn create_group(
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<i64, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        let (ctx, actor) = (caller.ctx(), caller.actor()?);
        let created = crate::core::groups::create(&ctx, &actor, &name, &description, &permissions).await?;
        Ok(created.id)
    })
    .await
}

#[server(endpoint = "update_group")]
pub async fn update_group(
    id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::groups::update(
            &caller.ctx(),
            &caller.actor()?,
            id,
            &name,
            &description,
            &permissions,
        )
        .await
    })
    .await
}

/// Refused while users are in the group, and always for the SuperAdmin group.
#[server(endpoint = "delete_group")]
pub async fn delete_group(id: i64) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::SignedIn)?;
        crate::core::groups::delete(&caller.ctx(), &caller.actor()?, id).await
    })
    .await
}

/// Registers these server functions by hand: `inventory` registers them from static
/// constructors, which the linker may drop from a code unit nothing else refers to.
#[cfg(feature = "ssr")]
pub fn register_server_fns() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<ListGroupRows>();
    register_explicit::<CreateGroup>();
    register_explicit::<UpdateGroup>();
    register_explicit::<DeleteGroup>();
}
