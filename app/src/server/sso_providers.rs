//! SSO providers at rest: validation, storage (the client secret sealed with the
//! master key) and the lookups the sign-in flow needs.

use super::error::{Result, ServerError};
use super::master_key::MasterKey;
use super::oidc_decide::parse_domains;
use crate::api::error::ApiError;
use crate::core::actor::Holdings;
use chrono::{DateTime, Utc};
use entity::{group, sso_provider};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

pub const DEFAULT_SCOPES: &str = "openid email profile";
pub const PASSWORD_LOGIN_OFF: &str =
    "Password sign-in is turned off on this server; sign in with single sign-on instead.";

/// The console's form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ProviderForm {
    pub slug: String,
    pub button_label: String,
    pub issuer_url: String,
    pub client_id: String,
    /// Empty keeps the stored secret when editing.
    pub client_secret: String,
    pub scopes: String,
    pub email_domains: String,
    pub allow_provisioning: bool,
    pub default_group_id: Option<i64>,
    pub enabled: bool,
    pub link_by_email: bool,
    pub mfa_by_provider: bool,
}

/// A form that passed validation.
#[derive(Debug, Clone)]
pub struct Valid {
    pub slug: String,
    pub button_label: String,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: String,
    pub email_domains: Vec<String>,
    pub allow_provisioning: bool,
    pub default_group_id: Option<i64>,
    pub enabled: bool,
    pub link_by_email: bool,
    pub mfa_by_provider: bool,
}

pub fn validate(form: &ProviderForm) -> std::result::Result<Valid, ApiError> {
    let slug = form.slug.trim().to_ascii_lowercase();
    let slug_ok = (1..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !slug_ok {
        return Err(ApiError::invalid(
            "The slug must be 1–40 lowercase letters, digits or dashes (it appears in the callback URL).",
        ));
    }
    // The bound counts the characters as sent, as the API's schema states it.
    let button_label = form.button_label.trim().to_string();
    if button_label.is_empty() || form.button_label.chars().count() > 60 {
        return Err(ApiError::invalid(
            "Enter a button label of at most 60 characters.",
        ));
    }
    let issuer_url = form.issuer_url.trim().trim_end_matches('/').to_string();
    match openidconnect::url::Url::parse(&issuer_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        _ => {
            return Err(ApiError::invalid(
                "The issuer URL must be an http(s) URL such as https://login.example.com/realms/corp.",
            ));
        }
    }
    let client_id = form.client_id.trim().to_string();
    if client_id.is_empty() {
        return Err(ApiError::invalid(
            "Enter the client ID registered at the provider.",
        ));
    }
    let client_secret = super::secrets::entered(&form.client_secret).map(str::to_string);
    let mut scopes: Vec<&str> = form.scopes.split_whitespace().collect();
    if scopes.is_empty() {
        scopes = DEFAULT_SCOPES.split(' ').collect();
    }
    if !scopes.contains(&"openid") {
        scopes.insert(0, "openid");
    }
    scopes.dedup();
    let email_domains = parse_domains(&form.email_domains).map_err(ApiError::Invalid)?;
    if form.allow_provisioning && form.default_group_id.is_none() {
        return Err(ApiError::invalid(
            "Choose the group new users are placed in, or turn provisioning off.",
        ));
    }
    Ok(Valid {
        slug,
        button_label,
        issuer_url,
        client_id,
        client_secret,
        scopes: scopes.join(" "),
        email_domains,
        allow_provisioning: form.allow_provisioning,
        default_group_id: form.default_group_id,
        enabled: form.enabled,
        link_by_email: form.link_by_email,
        mfa_by_provider: form.mfa_by_provider,
    })
}

const TRUST_FLAGS_SUPERADMIN_ONLY: &str = "SuperAdmin: only a SuperAdmin may let a provider link existing \
     accounts by email or stand in for their second factor";
const TRUSTED_PROVIDER_SUPERADMIN_ONLY: &str = "SuperAdmin: this provider may link existing accounts by email or \
     stand in for their second factor, so only a SuperAdmin may change its issuer URL or client ID";

fn superadmin_only(why: &str) -> ServerError {
    ApiError::Forbidden {
        permission: why.to_string(),
    }
    .into()
}

/// The two trust flags, and where a trusted provider's tokens come from, are a
/// SuperAdmin's decision: whoever controls a linking provider can sign in as any user.
fn check_trust(me: &Holdings, v: &Valid, before: Option<&sso_provider::Model>) -> Result<()> {
    if me.superadmin {
        return Ok(());
    }
    let (was_link, was_mfa) = before.map_or((false, false), |b| (b.link_by_email, b.mfa_by_provider));
    if v.link_by_email != was_link || v.mfa_by_provider != was_mfa {
        return Err(superadmin_only(TRUST_FLAGS_SUPERADMIN_ONLY));
    }
    if let Some(b) = before
        && (b.link_by_email || b.mfa_by_provider)
        && (b.issuer_url != v.issuer_url || b.client_id != v.client_id)
    {
        return Err(superadmin_only(TRUSTED_PROVIDER_SUPERADMIN_ONLY));
    }
    Ok(())
}

/// The client secret goes to whatever token endpoint the issuer names: a new issuer
/// gets it only when the editor types it again (finding 5).
fn check_secret_follows(v: &Valid, before: &sso_provider::Model) -> Result<()> {
    if v.client_secret.is_none() && v.issuer_url != before.issuer_url {
        return Err(ApiError::invalid(
            "The issuer URL changed: enter the client secret again (the stored one is only sent to the issuer it was entered for).",
        )
        .into());
    }
    Ok(())
}

/// The default group exists, and when this save starts placing new users in it (a new
/// group, provisioning or the provider turned on) the editor holds everything it grants:
/// otherwise `sso:write` would be a way to mint accounts with more permissions.
async fn check_group(
    db: &impl ConnectionTrait,
    me: &Holdings,
    v: &Valid,
    before: Option<&sso_provider::Model>,
) -> Result<()> {
    let Some(id) = v.default_group_id else {
        return Ok(());
    };
    let Some(g) = group::Entity::find_by_id(id).one(db).await? else {
        return Err(ApiError::invalid("The chosen default group does not exist.").into());
    };
    let starts_granting = match before {
        None => true,
        Some(b) => {
            b.default_group_id != Some(id)
                || (v.allow_provisioning && !b.allow_provisioning)
                || (v.enabled && !b.enabled)
        }
    };
    if starts_granting {
        crate::core::users::check_reach(me, &g)?;
    }
    Ok(())
}

fn duplicate_or(e: sea_orm::DbErr, slug: &str) -> ServerError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict(format!("A provider with the slug {slug} already exists.")).into()
        }
        _ => e.into(),
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    me: &Holdings,
    v: Valid,
    now: DateTime<Utc>,
) -> Result<sso_provider::Model> {
    check_trust(me, &v, None)?;
    check_group(db, me, &v, None).await?;
    let Some(secret) = &v.client_secret else {
        return Err(ApiError::invalid("Enter the client secret issued by the provider.").into());
    };
    if find_by_slug(db, &v.slug).await?.is_some() {
        return Err(
            ApiError::Conflict(format!("A provider with the slug {} already exists.", v.slug)).into(),
        );
    }
    sso_provider::ActiveModel {
        slug: Set(v.slug.clone()),
        button_label: Set(v.button_label),
        issuer_url: Set(v.issuer_url),
        client_id: Set(v.client_id),
        client_secret_encrypted: Set(key.seal(secret.as_bytes())),
        scopes: Set(v.scopes),
        email_domains: Set(serde_json::json!(v.email_domains)),
        allow_provisioning: Set(v.allow_provisioning),
        default_group_id: Set(v.default_group_id),
        enabled: Set(v.enabled),
        link_by_email: Set(v.link_by_email),
        mfa_by_provider: Set(v.mfa_by_provider),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| duplicate_or(e, &v.slug))
}

pub async fn update(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    me: &Holdings,
    id: i64,
    v: Valid,
    now: DateTime<Utc>,
) -> Result<sso_provider::Model> {
    let existing = find(db, id).await?;
    check_trust(me, &v, Some(&existing))?;
    check_secret_follows(&v, &existing)?;
    check_group(db, me, &v, Some(&existing)).await?;
    if let Some(other) = find_by_slug(db, &v.slug).await?
        && other.id != id
    {
        return Err(
            ApiError::Conflict(format!("A provider with the slug {} already exists.", v.slug)).into(),
        );
    }
    let mut active: sso_provider::ActiveModel = existing.into();
    active.slug = Set(v.slug.clone());
    active.button_label = Set(v.button_label);
    active.issuer_url = Set(v.issuer_url);
    active.client_id = Set(v.client_id);
    if let Some(secret) = &v.client_secret {
        active.client_secret_encrypted = Set(key.seal(secret.as_bytes()));
    }
    active.scopes = Set(v.scopes);
    active.email_domains = Set(serde_json::json!(v.email_domains));
    active.allow_provisioning = Set(v.allow_provisioning);
    active.default_group_id = Set(v.default_group_id);
    active.enabled = Set(v.enabled);
    active.link_by_email = Set(v.link_by_email);
    active.mfa_by_provider = Set(v.mfa_by_provider);
    active.updated_at = Set(now);
    active.update(db).await.map_err(|e| duplicate_or(e, &v.slug))
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<sso_provider::Model> {
    let existing = find(db, id).await?;
    sso_provider::Entity::delete_by_id(id).exec(db).await?;
    Ok(existing)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<sso_provider::Model> {
    sso_provider::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("SSO provider {id} does not exist.")).into())
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<sso_provider::Model>> {
    Ok(sso_provider::Entity::find()
        .filter(sso_provider::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<(sso_provider::Model, Option<group::Model>)>> {
    Ok(sso_provider::Entity::find()
        .find_also_related(group::Entity)
        .order_by_asc(sso_provider::Column::Slug)
        .all(db)
        .await?)
}

pub async fn enabled(db: &impl ConnectionTrait) -> Result<Vec<sso_provider::Model>> {
    Ok(sso_provider::Entity::find()
        .filter(sso_provider::Column::Enabled.eq(true))
        .order_by_asc(sso_provider::Column::ButtonLabel)
        .all(db)
        .await?)
}

pub fn domains(p: &sso_provider::Model) -> Vec<String> {
    serde_json::from_value(p.email_domains.clone()).unwrap_or_default()
}

pub fn client_secret(key: &MasterKey, p: &sso_provider::Model) -> Result<String> {
    let bytes = key.open(&p.client_secret_encrypted)?;
    String::from_utf8(bytes)
        .map_err(|_| ServerError::MasterKey(format!("the client secret of provider {} is not text", p.slug)))
}

/// Password sign-in is off only when the operator asked for it and some provider can
/// take its place; otherwise nobody could sign in at all.
pub async fn password_login_disabled(db: &impl ConnectionTrait, requested: bool) -> Result<bool> {
    if !requested {
        return Ok(false);
    }
    if enabled(db).await?.is_empty() {
        // Once per process: the login page asks on every visit.
        static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::warn!(
                "BULWARK_DISABLE_PASSWORD_LOGIN is set but no SSO provider is enabled; password sign-in stays on"
            );
        }
        return Ok(false);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProviderForm {
        ProviderForm {
            slug: "Corp".into(),
            button_label: "Corp SSO".into(),
            issuer_url: "https://login.corp.example/".into(),
            client_id: "bulwark".into(),
            client_secret: "s3cret".into(),
            scopes: "".into(),
            email_domains: "corp.example".into(),
            allow_provisioning: false,
            default_group_id: None,
            enabled: true,
            link_by_email: false,
            mfa_by_provider: false,
        }
    }

    #[test]
    fn valid_forms_are_cleaned() {
        let v = validate(&form()).unwrap();
        assert_eq!(v.slug, "corp");
        assert_eq!(v.issuer_url, "https://login.corp.example");
        assert_eq!(v.scopes, DEFAULT_SCOPES);
        assert_eq!(v.email_domains, vec!["corp.example".to_string()]);
        let v = validate(&ProviderForm {
            scopes: "email groups".into(),
            client_secret: " ".into(),
            ..form()
        })
        .unwrap();
        assert_eq!(v.scopes, "openid email groups");
        assert_eq!(v.client_secret, None);
    }

    #[test]
    fn bad_forms_say_what_is_wrong() {
        let err = |f: ProviderForm| validate(&f).unwrap_err().to_string();
        assert!(
            err(ProviderForm {
                slug: "a b".into(),
                ..form()
            })
            .contains("slug")
        );
        assert!(
            err(ProviderForm {
                slug: "../x".into(),
                ..form()
            })
            .contains("slug")
        );
        assert!(
            err(ProviderForm {
                issuer_url: "ftp://x".into(),
                ..form()
            })
            .contains("issuer URL")
        );
        assert!(
            err(ProviderForm {
                client_id: "".into(),
                ..form()
            })
            .contains("client ID")
        );
        assert!(
            err(ProviderForm {
                email_domains: "corp".into(),
                ..form()
            })
            .contains("corp")
        );
        assert!(
            err(ProviderForm {
                allow_provisioning: true,
                ..form()
            })
            .contains("group")
        );
    }
}
