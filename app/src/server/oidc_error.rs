//! Why an SSO sign-in failed, and the page that says so.

use super::oidc_decide::Refusal;
use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowError {
    UnknownProvider(String),
    /// The callback's state is unknown, expired, or belongs to another browser.
    State(String),
    /// Discovery, token or userinfo endpoint could not be reached.
    Unreachable(String),
    /// The provider answered with an error (access_denied, invalid_grant, …).
    ProviderError(String),
    TokenInvalid(String),
    Refused(Refusal),
    /// The provider's settings in Bulwark cannot work (a deleted default group, say).
    Misconfigured(String),
    Internal(String),
}

impl FlowError {
    pub fn status(&self) -> StatusCode {
        match self {
            FlowError::Unreachable(_) | FlowError::ProviderError(_) | FlowError::TokenInvalid(_) => {
                StatusCode::BAD_GATEWAY
            }
            FlowError::Internal(_) | FlowError::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            FlowError::UnknownProvider(_) => "Unknown sign-in provider",
            FlowError::State(_) => "This sign-in expired or was not started here",
            FlowError::Unreachable(_) => "The identity provider is unreachable",
            FlowError::ProviderError(_) => "The identity provider returned an error",
            FlowError::TokenInvalid(_) => "The identity provider's ID token is invalid",
            FlowError::Refused(Refusal::NoEmail) => "No email address",
            FlowError::Refused(Refusal::EmailNotVerified { .. }) => "Email address not verified",
            FlowError::Refused(Refusal::DomainNotAllowed { .. }) => "Email domain not allowed",
            FlowError::Refused(Refusal::ProvisioningOff { .. }) => "No Bulwark account",
            FlowError::Refused(Refusal::Disabled { .. }) => "Account disabled",
            FlowError::Refused(Refusal::LinkNotAllowed { .. }) => "Account not linked to this provider",
            FlowError::Misconfigured(_) => "Single sign-on is misconfigured",
            FlowError::Internal(_) => "Sign-in failed",
        }
    }

    /// What the user reads; never a token or secret.
    pub fn message(&self) -> String {
        match self {
            FlowError::UnknownProvider(slug) => {
                format!("There is no enabled sign-in provider called {slug}.")
            }
            FlowError::State(m)
            | FlowError::Unreachable(m)
            | FlowError::ProviderError(m)
            | FlowError::Misconfigured(m) => m.clone(),
            FlowError::TokenInvalid(m) => format!("The ID token failed verification: {m}."),
            FlowError::Refused(r) => refusal_message(r),
            FlowError::Internal(_) => {
                "Something went wrong on the server; the server log has the details.".into()
            }
        }
    }

    /// The reason written to the audit log.
    pub fn reason(&self) -> String {
        match self {
            FlowError::Internal(m) => format!("internal error: {m}"),
            other => format!("{}: {}", other.title().to_lowercase(), other.message()),
        }
    }

    /// The email the failure concerns, when known, for the audit log's actor.
    pub fn email(&self) -> Option<&str> {
        match self {
            FlowError::Refused(
                Refusal::EmailNotVerified { email }
                | Refusal::DomainNotAllowed { email, .. }
                | Refusal::ProvisioningOff { email }
                | Refusal::Disabled { email }
                | Refusal::LinkNotAllowed { email },
            ) => Some(email),
            _ => None,
        }
    }
}

fn refusal_message(r: &Refusal) -> String {
    match r {
        Refusal::NoEmail => {
            "The identity provider did not share an email address (no email claim), so Bulwark cannot tell \
             who you are. Ask your administrator to release the email scope."
                .into()
        }
        Refusal::EmailNotVerified { email } => format!(
            "The identity provider has not verified {email} (email_verified is false); verify it there, then try again."
        ),
        Refusal::DomainNotAllowed { email, domains } => {
            format!("{email} is not in the allowed domains {}.", domains.join(", "))
        }
        Refusal::ProvisioningOff { email } => format!(
            "There is no Bulwark account for {email} and this provider does not create accounts; ask an administrator."
        ),
        Refusal::Disabled { email } => {
            format!("The Bulwark account {email} is disabled; ask an administrator.")
        }
        Refusal::LinkNotAllowed { email } => format!(
            "A Bulwark account for {email} exists, but this provider is not trusted to sign in to existing \
             accounts. Sign in with your password, or ask a SuperAdmin to allow linking by email for this provider."
        ),
    }
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn page(err: &FlowError) -> Response {
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Bulwark</title><link rel="stylesheet" href="/bulwark.css"></head>
<body><div class="auth-page"><div class="card auth-card sso-error" id="sso-error">
<div class="auth-brand"><span class="brand-mark">◆</span>Bulwark</div>
<h1>{title}</h1>
<p class="form-error" role="alert" id="sso-error-message">{message}</p>
<p><a class="button primary" href="/login" id="sso-back">Back to sign-in</a></p>
</div></div></body></html>"#,
        title = escape(err.title()),
        message = escape(&err.message()),
    );
    (err.status(), Html(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        let e = FlowError::Refused(Refusal::DomainNotAllowed {
            email: "alice@example.test".into(),
            domains: vec!["corp.example".into()],
        });
        assert_eq!(
            e.message(),
            "alice@example.test is not in the allowed domains corp.example."
        );
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.email(), Some("alice@example.test"));
        let e = FlowError::Refused(Refusal::ProvisioningOff {
            email: "bob@example.test".into(),
        });
        assert!(e.message().contains("does not create accounts"));
        assert_eq!(
            FlowError::Unreachable("x".into()).status(),
            StatusCode::BAD_GATEWAY
        );
        assert!(
            !FlowError::Internal("db down".into())
                .message()
                .contains("db down")
        );
    }

    #[test]
    fn the_page_escapes() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
