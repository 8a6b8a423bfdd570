//! One error type for every adapter, worded for the admin who reads it.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("authentication failed: {0}")]
    AuthenticationFailed(String),
    #[error("host unreachable: {0}")]
    HostUnreachable(String),
    #[error("bucket missing: {0}")]
    BucketMissing(String),
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("disk full: {0}")]
    DiskFull(String),
    #[error("`{tool}` is not installed or not on PATH")]
    ToolMissing { tool: String },
    #[error("`{tool}` exited with code {code}: {stderr_tail}")]
    ToolFailed {
        tool: String,
        code: i32,
        stderr_tail: String,
    },
    #[error("`{tool}` reported an error: {stderr_tail}")]
    ToolReportedError { tool: String, stderr_tail: String },
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error(
        "checksum mismatch: the stored object's SHA-256 is {actual}, the manifest says {expected}; the backup is corrupt"
    )]
    ChecksumMismatch { expected: String, actual: String },
    #[error("cannot decrypt: {0}")]
    Decryption(String),
    #[error("corrupt backup: {0}")]
    Corrupt(String),
    /// A backup whose manifest this installation did not sign.
    #[error("untrusted backup: {0}")]
    Untrusted(String),
    /// A restore target that holds data, without the caller asking to replace it.
    #[error("the restore target is not empty: {0}")]
    TargetNotEmpty(String),
    #[error("cancelled")]
    Cancelled,
    /// A notification receiver answered with an error status; `body` is a short,
    /// sanitised reason (never the raw body: that would make "Send test" a way to read
    /// whatever answers at an address).
    #[error("the receiver answered HTTP {status}: {body}")]
    Rejected { status: u16, body: String },
    /// A mail server refused a command: 4xx is transient, 5xx permanent.
    #[error("the mail server answered {code}: {text}")]
    SmtpRejected { code: u16, text: String },
    #[error("timed out: {0}")]
    TimedOut(String),
    /// A notification target outside the addresses notifications may reach.
    #[error("address not allowed: {0}")]
    NotAllowed(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = AdapterError> = std::result::Result<T, E>;

impl AdapterError {
    /// Classifies an I/O error on `what` (a path or address) into the admin's words.
    pub fn io(what: impl std::fmt::Display, err: io::Error) -> Self {
        // An AdapterError smuggled through an io::Error by a stream comes back out intact.
        if err.get_ref().is_some_and(|inner| inner.is::<AdapterError>()) {
            if let Some(inner) = err.into_inner() {
                if let Ok(adapter) = inner.downcast::<AdapterError>() {
                    return *adapter;
                }
                unreachable!("checked above");
            }
            unreachable!("checked above");
        }
        let what = what.to_string();
        match err.kind() {
            io::ErrorKind::PermissionDenied => AdapterError::PermissionDenied(format!("{what}: {err}")),
            io::ErrorKind::NotFound => AdapterError::NotFound(what),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                AdapterError::DiskFull(format!("no space left writing {what}"))
            }
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::TimedOut => AdapterError::HostUnreachable(format!("{what}: {err}")),
            _ => AdapterError::Io {
                context: what,
                source: err,
            },
        }
    }

    /// Wraps this error so it can travel through an `AsyncRead`; `AdapterError::io`
    /// unwraps it again.
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// A one-line message for logs and the command line.
    pub fn one_line(&self) -> String {
        self.to_string().replace(['\n', '\r'], " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_classified() {
        let e = AdapterError::io("/backups", io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(matches!(e, AdapterError::PermissionDenied(_)));
        let e = AdapterError::io("/backups/x", io::Error::from(io::ErrorKind::StorageFull));
        assert!(e.to_string().starts_with("disk full"), "{e}");
        let e = AdapterError::io("db:5432", io::Error::from(io::ErrorKind::ConnectionRefused));
        assert!(matches!(e, AdapterError::HostUnreachable(_)));
    }

    #[test]
    fn adapter_errors_survive_a_trip_through_io() {
        let original = AdapterError::ToolFailed {
            tool: "pg_dump".into(),
            code: 1,
            stderr_tail: "pg_dump: error: connection failed".into(),
        };
        let back = AdapterError::io("stream", original.into_io());
        assert!(matches!(back, AdapterError::ToolFailed { code: 1, .. }), "{back}");
    }
}
