//! First-run setup, sign-in, sign-out and "who am I".

use super::error::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the console needs to know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub name: String,
    pub group: String,
    pub superadmin: bool,
    pub permissions: Vec<String>,
}

impl Me {
    pub fn can(&self, needed: crate::permissions::Permission) -> bool {
        crate::permissions::grants(&self.permissions, self.superadmin, needed)
    }
}

#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Me, ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::SignedIn)?;
        let u = caller.user()?;
        Ok(Me {
            email: u.email.clone(),
            name: u.name.clone(),
            group: u.group_name.clone(),
            superadmin: u.superadmin,
            permissions: u.permissions.clone(),
        })
    })
    .await
}

/// Creates the first administrator, signs them in and opens the dashboard.
#[server(endpoint = "setup_admin")]
pub async fn setup_admin(
    email: String,
    name: String,
    password: String,
    password_confirm: String,
) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Public)?;
        crate::server::flows::setup_admin(&caller, email, name, password, password_confirm).await
    })
    .await
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async move {
        let caller = guard(Need::Public)?;
        crate::server::flows::login(&caller, email, password).await
    })
    .await
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::server::auth::{Need, guard, respond};
    respond(async {
        let caller = guard(Need::Public)?;
        crate::server::flows::logout(&caller).await
    })
    .await
}
