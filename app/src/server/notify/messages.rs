//! The message for each event, in the one model every channel renders.

use super::{Notice, Outbox};
use crate::api::execution_types::{human_bytes, human_duration};
use crate::api::notification_types::NotifyEvent;
use adapters::notify::{Field, Message, Severity};
use chrono::Utc;
use entity::enums::{ExecutionKind, ExecutionStatus, ExecutionTrigger};
use entity::{execution, job};

/// The event an execution's outcome is, if any (a cancelled run, a verify that passed
/// and a skipped run tell nobody).
pub fn execution_event(kind: ExecutionKind, status: ExecutionStatus) -> Option<NotifyEvent> {
    use ExecutionStatus::*;
    match (kind, status) {
        (ExecutionKind::Backup, Success) => Some(NotifyEvent::BackupSuccess),
        (ExecutionKind::Backup, Partial) => Some(NotifyEvent::BackupPartial),
        (ExecutionKind::Backup, Failed) => Some(NotifyEvent::BackupFailure),
        (ExecutionKind::Restore, Success) => Some(NotifyEvent::RestoreSuccess),
        (ExecutionKind::Restore, Partial | Failed) => Some(NotifyEvent::RestoreFailure),
        (ExecutionKind::Verify, Partial | Failed) => Some(NotifyEvent::VerifyFailure),
        _ => None,
    }
}

fn severity(event: NotifyEvent) -> Severity {
    match event {
        NotifyEvent::BackupSuccess | NotifyEvent::RestoreSuccess | NotifyEvent::AdapterRecovered => {
            Severity::Success
        }
        NotifyEvent::BackupPartial | NotifyEvent::NewDeviceSignIn => Severity::Warning,
        NotifyEvent::BackupFailure
        | NotifyEvent::RestoreFailure
        | NotifyEvent::VerifyFailure
        | NotifyEvent::AdapterOffline => Severity::Failure,
        NotifyEvent::UserCreated | NotifyEvent::Test => Severity::Info,
    }
}

fn message(
    event: NotifyEvent,
    title: String,
    summary: String,
    fields: Vec<Field>,
    link: Option<String>,
) -> Message {
    Message {
        event: event.as_str().to_string(),
        title,
        summary,
        fields,
        severity: severity(event),
        link,
        timestamp: Utc::now(),
    }
}

/// A notice about the system rather than a job's run.
fn system_notice(
    event: NotifyEvent,
    title: String,
    summary: String,
    fields: Vec<Field>,
    link: String,
) -> Notice {
    Notice {
        event,
        job_id: None,
        execution_id: None,
        message: message(event, title, summary, fields, Some(link)),
    }
}

fn trigger_text(trigger: ExecutionTrigger) -> &'static str {
    match trigger {
        ExecutionTrigger::Schedule => "schedule",
        ExecutionTrigger::Manual => "manual",
        ExecutionTrigger::Api => "API",
        ExecutionTrigger::System => "system",
    }
}

/// The notice for a finished execution, if its outcome is an event.
pub fn execution_finished(
    outbox: &Outbox,
    run: &execution::Model,
    job: Option<&job::Model>,
) -> Option<Notice> {
    let event = execution_event(run.kind, run.status)?;
    let job_name = job
        .map(|j| j.name.clone())
        .or_else(|| run.metadata.get("job").and_then(|v| v.as_str()).map(String::from))
        .unwrap_or_else(|| "a deleted job".to_string());
    let what = match run.kind {
        ExecutionKind::Backup => "Backup",
        ExecutionKind::Restore => "Restore",
        ExecutionKind::Verify => "Verification",
    };
    let outcome = match event {
        NotifyEvent::BackupSuccess | NotifyEvent::RestoreSuccess => "succeeded",
        NotifyEvent::BackupPartial => "partly failed",
        _ => "failed",
    };
    let title = format!("{what} {outcome}: {job_name}");
    let summary = match &run.error {
        Some(error) => error.clone(),
        None => format!("{what} of {job_name} {outcome}."),
    };
    let mut fields = vec![
        Field::new("Job", job_name),
        Field::new("Execution", format!("#{}", run.id)),
        Field::new("Trigger", trigger_text(run.trigger)),
    ];
    if let (Some(start), Some(end)) = (run.started_at, run.finished_at) {
        fields.push(Field::new(
            "Duration",
            human_duration((end - start).num_milliseconds()),
        ));
    }
    if let Some(raw) = run.raw_bytes {
        let stored = run.stored_bytes.unwrap_or(raw);
        fields.push(Field::new(
            "Size",
            format!(
                "{} ({} stored)",
                human_bytes(raw.unsigned_abs()),
                human_bytes(stored.unsigned_abs())
            ),
        ));
    }
    Some(Notice {
        event,
        job_id: run.job_id,
        execution_id: Some(run.id),
        message: message(
            event,
            title,
            summary,
            fields,
            Some(outbox.link(&format!("/executions/{}", run.id))),
        ),
    })
}

/// A source or destination went offline (`error` is the last check's) or came back.
pub fn adapter_health_changed(outbox: &Outbox, kind: &str, name: &str, error: Option<&str>) -> Notice {
    let (event, title, summary) = match error {
        Some(error) => (
            NotifyEvent::AdapterOffline,
            format!("{} offline: {name}", capitalised(kind)),
            format!("The {kind} {name} failed its health checks: {error}"),
        ),
        None => (
            NotifyEvent::AdapterRecovered,
            format!("{} recovered: {name}", capitalised(kind)),
            format!("The {kind} {name} passes its health checks again."),
        ),
    };
    let page = if kind == "source" {
        "/sources"
    } else {
        "/destinations"
    };
    system_notice(
        event,
        title,
        summary,
        vec![Field::new(capitalised(kind), name)],
        outbox.link(page),
    )
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub fn new_device_sign_in(outbox: &Outbox, email: &str, device: &str, ip: &str, method: &str) -> Notice {
    let event = NotifyEvent::NewDeviceSignIn;
    system_notice(
        event,
        format!("Sign-in from a new device: {email}"),
        format!("{email} signed in from {device}, which has not been seen for this account before."),
        vec![
            Field::new("User", email),
            Field::new("Device", device),
            Field::new("IP address", ip),
            Field::new("Method", method),
        ],
        outbox.link("/profile"),
    )
}

pub fn user_created(outbox: &Outbox, email: &str, by: &str, group: &str) -> Notice {
    let event = NotifyEvent::UserCreated;
    system_notice(
        event,
        format!("User created: {email}"),
        format!("{by} created the account {email} in the group {group}."),
        vec![
            Field::new("User", email),
            Field::new("Group", group),
            Field::new("Created by", by),
        ],
        outbox.link("/users"),
    )
}

pub fn test(outbox: &Outbox, channel: &str, by: &str) -> Notice {
    let event = NotifyEvent::Test;
    system_notice(
        event,
        format!("Test message for {channel}"),
        format!("{by} sent this from Bulwark to check the channel {channel}. It works."),
        vec![Field::new("Channel", channel), Field::new("Sent by", by)],
        outbox.link("/notifications"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_map_to_events() {
        use ExecutionKind::*;
        use ExecutionStatus::*;
        let table = [
            (Backup, Success, Some(NotifyEvent::BackupSuccess)),
            (Backup, Partial, Some(NotifyEvent::BackupPartial)),
            (Backup, Failed, Some(NotifyEvent::BackupFailure)),
            (Backup, Cancelled, None),
            (Backup, Skipped, None),
            (Restore, Success, Some(NotifyEvent::RestoreSuccess)),
            (Restore, Failed, Some(NotifyEvent::RestoreFailure)),
            (Verify, Success, None),
            (Verify, Failed, Some(NotifyEvent::VerifyFailure)),
        ];
        for (kind, status, expected) in table {
            assert_eq!(execution_event(kind, status), expected, "{kind:?} {status:?}");
        }
    }

    #[test]
    fn capitalised_words() {
        assert_eq!(capitalised("source"), "Source");
        assert_eq!(capitalised(""), "");
    }
}
