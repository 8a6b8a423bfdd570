//! Database migrations for Bulwark, for SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_tables;
mod m20261122_000002_seed;
mod m20261122_000003_execution_schedule;
mod m20261122_000004_known_devices;
mod m20261122_000005_drop_job_notify_on;
mod m20261206_000006_sso_trust_flags;
mod m20261206_000007_api_key_owner;
mod m20261207_000008_session_reauthenticated_at;

/// Name of the built-in, protected administrators group created by the seed.
pub const SUPERADMIN_GROUP: &str = "SuperAdmin";

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_tables::Migration),
            Box::new(m20261122_000002_seed::Migration),
            Box::new(m20261122_000003_execution_schedule::Migration),
            Box::new(m20261122_000004_known_devices::Migration),
            Box::new(m20261122_000005_drop_job_notify_on::Migration),
            Box::new(m20261206_000006_sso_trust_flags::Migration),
            Box::new(m20261206_000007_api_key_owner::Migration),
            Box::new(m20261207_000008_session_reauthenticated_at::Migration),
        ]
    }
}
