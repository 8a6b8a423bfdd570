//! Widgets shared by several pages.

pub mod error_note;
pub mod form_test;
pub mod health_badge;
pub mod layout;
pub mod nav;
pub mod schema_form;
pub mod test_result;
