//! What the use cases write to the audit log: one variant per kind of event, so that the
//! same operation reads the same whichever surface (console or REST) it came through.

use super::{Actor, Ctx};
use crate::api::adapter_types::AdapterKind;
use crate::engine::CancelOutcome;
use crate::server::account_audit::{API_KEY_CREATE, USER_CREATE};
use crate::server::audit::{self, Entry};
use crate::server::error::Result;
use crate::server::job_store::Saved;
use crate::server::settings::Change;
use entity::{api_key, sso_provider};
use sea_orm::ConnectionTrait;

#[derive(Debug, Clone)]
pub enum AuditEvent<'a> {
    JobCreate {
        saved: &'a Saved,
    },
    JobUpdate {
        saved: &'a Saved,
    },
    JobEnable {
        job_id: i64,
        job_name: &'a str,
        enabled: bool,
    },
    JobDelete {
        job_id: i64,
        job_name: &'a str,
    },
    JobRun {
        job_id: i64,
        job_name: &'a str,
        execution_id: i64,
    },
    EncryptionProfileCreate {
        profile_id: i64,
        name: &'a str,
        recipient: &'a str,
    },
    EncryptionRecipientAdd {
        profile_id: i64,
        name: &'a str,
        recipient: &'a str,
    },
    EncryptionRecipientRemove {
        profile_id: i64,
        name: &'a str,
        recipient: &'a str,
    },
    EncryptionIdentityDownload {
        profile_id: i64,
        name: &'a str,
    },
    EncryptionProfileDelete {
        profile_id: i64,
        name: &'a str,
    },
    ExecutionCancel {
        execution_id: i64,
        outcome: CancelOutcome,
    },
    AdapterCreate {
        kind: AdapterKind,
        id: i64,
        name: &'a str,
        adapter_id: &'a str,
    },
    AdapterUpdate {
        kind: AdapterKind,
        id: i64,
        name: &'a str,
        /// The secret fields the edit replaced.
        replaced: &'a [String],
    },
    AdapterDelete {
        kind: AdapterKind,
        id: i64,
        name: &'a str,
        adapter_id: &'a str,
    },
    GroupCreate {
        id: i64,
        name: &'a str,
        permissions: &'a [String],
    },
    GroupUpdate {
        id: i64,
        /// The name before the change.
        name: &'a str,
        changes: &'a [String],
    },
    GroupDelete {
        id: i64,
        name: &'a str,
        permissions: &'a [String],
    },
    UserCreate {
        id: i64,
        email: &'a str,
        group_id: i64,
    },
    UserUpdate {
        id: i64,
        email: &'a str,
        changes: &'a [String],
    },
    UserDisable {
        id: i64,
        email: &'a str,
        sessions_ended: u64,
    },
    UserEnable {
        id: i64,
        email: &'a str,
    },
    UserPasswordReset {
        id: i64,
        email: &'a str,
        sessions_ended: u64,
    },
    UserSessionsRevoke {
        id: i64,
        email: &'a str,
        sessions_ended: u64,
    },
    SsoSave {
        created: bool,
        provider: &'a sso_provider::Model,
        default_group: Option<&'a str>,
        secret_replaced: bool,
    },
    SsoDelete {
        id: i64,
        slug: &'a str,
    },
    SettingsUpdate {
        changes: &'a [Change],
    },
    SystemNotificationsUpdate {
        changes: &'a [String],
    },
    ApiKeyCreate {
        key: &'a api_key::Model,
        granted: &'a [String],
    },
    ApiKeyRevoke {
        key: &'a api_key::Model,
    },
    BackupDownload {
        destination_id: i64,
        destination: &'a str,
        object: &'a str,
    },
    BackupVerify {
        destination_id: i64,
        destination: &'a str,
        object: &'a str,
        execution_id: i64,
    },
    BackupRestore {
        destination_id: i64,
        destination: &'a str,
        object: &'a str,
        source_id: i64,
        /// Trimmed.
        database: &'a str,
        execution_id: i64,
    },
    BackupDelete {
        destination_id: i64,
        destination: &'a str,
        object: &'a str,
    },
}

impl AuditEvent<'_> {
    pub fn action(&self) -> &'static str {
        match self {
            AuditEvent::JobCreate { .. } => "job.create",
            AuditEvent::JobUpdate { .. } => "job.update",
            AuditEvent::JobEnable { enabled: true, .. } => "job.enable",
            AuditEvent::JobEnable { enabled: false, .. } => "job.disable",
            AuditEvent::JobDelete { .. } => "job.delete",
            AuditEvent::JobRun { .. } => "job.run",
            AuditEvent::EncryptionProfileCreate { .. } => "encryption_profile.create",
            AuditEvent::EncryptionRecipientAdd { .. } => "encryption_profile.add_recipient",
            AuditEvent::EncryptionRecipientRemove { .. } => "encryption_profile.remove_recipient",
            AuditEvent::EncryptionIdentityDownload { .. } => "encryption_profile.download_identity",
            AuditEvent::EncryptionProfileDelete { .. } => "encryption_profile.delete",
            AuditEvent::ExecutionCancel { .. } => "execution.cancel",
            AuditEvent::AdapterCreate { kind, .. } => match kind {
                AdapterKind::Source => "source.create",
                AdapterKind::Destination => "destination.create",
                AdapterKind::Notification => "channel.create",
            },
            AuditEvent::AdapterUpdate { kind, .. } => match kind {
                AdapterKind::Source => "source.update",
                AdapterKind::Destination => "destination.update",
                AdapterKind::Notification => "channel.update",
            },
            AuditEvent::AdapterDelete { kind, .. } => match kind {
                AdapterKind::Source => "source.delete",
                AdapterKind::Destination => "destination.delete",
                AdapterKind::Notification => "channel.delete",
            },
            AuditEvent::GroupCreate { .. } => "group.create",
            AuditEvent::GroupUpdate { .. } => "group.update",
            AuditEvent::GroupDelete { .. } => "group.delete",
            AuditEvent::UserCreate { .. } => USER_CREATE,
            AuditEvent::UserUpdate { .. } => "user.update",
            AuditEvent::UserDisable { .. } => "user.disable",
            AuditEvent::UserEnable { .. } => "user.enable",
            AuditEvent::UserPasswordReset { .. } => "user.password_reset",
            AuditEvent::UserSessionsRevoke { .. } => "user.sessions_revoke",
            AuditEvent::SsoSave { created: true, .. } => "sso.create",
            AuditEvent::SsoSave { created: false, .. } => "sso.update",
            AuditEvent::SsoDelete { .. } => "sso.delete",
            AuditEvent::SettingsUpdate { .. } => "settings.update",
            AuditEvent::SystemNotificationsUpdate { .. } => "settings.notifications",
            AuditEvent::ApiKeyCreate { .. } => API_KEY_CREATE,
            AuditEvent::ApiKeyRevoke { .. } => "api_key.revoke",
            AuditEvent::BackupDownload { .. } => "backup.download",
            AuditEvent::BackupVerify { .. } => "backup.verify",
            AuditEvent::BackupRestore { .. } => "backup.restore",
            AuditEvent::BackupDelete { .. } => "backup.delete",
        }
    }

    fn entry(&self) -> Entry<'static> {
        let (resource_type, resource_id, summary) = match self {
            AuditEvent::JobCreate { saved } => ("job", saved.job.id, saved.summary("created")),
            AuditEvent::JobUpdate { saved } => ("job", saved.job.id, saved.summary("edited")),
            AuditEvent::JobEnable {
                job_id,
                job_name,
                enabled,
            } => (
                "job",
                *job_id,
                format!("{} job {job_name}", if *enabled { "enabled" } else { "disabled" }),
            ),
            AuditEvent::JobDelete { job_id, job_name } => ("job", *job_id, format!("deleted job {job_name}")),
            AuditEvent::JobRun {
                job_id,
                job_name,
                execution_id,
            } => (
                "job",
                *job_id,
                format!("queued a run of job {job_name} (execution #{execution_id})"),
            ),
            AuditEvent::EncryptionProfileCreate {
                profile_id,
                name,
                recipient,
            } => (
                "encryption_profile",
                *profile_id,
                format!("created encryption profile {name} ({recipient})"),
            ),
            AuditEvent::EncryptionRecipientAdd {
                profile_id,
                name,
                recipient,
            } => (
                "encryption_profile",
                *profile_id,
                format!("added recipient {recipient} to encryption profile {name}"),
            ),
            AuditEvent::EncryptionRecipientRemove {
                profile_id,
                name,
                recipient,
            } => (
                "encryption_profile",
                *profile_id,
                format!("removed recipient {recipient} from encryption profile {name}"),
            ),
            AuditEvent::EncryptionIdentityDownload { profile_id, name } => (
                "encryption_profile",
                *profile_id,
                format!("downloaded the identity of encryption profile {name}"),
            ),
            AuditEvent::EncryptionProfileDelete { profile_id, name } => (
                "encryption_profile",
                *profile_id,
                format!("deleted encryption profile {name}"),
            ),
            AuditEvent::ExecutionCancel {
                execution_id,
                outcome,
            } => (
                "execution",
                *execution_id,
                format!(
                    "cancel of execution #{execution_id}: {}",
                    match outcome {
                        CancelOutcome::CancelledPending => "cancelled before it started",
                        CancelOutcome::Requested => "stop requested",
                        CancelOutcome::AlreadyFinished => "it had already finished",
                    }
                ),
            ),
            AuditEvent::AdapterCreate {
                kind,
                id,
                name,
                adapter_id,
            } => (
                kind.as_str(),
                *id,
                format!("created {} {name} ({adapter_id})", kind.as_str()),
            ),
            AuditEvent::AdapterUpdate {
                kind,
                id,
                name,
                replaced,
            } => (
                kind.as_str(),
                *id,
                if replaced.is_empty() {
                    format!("edited {} {name}", kind.as_str())
                } else {
                    format!(
                        "edited {} {name} (replaced secrets: {})",
                        kind.as_str(),
                        replaced.join(", ")
                    )
                },
            ),
            AuditEvent::AdapterDelete {
                kind,
                id,
                name,
                adapter_id,
            } => (
                kind.as_str(),
                *id,
                format!("deleted {} {name} ({adapter_id})", kind.as_str()),
            ),
            AuditEvent::GroupCreate {
                id,
                name,
                permissions,
            } => (
                "group",
                *id,
                format!(
                    "created group {name} with {}",
                    if permissions.is_empty() {
                        "no permissions".to_string()
                    } else {
                        permissions.join(", ")
                    }
                ),
            ),
            AuditEvent::GroupUpdate { id, name, changes } => (
                "group",
                *id,
                format!("updated group {name}: {}", changes.join("; ")),
            ),
            AuditEvent::GroupDelete {
                id,
                name,
                permissions,
            } => (
                "group",
                *id,
                format!("deleted group {name} (it had {})", permissions.join(", ")),
            ),
            AuditEvent::UserCreate { id, email, group_id } => {
                ("user", *id, format!("created user {email} in group #{group_id}"))
            }
            AuditEvent::UserUpdate { id, email, changes } => (
                "user",
                *id,
                format!("updated user {email}: {}", changes.join(", ")),
            ),
            AuditEvent::UserDisable {
                id,
                email,
                sessions_ended,
            } => (
                "user",
                *id,
                format!("disabled user {email} and ended {sessions_ended} session(s)"),
            ),
            AuditEvent::UserEnable { id, email } => ("user", *id, format!("enabled user {email}")),
            AuditEvent::UserPasswordReset {
                id,
                email,
                sessions_ended,
            } => (
                "user",
                *id,
                format!("reset the password of {email} and ended {sessions_ended} session(s)"),
            ),
            AuditEvent::UserSessionsRevoke {
                id,
                email,
                sessions_ended,
            } => (
                "user",
                *id,
                format!("signed {email} out everywhere ({sessions_ended} session(s))"),
            ),
            AuditEvent::SsoSave {
                created,
                provider: p,
                default_group,
                secret_replaced,
            } => (
                "sso_provider",
                p.id,
                sso_summary(*created, p, *default_group, *secret_replaced),
            ),
            AuditEvent::SsoDelete { id, slug } => (
                "sso_provider",
                *id,
                format!("deleted SSO provider {slug} (its users keep their accounts)"),
            ),
            AuditEvent::ApiKeyCreate { key, granted } => (
                "api_key",
                key.id,
                format!(
                    "created API key {} ({}…) with {}{}",
                    key.name,
                    key.prefix,
                    granted.join(", "),
                    key.expires_at
                        .map(|e| format!(", expiring {}", e.format("%Y-%m-%d %H:%M UTC")))
                        .unwrap_or_default()
                ),
            ),
            AuditEvent::ApiKeyRevoke { key } => (
                "api_key",
                key.id,
                format!("revoked API key {} ({}…)", key.name, key.prefix),
            ),
            AuditEvent::BackupDownload {
                destination_id,
                destination,
                object,
            } => (
                "destination",
                *destination_id,
                format!("downloaded {object} from {destination}"),
            ),
            AuditEvent::BackupVerify {
                destination_id,
                destination,
                object,
                execution_id,
            } => (
                "destination",
                *destination_id,
                format!("queued a verify of {object} in {destination} (execution #{execution_id})"),
            ),
            AuditEvent::BackupRestore {
                destination_id,
                destination,
                object,
                source_id,
                database,
                execution_id,
            } => (
                "destination",
                *destination_id,
                format!(
                    "queued a restore of {object} from {destination} into database {database} of source \
                     #{source_id} (execution #{execution_id})"
                ),
            ),
            AuditEvent::BackupDelete {
                destination_id,
                destination,
                object,
            } => (
                "destination",
                *destination_id,
                format!("deleted {object} from {destination}"),
            ),
            // The settings are one resource: the entry has no id.
            AuditEvent::SystemNotificationsUpdate { changes } => (
                "settings",
                0,
                format!("changed system notifications: {}", changes.join("; ")),
            ),
            AuditEvent::SettingsUpdate { changes } => (
                "settings",
                0,
                format!(
                    "changed settings: {}",
                    changes
                        .iter()
                        .map(|c| format!("{} {} → {}", c.key, c.old, c.new))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        Entry {
            action: self.action(),
            resource_type,
            resource_id: (!matches!(self, AuditEvent::SettingsUpdate { .. }))
                .then(|| resource_id.to_string()),
            summary,
            success: true,
        }
    }
}

/// Every setting of a saved provider, so the log shows what a save made of it.
fn sso_summary(
    created: bool,
    p: &sso_provider::Model,
    default_group: Option<&str>,
    secret_replaced: bool,
) -> String {
    let domains = crate::server::sso_providers::domains(p);
    let on = |b: bool| if b { "on" } else { "off" };
    format!(
        "{} SSO provider {} (\"{}\", issuer {}, client {}, scopes \"{}\", domains {}, provisioning {}{}, \
         linking by email {}, provider MFA {}, {}){}",
        if created { "created" } else { "updated" },
        p.slug,
        p.button_label,
        p.issuer_url,
        p.client_id,
        p.scopes,
        if domains.is_empty() {
            "any".to_string()
        } else {
            domains.join(", ")
        },
        on(p.allow_provisioning),
        default_group.map(|g| format!(" into {g}")).unwrap_or_default(),
        on(p.link_by_email),
        if p.mfa_by_provider {
            "trusted"
        } else {
            "not trusted"
        },
        if p.enabled { "enabled" } else { "disabled" },
        if secret_replaced {
            "; client secret replaced"
        } else {
            ""
        },
    )
}

/// Records `event` as done by `actor`.
pub async fn record(ctx: &Ctx<'_>, actor: &Actor, event: AuditEvent<'_>) -> Result<()> {
    record_in(&ctx.state.db, ctx, actor, event).await
}

/// Records `event` inside `conn` (a transaction, so the entry commits with the change).
pub async fn record_in(
    conn: &impl ConnectionTrait,
    ctx: &Ctx<'_>,
    actor: &Actor,
    event: AuditEvent<'_>,
) -> Result<()> {
    let label = actor.label();
    let who = match actor {
        Actor::User(user) => audit::Actor::User(user),
        Actor::ApiKey(_) => audit::Actor::Anonymous(&label),
    };
    audit::record(conn, who, ctx.client, event.entry()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_their_resource() {
        let run = AuditEvent::JobRun {
            job_id: 4,
            job_name: "Nightly",
            execution_id: 12,
        };
        let e = run.entry();
        assert_eq!((e.action, e.resource_type), ("job.run", "job"));
        assert_eq!(e.resource_id.as_deref(), Some("4"));
        assert_eq!(e.summary, "queued a run of job Nightly (execution #12)");
        let cancel = AuditEvent::ExecutionCancel {
            execution_id: 12,
            outcome: CancelOutcome::Requested,
        };
        let e = cancel.entry();
        assert_eq!((e.action, e.resource_type), ("execution.cancel", "execution"));
        assert_eq!(e.summary, "cancel of execution #12: stop requested");
    }

    #[test]
    fn switching_a_job_names_the_direction() {
        for (enabled, action, summary) in [
            (true, "job.enable", "enabled job Nightly"),
            (false, "job.disable", "disabled job Nightly"),
        ] {
            let event = AuditEvent::JobEnable {
                job_id: 9,
                job_name: "Nightly",
                enabled,
            };
            let e = event.entry();
            assert_eq!((e.action, e.summary.as_str()), (action, summary));
            assert_eq!(e.resource_id.as_deref(), Some("9"));
        }
    }
}
