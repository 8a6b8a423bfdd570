//! Widgets shared by several pages.

pub mod cron_help;
pub mod cron_preview;
pub mod error_note;
pub mod form_test;
pub mod health_badge;
pub mod health_log;
pub mod layout;
pub mod log_view;
pub mod nav;
pub mod notification_preview;
pub mod progress_bar;
pub mod retention_editor;
pub mod schema_form;
pub mod test_result;
