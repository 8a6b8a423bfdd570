//! Who is calling: every server function first learns whether someone is signed in.

use super::error::{Result, ServerError};
use super::state::AppState;
use crate::api::error::ApiError;
use crate::permissions::{self, Permission};
use http::request::Parts;
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;
use std::future::Future;

/// The signed-in user of a request, resolved once by the middleware.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: i64,
    pub session_id: i64,
    pub email: String,
    pub name: String,
    pub group_name: String,
    pub superadmin: bool,
    pub permissions: Vec<String>,
}

impl AuthUser {
    pub fn can(&self, needed: Permission) -> bool {
        permissions::grants(&self.permissions, self.superadmin, needed)
    }
}

/// Where a request came from, for audit entries and rate limits.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What a server function requires of its caller.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Anyone, signed in or not (sign-in and first-run setup only).
    Public,
    /// Any signed-in user; the use case it calls checks their permission.
    SignedIn,
}

/// The caller of a server function once `guard` has let it through.
pub struct Caller {
    pub state: AppState,
    pub user: Option<AuthUser>,
    pub client: ClientInfo,
    pub parts: Parts,
}

impl Caller {
    /// The signed-in user; only `Need::Public` callers may lack one.
    pub fn user(&self) -> Result<&AuthUser> {
        self.user
            .as_ref()
            .ok_or(ServerError::Api(ApiError::Unauthenticated))
    }

    /// The signed-in user as the actor of a use case.
    pub fn actor(&self) -> Result<crate::core::Actor> {
        Ok(crate::core::Actor::User(self.user()?.clone()))
    }

    pub fn ctx(&self) -> crate::core::Ctx<'_> {
        crate::core::Ctx {
            state: &self.state,
            client: &self.client,
        }
    }
}

/// The sign-in check every server function starts with (permissions are the use case's).
pub fn guard(need: Need) -> Result<Caller> {
    let state = use_context::<AppState>()
        .ok_or_else(|| ServerError::Config("application state missing from context".into()))?;
    let parts = use_context::<Parts>()
        .ok_or_else(|| ServerError::Config("request parts missing from context".into()))?;
    let user = parts.extensions.get::<AuthUser>().cloned();
    let client = parts.extensions.get::<ClientInfo>().cloned().unwrap_or_default();
    check(need, user.as_ref())?;
    Ok(Caller {
        state,
        user,
        client,
        parts,
    })
}

/// The decision alone, without the request plumbing.
pub fn check(need: Need, user: Option<&AuthUser>) -> std::result::Result<(), ApiError> {
    match (need, user) {
        (Need::Public, _) => Ok(()),
        (_, None) => Err(ApiError::Unauthenticated),
        (Need::SignedIn, Some(_)) => Ok(()),
    }
}

/// Runs a server function body and turns its error into the caller's error with
/// the matching HTTP status.
pub async fn respond<T>(body: impl Future<Output = Result<T>>) -> std::result::Result<T, ApiError> {
    match body.await {
        Ok(v) => Ok(v),
        Err(e) => {
            let api: ApiError = e.into();
            crate::api::error::set_response_status(api.status());
            Err(api)
        }
    }
}

pub fn append_set_cookie(cookie: &str) {
    if let Ok(value) = http::HeaderValue::from_str(cookie) {
        expect_context::<ResponseOptions>().append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(perms: &[&str], superadmin: bool) -> AuthUser {
        AuthUser {
            user_id: 1,
            session_id: 1,
            email: "a@b.co".into(),
            name: "A".into(),
            group_name: "G".into(),
            superadmin,
            permissions: perms.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn check_table() {
        let reader = user(&["jobs:read"], false);
        assert!(check(Need::Public, None).is_ok());
        assert!(check(Need::Public, Some(&reader)).is_ok());
        assert_eq!(check(Need::SignedIn, None), Err(ApiError::Unauthenticated));
        assert!(check(Need::SignedIn, Some(&reader)).is_ok());
    }

    #[test]
    fn a_user_holds_their_group_permissions() {
        let reader = user(&["jobs:read"], false);
        assert!(reader.can(Permission::JobsRead));
        assert!(!reader.can(Permission::JobsWrite));
        let admin = user(&[], true);
        assert!(Permission::EVERY.iter().all(|p| admin.can(*p)));
    }
}
