//! Which tables exist, asked of the database's own catalog.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

pub const ALL: [&str; 20] = [
    "adapter_configs",
    "api_keys",
    "audit_logs",
    "encryption_profiles",
    "execution_logs",
    "executions",
    "groups",
    "health_check_logs",
    "instances",
    "job_destinations",
    "job_notifications",
    "jobs",
    "notification_logs",
    "passkeys",
    "sessions",
    "settings",
    "sso_identities",
    "sso_providers",
    "totp_secrets",
    "users",
];

pub async fn assert_all_exist(db: &DatabaseConnection) {
    let existing = existing(db).await;
    let missing: Vec<_> = ALL.iter().filter(|t| !existing.contains(**t)).collect();
    assert!(missing.is_empty(), "missing tables: {missing:?}");
}

pub async fn assert_none_exist(db: &DatabaseConnection) {
    let existing = existing(db).await;
    let left: Vec<_> = ALL.iter().filter(|t| existing.contains(**t)).collect();
    assert!(left.is_empty(), "tables left after down: {left:?}");
}

async fn existing(db: &DatabaseConnection) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        DbBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        }
        other => panic!("unsupported backend {other:?}"),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("list tables")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("table name"))
        .collect()
}
