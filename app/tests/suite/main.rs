//! Every integration test of the app in one binary: the app is linked once, not once per
//! test file. Each file is a module; its tests run as `cargo test --workspace --test
//! suite <module>::`. `secret_scan` stays a binary of its own: it installs a process-wide log
//! subscriber and reads every line logged.

#[macro_use]
mod common;
#[path = "../../../adapters/tests/common/capture.rs"]
mod capture;
mod cli_support;
mod engine_fixtures;
mod matrix;
mod planted_fixture;

mod adapters_api;
mod api_keys_console;
mod audit_api;
mod auth_flow;
mod backup_file_modes;
mod cli;
mod core_parity;
mod core_parity_storage;
mod decompression_bomb;
mod destination_outage;
mod engine;
mod engine_cluster;
mod executions_api;
mod health_checks;
mod healthz;
mod host_access;
mod job_notifications;
mod jobs_api;
mod multi_destination;
mod notification_delivery;
mod notification_log_api;
mod one_core;
mod passkeys_api;
mod permission_matrix;
mod planted_backups;
mod planted_backups_api;
mod profile_sessions;
mod rest_acceptance;
mod rest_admin;
mod rest_api;
mod rest_crud;
mod rest_jobs;
mod rest_notifications;
mod rest_previews;
mod rest_problems;
mod retention_attribution;
mod schedule_property;
mod scheduler_ticks;
mod security_headers;
mod sessions;
mod settings_api;
mod sso_api;
mod sso_escalation;
mod storage_api;
mod system_notifications;
mod totp_api;
mod use_cases_routed;
mod users_groups;
