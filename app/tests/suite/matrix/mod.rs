//! The permission matrix: every server function and every `/api/v1` route with the
//! permission it needs and a well-formed request, plus the world they act on.
#![allow(dead_code)]

pub mod rest_routes;
pub mod server_fns;
pub mod snapshot;
pub mod world;

/// What a caller must have for a server function or route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone (sign-in steps); not part of the denial checks.
    Public,
    /// Any signed-in user: a signed-out caller gets 401.
    SignedIn,
    /// This permission string: a caller without it gets 403.
    Perm(&'static str),
    /// Any one of these permission strings: a caller with none of them gets 403.
    AnyOf(&'static [&'static str]),
}

impl Need {
    /// The permission strings whose absence must make the call fail.
    pub fn denied_without(&self) -> Vec<&'static str> {
        match *self {
            Need::Perm(p) => vec![p],
            Need::AnyOf(ps) => ps.to_vec(),
            Need::Public | Need::SignedIn => vec![],
        }
    }
}
