//! One error type for every adapter, worded for the admin who reads it.

#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("authentication failed: {0}")]
    AuthenticationFailed(String),
    #[error("host unreachable: {0}")]
    HostUnreachable(String),
    #[error("bucket or folder missing: {0}")]
    ContainerMissing(String),
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
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("cancelled")]
    Cancelled,
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = AdapterError> = std::result::Result<T, E>;
