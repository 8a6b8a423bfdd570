//! Widgets shared by several pages.

pub mod error_note;
pub mod layout;
pub mod nav;
