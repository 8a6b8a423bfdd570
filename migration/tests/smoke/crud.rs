//! Create, read, update and delete through the entity crate, including the
//! constraints the app relies on: unique email, cascades, SET NULL, RESTRICT.

use chrono::{DateTime, SubsecRound, Utc};
use entity::enums::{
    AdapterKind, Compression, ExecutionKind, ExecutionStatus, ExecutionTrigger, HealthStatus, LogLevel,
};
use entity::prelude::*;
use entity::{
    adapter_config, audit_log, execution, execution_log, group, job, job_destination, session, setting, user,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, ModelTrait, QueryOrder,
    SqlErr,
};
use serde_json::json;

pub async fn run(db: &DatabaseConnection) {
    // Both backends keep microseconds; compare against what they store.
    let now = Utc::now().trunc_subsecs(6);

    let group = insert_group(db, now).await;
    let user = insert_user(db, &group, "ops@example.com", now)
        .await
        .expect("insert user");
    assert!(user.id > 0, "auto-increment id returned on insert");
    assert_eq!(user.timezone, "UTC");
    let session = insert_session(db, &user, now).await;

    let source = insert_adapter(db, AdapterKind::Source, "postgres", "prod-db", now).await;
    let offsite = insert_adapter(db, AdapterKind::Destination, "s3", "offsite", now).await;
    let local = insert_adapter(db, AdapterKind::Destination, "local", "disk", now).await;
    assert_eq!(source.health_status, HealthStatus::Unknown);

    let job = insert_job(db, &source, now).await;
    for (priority, destination) in [(0, &offsite), (1, &local)] {
        job_destination::ActiveModel {
            job_id: Set(job.id),
            destination_id: Set(destination.id),
            priority: Set(priority),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert job destination");
    }

    let execution = insert_execution(db, &job, &user, now).await;
    for (seq, message) in [(1, "dump started"), (2, "dump finished")] {
        execution_log::ActiveModel {
            execution_id: Set(execution.id),
            seq: Set(seq),
            created_at: Set(now),
            level: Set(LogLevel::Info),
            stage: Set("dump".into()),
            message: Set(message.into()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert execution log");
    }

    let audit = insert_audit_log(db, &user, now).await;
    let setting = setting::ActiveModel {
        key: Set("ui.theme".into()),
        value: Set(json!({ "mode": "dark" })),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("insert setting");

    // Read back.
    let found_user = User::find_by_id(user.id).one(db).await.expect("find user");
    assert_eq!(found_user.as_ref(), Some(&user));
    assert_eq!(user.created_at, now);
    let user_group = user.find_related(Group).one(db).await.expect("user's group");
    assert_eq!(user_group.map(|g| g.id), Some(group.id));
    assert_eq!(
        Session::find_by_id(session.id)
            .one(db)
            .await
            .expect("find session"),
        Some(session.clone())
    );
    let destinations = job
        .find_related(JobDestination)
        .order_by_asc(job_destination::Column::Priority)
        .all(db)
        .await
        .expect("job destinations");
    let destination_ids: Vec<_> = destinations.iter().map(|d| d.destination_id).collect();
    assert_eq!(destination_ids, [offsite.id, local.id]);
    let logs = execution
        .find_related(ExecutionLog)
        .order_by_asc(execution_log::Column::Seq)
        .all(db)
        .await
        .expect("execution logs");
    let messages: Vec<_> = logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(messages, ["dump started", "dump finished"]);
    assert_eq!(
        Setting::find_by_id("ui.theme")
            .one(db)
            .await
            .expect("find setting"),
        Some(setting)
    );
    assert_eq!(
        AuditLog::find_by_id(audit.id)
            .one(db)
            .await
            .expect("find audit log"),
        Some(audit.clone())
    );

    // Update.
    let mut finished: execution::ActiveModel = execution.clone().into();
    finished.status = Set(ExecutionStatus::Success);
    finished.finished_at = Set(Some(now));
    finished.update(db).await.expect("update execution");
    let reread = Execution::find_by_id(execution.id)
        .one(db)
        .await
        .expect("find execution")
        .expect("execution exists");
    assert_eq!(reread.status, ExecutionStatus::Success);
    assert_eq!(reread.finished_at, Some(now));

    // Constraints.
    let duplicate = insert_user(db, &group, "ops@example.com", now).await;
    assert!(
        matches!(
            duplicate.as_ref().map_err(DbErr::sql_err),
            Err(Some(SqlErr::UniqueConstraintViolation(_)))
        ),
        "duplicate email must be rejected, got {duplicate:?}"
    );
    let group_in_use = Group::delete_by_id(group.id).exec(db).await;
    assert!(
        matches!(
            group_in_use.as_ref().map_err(DbErr::sql_err),
            Err(Some(SqlErr::ForeignKeyConstraintViolation(_)))
        ),
        "a group with users must not be deletable, got {group_in_use:?}"
    );

    // Delete: sessions cascade, history keeps its rows with the user unset.
    let deleted = User::delete_by_id(user.id).exec(db).await.expect("delete user");
    assert_eq!(deleted.rows_affected, 1);
    assert_eq!(
        Session::find_by_id(session.id)
            .one(db)
            .await
            .expect("find session"),
        None,
        "the user's session is deleted with it"
    );
    let orphaned_audit = AuditLog::find_by_id(audit.id)
        .one(db)
        .await
        .expect("find audit log")
        .expect("audit log survives its actor");
    assert_eq!(orphaned_audit.actor_user_id, None);
    let orphaned_execution = Execution::find_by_id(execution.id)
        .one(db)
        .await
        .expect("find execution")
        .expect("execution survives its trigger user");
    assert_eq!(orphaned_execution.triggered_by_user_id, None);
}

async fn insert_group(db: &DatabaseConnection, now: DateTime<Utc>) -> group::Model {
    group::ActiveModel {
        name: Set("Operators".into()),
        description: Set(Some("Runs backups".into())),
        permissions: Set(json!(["jobs.read", "jobs.run"])),
        protected: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert group")
}

async fn insert_user(
    db: &DatabaseConnection,
    group: &group::Model,
    email: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        email: Set(email.into()),
        name: Set("Ops".into()),
        password_hash: Set(Some("$argon2id$stub".into())),
        timezone: Set("UTC".into()),
        disabled: Set(false),
        group_id: Set(group.id),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

async fn insert_session(db: &DatabaseConnection, user: &user::Model, now: DateTime<Utc>) -> session::Model {
    session::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set("token-hash".into()),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(7)),
        last_seen_at: Set(now),
        ip: Set(Some("127.0.0.1".into())),
        user_agent: Set(None),
        auth_method: Set("password".into()),
        mfa_pending: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert session")
}

async fn insert_adapter(
    db: &DatabaseConnection,
    kind: AdapterKind,
    adapter_id: &str,
    name: &str,
    now: DateTime<Utc>,
) -> adapter_config::Model {
    adapter_config::ActiveModel {
        kind: Set(kind),
        adapter_id: Set(adapter_id.into()),
        name: Set(name.into()),
        config_encrypted: Set("opaque".into()),
        metadata: Set(json!({})),
        health_status: Set(HealthStatus::Unknown),
        last_check_at: Set(None),
        last_error: Set(None),
        consecutive_failures: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert adapter config")
}

async fn insert_job(
    db: &DatabaseConnection,
    source: &adapter_config::Model,
    now: DateTime<Utc>,
) -> job::Model {
    job::ActiveModel {
        name: Set("nightly".into()),
        description: Set(None),
        cron: Set("0 3 * * *".into()),
        timezone: Set("Europe/Paris".into()),
        enabled: Set(true),
        compression: Set(Compression::Zstd),
        compression_level: Set(Some(3)),
        retention: Set(json!({ "keep_last": 7 })),
        source_id: Set(source.id),
        databases: Set(json!({ "all": true })),
        encryption_profile_id: Set(None),
        last_run_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert job")
}

async fn insert_execution(
    db: &DatabaseConnection,
    job: &job::Model,
    user: &user::Model,
    now: DateTime<Utc>,
) -> execution::Model {
    execution::ActiveModel {
        job_id: Set(Some(job.id)),
        kind: Set(ExecutionKind::Backup),
        status: Set(ExecutionStatus::Running),
        trigger: Set(ExecutionTrigger::Manual),
        triggered_by_user_id: Set(Some(user.id)),
        created_at: Set(now),
        started_at: Set(Some(now)),
        finished_at: Set(None),
        raw_bytes: Set(Some(5_000_000_000)),
        stored_bytes: Set(None),
        checksum_sha256: Set(None),
        destination_results: Set(json!([])),
        metadata: Set(json!({})),
        error: Set(None),
        claimed_by: Set(Some("instance-1".into())),
        heartbeat_at: Set(Some(now)),
        cancel_requested: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert execution")
}

async fn insert_audit_log(
    db: &DatabaseConnection,
    user: &user::Model,
    now: DateTime<Utc>,
) -> audit_log::Model {
    audit_log::ActiveModel {
        created_at: Set(now),
        actor_user_id: Set(Some(user.id)),
        actor_label: Set(user.email.clone()),
        action: Set("job.create".into()),
        resource_type: Set("job".into()),
        resource_id: Set(Some("1".into())),
        summary: Set("Created job nightly".into()),
        changes: Set(Some(json!({ "name": [null, "nightly"] }))),
        outcome: Set("success".into()),
        ip: Set(None),
        user_agent: Set(Some("test".into())),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert audit log")
}
