//! Users under `/api/v1/users`: list, create, read, edit, disable/enable, reset a
//! password, sign out everywhere: the use cases of `core::users` behind JSON.

use super::audit::{Client, ctx};
use super::auth::Caller;
use super::body::JsonBody;
use super::error::{RestError, RestResult};
use super::extract::Path;
use super::openapi_types::Id;
use crate::api::users::UserRow;
use crate::core::users;
use crate::server::state::AppState;
use crate::server::users::NewUser;
use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// One `@` with something before it, a dot inside the domain, no spaces (surrounding
    /// ones are dropped); stored in lower case.
    #[schema(max_length = 254, pattern = r"^\s*[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\s*$")]
    email: String,
    /// Surrounding spaces are dropped.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: String,
    #[schema(min_length = 12, max_length = 1024, format = Password)]
    password: String,
    /// A group whose permissions the caller holds.
    group_id: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: String,
    /// A group whose permissions the caller holds.
    group_id: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    #[schema(min_length = 12, max_length = 1024, format = Password)]
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    users: Vec<UserRow>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionsEnded {
    sessions_ended: u64,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    summary = "List users by email (permission users:read)",
    responses((status = 200, description = "Every user", body = UserList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
) -> RestResult<Json<UserList>> {
    let users = users::list(&ctx(&state, &client), &caller.actor()).await?;
    Ok(Json(UserList { users }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(Id),
    summary = "One user (permission users:read)",
    responses((status = 200, description = "The user", body = UserRow),
        (status = 404, description = "No such user")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<UserRow>> {
    Ok(Json(
        users::get(&ctx(&state, &client), &caller.actor(), id).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateBody,
    summary = "Create a user with a password, in a group whose permissions the caller holds (permission users:write)",
    responses((status = 201, description = "The new user", body = UserRow),
        (status = 409, description = "A user with that email exists")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    input: Result<JsonBody<CreateBody>, RestError>,
) -> RestResult<(StatusCode, Json<UserRow>)> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    let new = NewUser {
        email: input.email,
        name: input.name,
        password_confirm: input.password.clone(),
        password: input.password,
        group_id: input.group_id,
    };
    let row = users::create(&ctx(&state, &client), &actor, new).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(Id), request_body = UpdateBody,
    summary = "Rename a user and/or move them to another group (permission users:write)",
    responses((status = 204, description = "Saved"),
        (status = 404, description = "No such user"),
        (status = 409, description = "Refused by the SuperAdmin rules (the last SuperAdmin stays one)")))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<UpdateBody>, RestError>,
) -> RestResult<StatusCode> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    users::update(&ctx(&state, &client), &actor, id, &input.name, input.group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(Id),
    summary = "Disable a user and end every session of theirs (permission users:write)",
    responses((status = 204, description = "Done"),
        (status = 404, description = "No such user"),
        (status = 409, description = "Refused by the SuperAdmin rules")))]
pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    users::set_disabled(&ctx(&state, &client), &caller.actor(), id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", params(Id),
    summary = "Enable a disabled user (permission users:write)",
    responses((status = 204, description = "Done"),
        (status = 404, description = "No such user"),
        (status = 409, description = "Refused by the SuperAdmin rules")))]
pub async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<StatusCode> {
    users::set_disabled(&ctx(&state, &client), &caller.actor(), id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", params(Id),
    request_body = PasswordBody,
    summary = "Set a new password and end the user's sessions (permission users:write)",
    responses((status = 204, description = "Done"),
        (status = 404, description = "No such user"),
        (status = 409, description = "Refused by the SuperAdmin rules")))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
    input: Result<JsonBody<PasswordBody>, RestError>,
) -> RestResult<StatusCode> {
    let actor = caller.actor();
    users::may_write(&actor)?;
    let JsonBody(input) = input?;
    let password = &input.password;
    users::reset_password(&ctx(&state, &client), &actor, id, password, password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/revoke-sessions", tag = "users", params(Id),
    summary = "Sign the user out everywhere (permission users:write)",
    responses((status = 200, description = "How many sessions ended", body = SessionsEnded),
        (status = 404, description = "No such user"),
        (status = 409, description = "Refused by the SuperAdmin rules")))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    caller: Caller,
    client: Client,
    Path(id): Path<i64>,
) -> RestResult<Json<SessionsEnded>> {
    let sessions_ended = users::revoke_sessions(&ctx(&state, &client), &caller.actor(), id).await?;
    Ok(Json(SessionsEnded { sessions_ended }))
}

#[cfg(test)]
mod tests {
    /// The documented pattern and the server's own check agree on the edge cases.
    #[test]
    fn email_pattern_matches_the_server_rule() {
        let schema = serde_json::to_value(<super::CreateBody as utoipa::PartialSchema>::schema()).unwrap();
        let documented = schema["properties"]["email"]["pattern"]
            .as_str()
            .expect("a pattern");
        let re = regex::Regex::new(documented).unwrap();
        let pattern = |s: &str| re.is_match(s);
        for (email, ok) in [
            ("ops@example.com", true),
            ("  Ops@Example.COM ", true),
            ("a@b.c", true),
            ("a@b..c", true),
            ("@b.c", false),
            ("a@.b.c", false),
            ("a@b.c.", false),
            ("a@bc", false),
            ("a b@c.d", false),
            ("a@b@c.d", false),
            ("", false),
        ] {
            let server = crate::server::users::email_violation(&crate::server::users::normalize_email(email));
            assert_eq!(server.is_none(), ok, "{email}");
            assert_eq!(pattern(email), ok, "{email}");
        }
    }
}
