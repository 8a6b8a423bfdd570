//! Talking to an OpenID Connect provider: discovery (cached briefly), the
//! authorization URL with PKCE, and the code exchange with ID token verification.

use super::oidc_error::FlowError;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use std::collections::HashMap;
use std::error::Error;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Discovery documents are reused this long, so a sign-in costs one fetch at most.
const DISCOVERY_TTL: Duration = Duration::from_secs(60);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

static HTTP: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        // Following redirects would let a provider point the token request anywhere.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .build()
        .unwrap_or_default()
});

type Cache = HashMap<String, (Instant, CoreProviderMetadata)>;
static DISCOVERED: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// A message naming the error and each of its causes ("Request failed: … connection refused").
pub fn describe(err: &dyn Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The provider's discovery document and keys; `fresh` skips the cache (the console's test).
pub async fn discover(issuer: &str, fresh: bool) -> Result<CoreProviderMetadata, String> {
    let now = Instant::now();
    if !fresh
        && let Ok(cache) = DISCOVERED.lock()
        && let Some((at, meta)) = cache.get(issuer)
        && now.duration_since(*at) < DISCOVERY_TTL
    {
        return Ok(meta.clone());
    }
    let url = IssuerUrl::new(issuer.to_string()).map_err(|e| format!("the issuer URL is invalid: {e}"))?;
    let meta = CoreProviderMetadata::discover_async(url, &*HTTP)
        .await
        .map_err(|e| {
            format!(
                "discovery at {issuer}/.well-known/openid-configuration failed: {}",
                describe(&e)
            )
        })?;
    if let Ok(mut cache) = DISCOVERED.lock() {
        cache.retain(|_, (at, _)| now.duration_since(*at) < DISCOVERY_TTL);
        cache.insert(issuer.to_string(), (now, meta.clone()));
    }
    Ok(meta)
}

/// Where to send the browser, and what must be kept to finish the sign-in.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub fn authorize(
    meta: CoreProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    scopes: &str,
) -> Result<Authorization, FlowError> {
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| FlowError::Internal(format!("bad redirect URI {redirect_uri}: {e}")))?;
    let client = CoreClient::from_provider_metadata(meta, ClientId::new(client_id.to_string()), None)
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    // `openid` is always added by the library.
    for scope in scopes.split_whitespace().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.to_string()));
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    Ok(Authorization {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// How the provider authenticated the user (the ID token's `amr`, RFC 8176).
    pub amr: Vec<String>,
}

pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub client_secret: String,
    pub redirect_uri: &'a str,
    pub code: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// Redeems the code (client_secret_basic), verifies the ID token (signature, issuer,
/// audience, expiry, nonce) and reads the email from it, or from userinfo when absent.
pub async fn exchange(meta: CoreProviderMetadata, x: Exchange<'_>) -> Result<Identity, FlowError> {
    let redirect = RedirectUrl::new(x.redirect_uri.to_string())
        .map_err(|e| FlowError::Internal(format!("bad redirect URI {}: {e}", x.redirect_uri)))?;
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(x.client_id.to_string()),
        Some(ClientSecret::new(x.client_secret)),
    )
    .set_redirect_uri(redirect);
    let token = client
        .exchange_code(AuthorizationCode::new(x.code))
        .map_err(|e| FlowError::ProviderError(format!("the provider has no token endpoint ({e})")))?
        .set_pkce_verifier(PkceCodeVerifier::new(x.pkce_verifier))
        .request_async(&*HTTP)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => FlowError::ProviderError(format!(
                "the token endpoint refused the code: {}{}",
                r.error(),
                r.error_description()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )),
            RequestTokenError::Request(e) => FlowError::Unreachable(format!(
                "the token endpoint could not be reached: {}",
                describe(&e)
            )),
            other => FlowError::ProviderError(format!(
                "the token endpoint answered unexpectedly: {}",
                describe(&other)
            )),
        })?;
    let id_token = token
        .id_token()
        .ok_or_else(|| FlowError::TokenInvalid("the provider sent no ID token".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(x.nonce))
        .map_err(|e| FlowError::TokenInvalid(describe(&e)))?;
    let mut identity = Identity {
        subject: claims.subject().as_str().to_string(),
        email: claims.email().map(|e| e.as_str().to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string()),
        amr: claims
            .auth_method_refs()
            .map(|refs| refs.iter().map(|m| m.as_str().to_string()).collect())
            .unwrap_or_default(),
    };
    if identity.email.is_none()
        && let Ok(request) = client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
    {
        let info: CoreUserInfoClaims = request
            .request_async(&*HTTP)
            .await
            .map_err(|e| FlowError::Unreachable(format!("the userinfo endpoint failed: {}", describe(&e))))?;
        identity.email = info.email().map(|e| e.as_str().to_string());
        identity.email_verified = info.email_verified().unwrap_or(false);
        if identity.name.is_none() {
            identity.name = info
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_string());
        }
    }
    Ok(identity)
}
