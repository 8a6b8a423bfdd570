//! One module per console page.

pub mod adapter_form;
pub mod adapters;
pub mod dashboard;
pub mod encryption;
pub mod identity_download;
pub mod login;
pub mod not_built;
pub mod setup;
pub mod users;
