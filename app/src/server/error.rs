//! Errors of the server side, and how they reach a server function's caller.

use crate::api::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("I/O on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("master key: {0}")]
    MasterKey(String),
    #[error("password hashing: {0}")]
    PasswordHash(String),
    #[error(transparent)]
    Api(#[from] ApiError),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

impl ServerError {
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        ServerError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// Turns a server error into what the caller sees: user-facing errors pass through,
/// anything else is logged in full and answered with a reference to find it.
impl From<ServerError> for ApiError {
    fn from(err: ServerError) -> Self {
        match err {
            ServerError::Api(api) => api,
            other => {
                let reference = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
                tracing::error!(%reference, error = %other, "request failed");
                ApiError::Internal { reference }
            }
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ServerError::Db(err).into()
    }
}
