//! What signing in and a person's own account write to the audit log: one variant per
//! kind of entry, each action spelled once (the operations of the console and the REST
//! API have theirs in `core::audit_event`).

use super::audit::{self, Actor, Entry};
use super::auth::ClientInfo;
use super::error::Result;
use sea_orm::ConnectionTrait;

/// The action of a new user's entry, whichever way the account came to be.
pub const USER_CREATE: &str = "user.create";
/// The action of a new API key's entry, from the console, the REST API or the CLI.
pub const API_KEY_CREATE: &str = "api_key.create";

#[derive(Debug, Clone)]
pub enum AccountEvent<'a> {
    /// The setup page made the first administrator.
    SetupComplete {
        user_id: i64,
        email: &'a str,
        group: &'a str,
    },
    /// A sign-in completed; `how` is "password", "passkey", "password + totp", "SSO x"…
    SignedIn {
        how: &'a str,
    },
    /// A sign-in refused at some step; `why` says which step and why.
    SignInRefused {
        why: String,
    },
    /// The password was right; the second factor is still to come.
    PasswordAccepted,
    /// The SSO provider vouched; the second factor is still to come.
    SsoAccepted {
        slug: &'a str,
    },
    SignedOut {
        session_id: i64,
    },
    /// Identity confirmed (or not) before a sensitive change, with `method`.
    Reauthenticated {
        session_id: i64,
        method: &'a str,
        accepted: bool,
    },
    /// One of the person's own sessions ended from the Profile page.
    SessionRevoked {
        session_id: i64,
        current: bool,
        device: String,
        ip: &'a str,
    },
    PasswordChanged {
        user_id: i64,
        other_sessions_ended: u64,
    },
    PasswordChangeRefused {
        user_id: i64,
    },
    PasskeyRegistered {
        id: i64,
        name: &'a str,
    },
    PasskeyRenamed {
        id: i64,
        old: &'a str,
        new: &'a str,
    },
    PasskeyDeleted {
        id: i64,
        name: &'a str,
    },
    TotpBegun {
        user_id: i64,
    },
    /// Confirming an authenticator app: `summary` says how it went.
    TotpEnable {
        user_id: i64,
        summary: &'a str,
        success: bool,
    },
    TotpDisable {
        user_id: i64,
        accepted: bool,
    },
    TotpBackupCodeUsed {
        user_id: i64,
        left: usize,
    },
    /// An existing account linked to its SSO identity on a first sign-in.
    SsoLinked {
        user_id: i64,
        email: &'a str,
        slug: &'a str,
    },
    /// An account created on a first sign-in with SSO.
    SsoProvisioned {
        user_id: i64,
        summary: String,
    },
    /// A key made with `bulwark api-key create` on the host.
    ApiKeyCreatedByCli {
        id: i64,
        name: &'a str,
        prefix: &'a str,
    },
}

impl AccountEvent<'_> {
    fn entry(&self) -> Entry<'static> {
        let user = |id: &i64| ("user", Some(id.to_string()));
        let session = |id: Option<i64>| ("session", id.map(|i| i.to_string()));
        let (action, (resource_type, resource_id), summary, success) = match self {
            AccountEvent::SetupComplete {
                user_id,
                email,
                group,
            } => (
                "setup.complete",
                user(user_id),
                format!("first administrator {email} created in group {group}"),
                true,
            ),
            AccountEvent::SignedIn { how } => {
                ("auth.login", session(None), format!("signed in with {how}"), true)
            }
            AccountEvent::SignInRefused { why } => ("auth.login", session(None), why.clone(), false),
            AccountEvent::PasswordAccepted => (
                "auth.password",
                session(None),
                "password accepted; waiting for the second factor".into(),
                true,
            ),
            AccountEvent::SsoAccepted { slug } => (
                "auth.sso",
                session(None),
                format!("SSO {slug} accepted; waiting for the second factor"),
                true,
            ),
            AccountEvent::SignedOut { session_id } => (
                "auth.logout",
                session(Some(*session_id)),
                "signed out".into(),
                true,
            ),
            AccountEvent::Reauthenticated {
                session_id,
                method,
                accepted,
            } => (
                "auth.reauthenticate",
                session(Some(*session_id)),
                if *accepted {
                    format!("confirmed their identity with their {method}")
                } else {
                    format!("identity confirmation refused: wrong {method}")
                },
                *accepted,
            ),
            AccountEvent::SessionRevoked {
                session_id,
                current,
                device,
                ip,
            } => (
                "session.revoke",
                session(Some(*session_id)),
                format!(
                    "ended {} session #{session_id} ({device}, {ip})",
                    if *current { "their current" } else { "their" }
                ),
                true,
            ),
            AccountEvent::PasswordChanged {
                user_id,
                other_sessions_ended,
            } => (
                "user.password_change",
                user(user_id),
                format!("changed their password and ended {other_sessions_ended} other session(s)"),
                true,
            ),
            AccountEvent::PasswordChangeRefused { user_id } => (
                "user.password_change",
                user(user_id),
                "password change refused: the current password was wrong".into(),
                false,
            ),
            AccountEvent::PasskeyRegistered { id, name } => (
                "passkey.register",
                ("passkey", Some(id.to_string())),
                format!("passkey {name:?} registered"),
                true,
            ),
            AccountEvent::PasskeyRenamed { id, old, new } => (
                "passkey.rename",
                ("passkey", Some(id.to_string())),
                format!("passkey {old:?} renamed to {new:?}"),
                true,
            ),
            AccountEvent::PasskeyDeleted { id, name } => (
                "passkey.delete",
                ("passkey", Some(id.to_string())),
                format!("passkey {name:?} deleted"),
                true,
            ),
            AccountEvent::TotpBegun { user_id } => (
                "totp.begin",
                user(user_id),
                "started setting up an authenticator app".into(),
                true,
            ),
            AccountEvent::TotpEnable {
                user_id,
                summary,
                success,
            } => ("totp.enable", user(user_id), summary.to_string(), *success),
            AccountEvent::TotpDisable { user_id, accepted } => (
                "totp.disable",
                user(user_id),
                if *accepted {
                    "turned off the authenticator app (TOTP) and its backup codes".into()
                } else {
                    "could not turn off the authenticator app: the code was refused".into()
                },
                *accepted,
            ),
            AccountEvent::TotpBackupCodeUsed { user_id, left } => (
                "totp.backup_code_used",
                user(user_id),
                format!("used a backup code to sign in; {left} left"),
                true,
            ),
            AccountEvent::SsoLinked { user_id, email, slug } => (
                "sso.link",
                user(user_id),
                format!("linked {email} to its {slug} identity"),
                true,
            ),
            AccountEvent::SsoProvisioned { user_id, summary } => {
                (USER_CREATE, user(user_id), summary.clone(), true)
            }
            AccountEvent::ApiKeyCreatedByCli { id, name, prefix } => (
                API_KEY_CREATE,
                ("api_key", Some(id.to_string())),
                format!("created API key {name} ({prefix}) from the command line"),
                true,
            ),
        };
        Entry {
            action,
            resource_type,
            resource_id,
            summary,
            success,
        }
    }
}

/// Records `event`, done by `who`, from `client`.
pub async fn record(
    db: &impl ConnectionTrait,
    who: Actor<'_>,
    client: &ClientInfo,
    event: AccountEvent<'_>,
) -> Result<()> {
    audit::record(db, who, client, event.entry()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_action_each_worded_for_the_log() {
        let e = AccountEvent::SignedIn { how: "passkey" }.entry();
        assert_eq!(
            (e.action, e.resource_type, e.success),
            ("auth.login", "session", true)
        );
        assert_eq!(e.summary, "signed in with passkey");
        let e = AccountEvent::SignInRefused {
            why: "sign-in refused: wrong password".into(),
        }
        .entry();
        assert_eq!((e.action, e.success), ("auth.login", false));
        let e = AccountEvent::Reauthenticated {
            session_id: 7,
            method: "password",
            accepted: false,
        }
        .entry();
        assert_eq!(e.resource_id.as_deref(), Some("7"));
        assert_eq!(e.summary, "identity confirmation refused: wrong password");
        let e = AccountEvent::SessionRevoked {
            session_id: 3,
            current: true,
            device: "Firefox on Linux".into(),
            ip: "10.0.0.1",
        }
        .entry();
        assert_eq!(
            e.summary,
            "ended their current session #3 (Firefox on Linux, 10.0.0.1)"
        );
    }
}
