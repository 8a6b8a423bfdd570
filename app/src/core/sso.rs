//! Single sign-on providers: list, read, create or edit, delete, and the discovery test.
//! The rules (trust flags are a SuperAdmin's, the secret follows its issuer, a default
//! group within the editor's reach) are in `server::sso_providers`.

use super::audit_event::{self, AuditEvent};
use super::{Actor, Ctx};
use crate::api::error::ApiError;
use crate::api::sso::{DiscoveryReport, SsoGroupChoice, SsoProviderRow};
use crate::permissions::Permission;
use crate::server::error::Result;
use crate::server::sso_providers::{self as store, ProviderForm};
use crate::server::state::AppState;
use entity::{group, sso_provider};
use sea_orm::EntityTrait;

fn row(state: &AppState, p: sso_provider::Model, group: Option<group::Model>) -> SsoProviderRow {
    SsoProviderRow {
        redirect_uri: crate::server::oidc_flow::redirect_uri(state, &p.slug),
        email_domains: store::domains(&p),
        secret_stored: !p.client_secret_encrypted.is_empty(),
        id: p.id,
        slug: p.slug,
        button_label: p.button_label,
        issuer_url: p.issuer_url,
        client_id: p.client_id,
        scopes: p.scopes,
        allow_provisioning: p.allow_provisioning,
        default_group_id: p.default_group_id,
        default_group: group.map(|g| g.name),
        enabled: p.enabled,
        link_by_email: p.link_by_email,
        mfa_by_provider: p.mfa_by_provider,
    }
}

pub async fn list(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<SsoProviderRow>> {
    actor.require(Permission::SsoRead)?;
    let rows = store::list(&ctx.state.db).await?;
    Ok(rows.into_iter().map(|(p, g)| row(ctx.state, p, g)).collect())
}

pub async fn get(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<SsoProviderRow> {
    actor.require(Permission::SsoRead)?;
    let p = store::find(&ctx.state.db, id).await?;
    let g = default_group(ctx, &p).await?;
    Ok(row(ctx.state, p, g))
}

/// The groups a provider may place new users in.
pub async fn group_choices(ctx: &Ctx<'_>, actor: &Actor) -> Result<Vec<SsoGroupChoice>> {
    actor.require(Permission::SsoRead)?;
    Ok(super::groups::by_name(&ctx.state.db)
        .await?
        .into_iter()
        .map(|g| SsoGroupChoice {
            id: g.id,
            name: g.name,
        })
        .collect())
}

async fn default_group(ctx: &Ctx<'_>, p: &sso_provider::Model) -> Result<Option<group::Model>> {
    Ok(match p.default_group_id {
        Some(g) => group::Entity::find_by_id(g).one(&ctx.state.db).await?,
        None => None,
    })
}

/// Whether the actor may change providers at all, checked before a request body is read.
pub fn may_write(actor: &Actor) -> Result<()> {
    Ok(actor.require(Permission::SsoWrite)?)
}

/// Creates a provider (`id` is `None`) or replaces one's settings. An empty client
/// secret keeps the stored one, unless the issuer URL changes.
pub async fn save(
    ctx: &Ctx<'_>,
    actor: &Actor,
    id: Option<i64>,
    form: ProviderForm,
) -> Result<SsoProviderRow> {
    may_write(actor)?;
    let me = actor.holdings();
    let (db, key) = (&ctx.state.db, &ctx.state.master_key);
    let valid = store::validate(&form)?;
    let secret_replaced = id.is_some() && valid.client_secret.is_some();
    let now = chrono::Utc::now();
    let saved = match id {
        None => store::create(db, key, &me, valid, now).await?,
        Some(id) => store::update(db, key, &me, id, valid, now).await?,
    };
    let group = default_group(ctx, &saved).await?;
    let event = AuditEvent::SsoSave {
        created: id.is_none(),
        provider: &saved,
        default_group: group.as_ref().map(|g| g.name.as_str()),
        secret_replaced,
    };
    audit_event::record(ctx, actor, event).await?;
    Ok(row(ctx.state, saved, group))
}

/// Deletes a provider; the accounts it signed in keep their other ways in.
pub async fn delete(ctx: &Ctx<'_>, actor: &Actor, id: i64) -> Result<()> {
    may_write(actor)?;
    let gone = store::delete(&ctx.state.db, id).await?;
    let event = AuditEvent::SsoDelete {
        id: gone.id,
        slug: &gone.slug,
    };
    audit_event::record(ctx, actor, event).await
}

/// Fetches the issuer's discovery document and keys, and reports what was found or what
/// went wrong. Needs sso:write: it makes the server fetch a URL of the caller's choosing.
pub async fn test_discovery(actor: &Actor, issuer_url: &str) -> Result<DiscoveryReport> {
    may_write(actor)?;
    let issuer = issuer_url.trim().trim_end_matches('/').to_string();
    if issuer.is_empty() {
        return Err(ApiError::invalid("Enter the issuer URL first.").into());
    }
    Ok(match crate::server::oidc_client::discover(&issuer, true).await {
        Ok(meta) => DiscoveryReport {
            ok: true,
            message: format!(
                "Discovery succeeded: issuer {}, authorization endpoint {}, {} signing key(s).",
                meta.issuer().as_str(),
                meta.authorization_endpoint().as_str(),
                meta.jwks().keys().len()
            ),
        },
        Err(e) => DiscoveryReport {
            ok: false,
            message: format!("Discovery failed: {e}"),
        },
    })
}
