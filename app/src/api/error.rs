//! The error every server function returns: specific, safe to show, and mapped to
//! the right HTTP status on the server.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// No valid session: the user must sign in.
    Unauthenticated,
    /// Signed in, but the group lacks this permission.
    Forbidden {
        permission: String,
    },
    /// The input is wrong; the message says how to fix it.
    Invalid(String),
    /// The request conflicts with existing data (a duplicate email, say).
    Conflict(String),
    /// Too many attempts; try again later.
    RateLimited(String),
    /// Signed in, but this change needs a recent sign-in or confirmation of identity;
    /// the message says how to give one.
    Reauthenticate(String),
    NotFound(String),
    /// Something broke on the server; details are in the server log under `reference`.
    Internal {
        reference: String,
    },
    /// The request never reached the server function or its answer was unreadable.
    Transport(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::Invalid(message.into())
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthenticated => 401,
            ApiError::Forbidden { .. } => 403,
            ApiError::Invalid(_) => 400,
            ApiError::Conflict(_) => 409,
            ApiError::RateLimited(_) => 429,
            ApiError::Reauthenticate(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Internal { .. } => 500,
            ApiError::Transport(_) => 502,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthenticated => write!(f, "Your session has ended. Please sign in again."),
            ApiError::Forbidden { permission } => {
                write!(f, "You do not have permission to do this ({permission}).")
            }
            ApiError::Invalid(m)
            | ApiError::Conflict(m)
            | ApiError::RateLimited(m)
            | ApiError::Reauthenticate(m)
            | ApiError::NotFound(m) => write!(f, "{m}"),
            ApiError::Internal { reference } => write!(
                f,
                "Something went wrong on the server (reference {reference}); the server log has the details."
            ),
            ApiError::Transport(m) => write!(f, "Could not reach the server: {m}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                ApiError::Invalid(format!("The form was incomplete: {m}"))
            }
            other => ApiError::Transport(other.to_string()),
        };
        // On the server this runs when the arguments could not be read, before the
        // function body: answer with the error's own status rather than a bare 500.
        #[cfg(feature = "ssr")]
        set_response_status(err.status());
        err
    }
}

/// Sets the HTTP status of the server function response being built, if any.
#[cfg(feature = "ssr")]
pub fn set_response_status(code: u16) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}
