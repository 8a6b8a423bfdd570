//! The SSO sign-in routes: `/auth/oidc/{slug}/start` sends the browser to the
//! provider, `/auth/oidc/{slug}/callback` brings it back signed in (or to a page
//! saying why not). They sit outside the page middleware, which would send a
//! signed-out browser to /login.

use super::account_audit::{self, AccountEvent};
use super::audit::Actor;
use super::auth::ClientInfo;
use super::oidc_client::{self, Exchange, Identity};
use super::oidc_decide::{self, Account, Decision, Facts};
use super::oidc_error::{self, FlowError};
use super::oidc_pending::{self, Pending, STORE, TakeError};
use super::state::AppState;
use super::{session, sso_providers, users};
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use entity::{sso_identity, sso_provider, user};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Instant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/{slug}/start", get(start))
        .route("/auth/oidc/{slug}/callback", get(callback))
}

pub fn redirect_uri(state: &AppState, slug: &str) -> String {
    format!("{}/auth/oidc/{slug}/callback", state.config.public_url)
}

fn client_info(parts: &Parts) -> ClientInfo {
    ClientInfo {
        ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    }
}

fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response();
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn enabled_provider(state: &AppState, slug: &str) -> Result<sso_provider::Model, FlowError> {
    match sso_providers::find_by_slug(&state.db, slug).await {
        Ok(Some(p)) if p.enabled => Ok(p),
        Ok(_) => Err(FlowError::UnknownProvider(slug.chars().take(40).collect())),
        Err(e) => Err(FlowError::Internal(e.to_string())),
    }
}

async fn start(State(state): State<AppState>, Path(slug): Path<String>, parts: Parts) -> Response {
    let client = client_info(&parts);
    let outcome = async {
        let provider = enabled_provider(&state, &slug).await?;
        let meta = oidc_client::discover(&provider.issuer_url, false)
            .await
            .map_err(FlowError::Unreachable)?;
        let auth = oidc_client::authorize(
            meta,
            &provider.client_id,
            &redirect_uri(&state, &provider.slug),
            &provider.scopes,
        )?;
        let binding = session::new_token();
        let pending = Pending {
            provider_id: provider.id,
            slug: provider.slug.clone(),
            nonce: auth.nonce,
            pkce_verifier: auth.pkce_verifier,
            binding: binding.clone(),
            client: client.ip.clone().unwrap_or_else(|| "unknown".into()),
            started: Instant::now(),
        };
        STORE
            .lock()
            .map_err(|_| FlowError::Internal("the SSO state store is unusable after a panic".into()))?
            .insert(auth.state, pending, Instant::now());
        Ok::<_, FlowError>((auth.url, binding))
    }
    .await;
    match outcome {
        Ok((url, binding)) => see_other(
            &url,
            &[oidc_pending::set_cookie(&binding, state.config.secure_cookies())],
        ),
        Err(err) => fail(&state, &client, &slug, err).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<CallbackQuery>,
    parts: Parts,
) -> Response {
    let client = client_info(&parts);
    let secure = state.config.secure_cookies();
    let binding = oidc_pending::binding_from_headers(&parts.headers);
    match finish(&state, &slug, query, binding.as_deref(), &client).await {
        Ok(SignedIn { token, next }) => see_other(
            next,
            &[
                session::set_cookie(&token, secure),
                oidc_pending::clear_cookie(secure),
            ],
        ),
        Err(err) => {
            let mut response = fail(&state, &client, &slug, err).await;
            if let Ok(v) = HeaderValue::from_str(&oidc_pending::clear_cookie(secure)) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            response
        }
    }
}

/// Audits the failure and renders its page.
async fn fail(state: &AppState, client: &ClientInfo, slug: &str, err: FlowError) -> Response {
    if let FlowError::Internal(m) = &err {
        tracing::error!(slug, error = %m, "SSO sign-in failed");
    } else {
        tracing::info!(slug, reason = %err.reason(), "SSO sign-in refused");
    }
    let label = err
        .email()
        .map(str::to_string)
        .unwrap_or_else(|| format!("sso:{slug}"));
    let recorded = account_audit::record(
        &state.db,
        Actor::Anonymous(&label),
        client,
        AccountEvent::SignInRefused {
            why: format!("SSO sign-in with {slug} refused: {}", err.reason()),
        },
    )
    .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "could not audit a refused SSO sign-in");
    }
    oidc_error::page(&err)
}

fn internal(e: impl std::fmt::Display) -> FlowError {
    FlowError::Internal(e.to_string())
}

/// A new session's token, and where the browser goes next.
struct SignedIn {
    token: String,
    next: &'static str,
}

/// Everything between the provider's redirect and a new session.
async fn finish(
    state: &AppState,
    slug: &str,
    query: CallbackQuery,
    binding: Option<&str>,
    client: &ClientInfo,
) -> Result<SignedIn, FlowError> {
    let provider = enabled_provider(state, slug).await?;
    let taken = match &query.state {
        Some(s) => STORE
            .lock()
            .map_err(|_| internal("the SSO state store is unusable after a panic"))?
            .take(s, binding, slug, Instant::now()),
        None => Err(TakeError::Unknown),
    };
    if let Some(error) = &query.error {
        let error: String = error.chars().take(100).collect();
        let description: Option<String> = query
            .error_description
            .as_ref()
            .map(|d| d.chars().take(300).collect());
        return Err(FlowError::ProviderError(match description {
            Some(d) => format!("The identity provider answered {error}: {d}"),
            None => format!("The identity provider answered {error}."),
        }));
    }
    let pending = taken.map_err(|e| {
        FlowError::State(match e {
            TakeError::Unknown => {
                "This sign-in is unknown or was already used (state mismatch). Start again from the sign-in page."
            }
            TakeError::Expired => "This sign-in took longer than 10 minutes and expired. Start again.",
            TakeError::WrongBrowser => {
                "This sign-in was not started in this browser (state mismatch). Start again from the sign-in page."
            }
        }
        .to_string())
    })?;
    if pending.provider_id != provider.id {
        return Err(FlowError::State(
            "The provider changed during sign-in. Start again.".into(),
        ));
    }
    let code = query.code.ok_or_else(|| {
        FlowError::ProviderError("The identity provider sent no authorization code.".into())
    })?;
    let meta = oidc_client::discover(&provider.issuer_url, false)
        .await
        .map_err(FlowError::Unreachable)?;
    let secret = sso_providers::client_secret(&state.master_key, &provider).map_err(internal)?;
    let redirect = redirect_uri(state, &provider.slug);
    let identity = oidc_client::exchange(
        meta,
        Exchange {
            client_id: &provider.client_id,
            client_secret: secret,
            redirect_uri: &redirect,
            code,
            pkce_verifier: pending.pkce_verifier,
            nonce: pending.nonce,
        },
    )
    .await?;
    let user = resolve_user(state, &provider, &identity, client).await?;
    let has_factor = super::mfa::factors(&state.db, user.id)
        .await
        .map_err(internal)?
        .any();
    if oidc_decide::second_factor_owed(has_factor, provider.mfa_by_provider, &identity.amr) {
        return start_pending(state, &provider, &user, client).await;
    }
    sign_in(state, &provider, &user, client).await
}

/// Finds, links or provisions the Bulwark user for `identity`, or refuses.
async fn resolve_user(
    state: &AppState,
    provider: &sso_provider::Model,
    identity: &Identity,
    client: &ClientInfo,
) -> Result<user::Model, FlowError> {
    let db = &state.db;
    let linked = sso_identity::Entity::find()
        .filter(sso_identity::Column::ProviderId.eq(provider.id))
        .filter(sso_identity::Column::Subject.eq(&identity.subject))
        .find_also_related(user::Entity)
        .one(db)
        .await
        .map_err(internal)?
        .and_then(|(_, u)| u);
    let email = identity.email.as_deref().map(users::normalize_email);
    let by_email = match &email {
        Some(e) => users::find_by_email(db, e).await.map_err(internal)?,
        None => None,
    };
    let domains = sso_providers::domains(provider);
    let account = |u: &user::Model| Account {
        id: u.id,
        disabled: u.disabled,
    };
    let decision = oidc_decide::decide(&Facts {
        linked: linked.as_ref().map(account),
        by_email: by_email.as_ref().map(account),
        email: email.as_deref(),
        email_verified: identity.email_verified,
        domains: &domains,
        allow_provisioning: provider.allow_provisioning,
        link_by_email: provider.link_by_email,
    });
    let now = Utc::now();
    match decision {
        Decision::SignIn(_) => linked.ok_or_else(|| internal("linked user vanished")),
        Decision::Link(_) => {
            let user = by_email.ok_or_else(|| internal("user vanished"))?;
            link(db, provider.id, &identity.subject, user.id, now).await?;
            audit_success(
                state,
                client,
                &user,
                AccountEvent::SsoLinked {
                    user_id: user.id,
                    email: &user.email,
                    slug: &provider.slug,
                },
            )
            .await?;
            Ok(user)
        }
        Decision::Provision => {
            let email = email.ok_or_else(|| internal("email vanished"))?;
            let user = provision(state, provider, identity, &email).await?;
            audit_success(
                state,
                client,
                &user,
                AccountEvent::SsoProvisioned {
                    user_id: user.id,
                    summary: format!(
                        "created {} on first sign-in with SSO {}",
                        user.email, provider.slug
                    ),
                },
            )
            .await?;
            Ok(user)
        }
        Decision::Refuse(r) => Err(FlowError::Refused(r)),
    }
}

async fn link(
    db: &impl sea_orm::ConnectionTrait,
    provider_id: i64,
    subject: &str,
    user_id: i64,
    now: chrono::DateTime<Utc>,
) -> Result<(), FlowError> {
    sso_identity::ActiveModel {
        provider_id: Set(provider_id),
        subject: Set(subject.to_string()),
        user_id: Set(user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(internal)?;
    Ok(())
}

async fn provision(
    state: &AppState,
    provider: &sso_provider::Model,
    identity: &Identity,
    email: &str,
) -> Result<user::Model, FlowError> {
    let group_id = provider.default_group_id.ok_or_else(|| {
        FlowError::Misconfigured(format!(
            "The provider {} creates accounts but has no default group for them (was the group deleted?); \
             ask an administrator.",
            provider.slug
        ))
    })?;
    let name = identity
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
    let now = Utc::now();
    let txn = crate::server::db::begin_write(&state.db)
        .await
        .map_err(internal)?;
    let created = user::ActiveModel {
        email: Set(email.to_string()),
        name: Set(name.chars().take(100).collect()),
        password_hash: Set(None),
        timezone: Set("UTC".into()),
        disabled: Set(false),
        group_id: Set(group_id),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    link(&txn, provider.id, &identity.subject, created.id, now).await?;
    txn.commit().await.map_err(internal)?;
    let by = format!("single sign-on ({})", provider.slug);
    crate::server::notify::account_events::user_created(state, &created, &by).await;
    Ok(created)
}

/// The provider vouched for `user`, who also has a second factor the provider is not
/// trusted to stand in for: a pending session that grants nothing until /login/verify.
async fn start_pending(
    state: &AppState,
    provider: &sso_provider::Model,
    user: &user::Model,
    client: &ClientInfo,
) -> Result<SignedIn, FlowError> {
    let token = session::create(
        &state.db,
        session::NewSession {
            user_id: user.id,
            ip: client.ip.as_deref(),
            user_agent: client.user_agent.as_deref(),
            auth_method: &format!("oidc:{}", provider.slug),
            mfa_pending: true,
        },
        Utc::now(),
    )
    .await
    .map_err(internal)?;
    audit_success(
        state,
        client,
        user,
        AccountEvent::SsoAccepted { slug: &provider.slug },
    )
    .await?;
    Ok(SignedIn {
        token,
        next: "/login/verify",
    })
}

/// A full session for `user` (SSO counts as the whole sign-in) and its audit entry.
async fn sign_in(
    state: &AppState,
    provider: &sso_provider::Model,
    user: &user::Model,
    client: &ClientInfo,
) -> Result<SignedIn, FlowError> {
    let now = Utc::now();
    let method = format!("oidc:{}", provider.slug);
    let token = session::create(
        &state.db,
        session::NewSession {
            user_id: user.id,
            ip: client.ip.as_deref(),
            user_agent: client.user_agent.as_deref(),
            auth_method: &method,
            mfa_pending: false,
        },
        now,
    )
    .await
    .map_err(internal)?;
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(now));
    active.update(&state.db).await.map_err(internal)?;
    crate::server::notify::account_events::signed_in(state, user, client, &method).await;
    audit_success(
        state,
        client,
        user,
        AccountEvent::SignedIn {
            how: &format!("SSO {}", provider.slug),
        },
    )
    .await?;
    Ok(SignedIn { token, next: "/" })
}

/// A successful step, audited as done by `user`.
async fn audit_success(
    state: &AppState,
    client: &ClientInfo,
    user: &user::Model,
    event: AccountEvent<'_>,
) -> Result<(), FlowError> {
    account_audit::record(
        &state.db,
        Actor::UserRow {
            id: user.id,
            email: &user.email,
        },
        client,
        event,
    )
    .await
    .map_err(internal)
}
