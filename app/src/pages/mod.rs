//! One module per console page.

pub mod dashboard;
pub mod login;
pub mod not_built;
pub mod setup;
pub mod users;
