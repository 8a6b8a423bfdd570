//! What the browser knows about notifications: the events, the log's rows and the
//! preview of what was sent.

use serde::{Deserialize, Serialize};

/// Everything Bulwark notifies about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum NotifyEvent {
    BackupSuccess,
    BackupPartial,
    BackupFailure,
    RestoreSuccess,
    RestoreFailure,
    VerifyFailure,
    AdapterOffline,
    AdapterRecovered,
    NewDeviceSignIn,
    UserCreated,
    /// "Send test" on the Notifications page; never subscribed to.
    Test,
}

impl NotifyEvent {
    /// The events channels can subscribe to, in the order the console lists them.
    pub const SUBSCRIBABLE: [NotifyEvent; 10] = [
        Self::BackupSuccess,
        Self::BackupPartial,
        Self::BackupFailure,
        Self::RestoreSuccess,
        Self::RestoreFailure,
        Self::VerifyFailure,
        Self::AdapterOffline,
        Self::AdapterRecovered,
        Self::NewDeviceSignIn,
        Self::UserCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BackupSuccess => "backup_success",
            Self::BackupPartial => "backup_partial",
            Self::BackupFailure => "backup_failure",
            Self::RestoreSuccess => "restore_success",
            Self::RestoreFailure => "restore_failure",
            Self::VerifyFailure => "verify_failure",
            Self::AdapterOffline => "adapter_offline",
            Self::AdapterRecovered => "adapter_recovered",
            Self::NewDeviceSignIn => "new_device_sign_in",
            Self::UserCreated => "user_created",
            Self::Test => "test",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::BackupSuccess => "Backup succeeded",
            Self::BackupPartial => "Backup partly failed",
            Self::BackupFailure => "Backup failed",
            Self::RestoreSuccess => "Restore succeeded",
            Self::RestoreFailure => "Restore failed",
            Self::VerifyFailure => "Verification failed",
            Self::AdapterOffline => "Source or destination went offline",
            Self::AdapterRecovered => "Source or destination recovered",
            Self::NewDeviceSignIn => "Sign-in from a new device",
            Self::UserCreated => "User created",
            Self::Test => "Test message",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([Self::Test])
            .find(|e| e.as_str() == value)
    }

    /// Whether a job's "failures only" subscription includes this event.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Self::BackupPartial | Self::BackupFailure | Self::RestoreFailure | Self::VerifyFailure
        )
    }

    /// Whether a job's "successes only" subscription includes this event.
    pub fn is_success(self) -> bool {
        matches!(self, Self::BackupSuccess | Self::RestoreSuccess)
    }
}

/// One row of the notification log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationLogRow {
    pub id: i64,
    /// RFC 3339.
    #[cfg_attr(feature = "ssr", schema(format = DateTime))]
    pub created_at: String,
    #[cfg_attr(feature = "ssr", schema(value_type = NotifyEvent))]
    pub event: String,
    pub event_label: String,
    /// The adapter id, e.g. `slack`.
    pub channel: String,
    /// The channel's current name; `None` once the channel is deleted.
    pub channel_name: Option<String>,
    /// Absent once the channel is deleted (ids that name nothing are left out, so that
    /// clients following them never meet a null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<i64>,
    /// Absent for a delivery no execution caused (a test, a sign-in alert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<i64>,
    pub sent: bool,
    pub attempts: i32,
    pub title: String,
    pub error: Option<String>,
}

/// What was sent, for the log's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationPreview {
    pub id: i64,
    /// The adapter id: decides how the payload is drawn.
    pub channel: String,
    /// The body exactly as sent.
    pub payload: String,
    /// The HTML part of an email.
    pub html: Option<String>,
    pub error: Option<String>,
}

/// One page of the notification log, newest first; `next_before` asks for the next
/// (older) page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationLogPage {
    pub rows: Vec<NotificationLogRow>,
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for e in NotifyEvent::SUBSCRIBABLE.into_iter().chain([NotifyEvent::Test]) {
            assert_eq!(NotifyEvent::parse(e.as_str()), Some(e));
            assert!(seen.insert(e.as_str()));
            assert!(!(e.is_failure() && e.is_success()), "{e:?}");
        }
        assert_eq!(NotifyEvent::parse("nope"), None);
    }
}
