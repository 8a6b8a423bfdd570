//! Findings 1 and 3 of docs/SECURITY.md through the REST API and the console's server
//! functions: a backup planted in a destination is refused as "not made by this
//! Bulwark" (409, nothing queued, nothing created); trusted explicitly, its `\!` runs
//! nothing; the storage explorer marks it; and a restore over a database that holds data
//! needs its name typed again (console) or `"replace": true` (REST).

use crate::common;
use crate::engine_fixtures;
use crate::planted_fixture;

use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use chrono::Utc;
use common::{Harness, Reply};
use engine_fixtures::*;
use entity::enums::{AdapterKind, ExecutionStatus, ExecutionTrigger};
use http::{Request, StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use std::process::Command;

on_both_backends!(planted_backups_are_refused_through_rest_and_console, scenario);
on_both_backends!(
    planted_mariadb_backups_run_nothing_through_rest_and_console,
    mariadb_scenario
);

async fn rest(h: &Harness, path: &str, key: &str, body: Value) -> Reply {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    h.send(req).await
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-At", url, "-c", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

async fn executions(h: &Harness) -> u64 {
    entity::execution::Entity::find()
        .count(&h.state.db)
        .await
        .unwrap()
}

/// An API key that may restore and verify what it can see in storage.
async fn restorer_key(h: &Harness) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: "restorer".into(),
            permissions: vec!["storage:read".into(), "storage:restore".into()],
            created_by_user_id: None,
            expires_at: None,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

/// A planted MariaDB dump with `system` and `\!` lines: refused as not made by this
/// Bulwark through REST and the console; trusted explicitly, the client's sandbox stops
/// at the first client command and nothing runs on the host.
async fn mariadb_scenario(h: &Harness) {
    let Ok(url) = std::env::var("TEST_MARIADB_URL") else {
        assert!(
            std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "TEST_MARIADB_URL is not set: start the test services"
        );
        return;
    };
    let state = &h.state;
    let admin = h.setup_admin().await;
    let key = restorer_key(h).await;
    // mysql://user@host:port/db
    let (user, host_port) = url
        .trim_start_matches("mysql://")
        .split_once('/')
        .unwrap()
        .0
        .split_once('@')
        .unwrap();
    let (host, port) = host_port.split_once(':').unwrap();
    let config = json!({"host": host, "port": port.parse::<u16>().unwrap(), "username": user});
    let source = adapter(state, AdapterKind::Source, "mysql", "maria", config).await;
    let work = temp_dir("planted-api-my");
    let dest_dir = work.join("backups");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let dest = local_destination(state, "local", &dest_dir).await;
    state.engine.start().await.unwrap();

    let marker = work.join("pwned");
    let body = format!(
        "CREATE TABLE planted (a int);\nsystem touch {m}\n\\! touch {m}\nINSERT INTO planted VALUES (1);\n",
        m = marker.display()
    );
    let object_path = planted_fixture::plant(&dest_dir, "mysql", "sql", &body, None);
    let object = object_path
        .strip_prefix(&dest_dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let (rest_target, console_target) = (format!("planted_rest_{tag}"), format!("planted_console_{tag}"));
    let (d, s) = (dest.to_string(), source.to_string());
    let restore_url = format!("/api/v1/destinations/{dest}/backups/restore");

    let before = executions(h).await;
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": object, "source_id": source, "database": rest_target}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("not made by this Bulwark"), "{}", r.body);
    let console_form = |trust: &'static str| {
        vec![
            ("destination_id", d.clone()),
            ("object", object.clone()),
            ("source_id", s.clone()),
            ("database", console_target.clone()),
            ("trust_unsigned", trust.to_string()),
        ]
    };
    let form = console_form("false");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("not made by this Bulwark"), "{}", r.body);
    assert_eq!(executions(h).await, before, "nothing was queued");

    // Trusted explicitly through each surface: the restore fails at the client command.
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": object, "source_id": source, "database": rest_target, "trust_unsigned": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let run = wait_finished(&state.db, r.json()["execution_id"].as_i64().unwrap()).await;
    assert_eq!(
        run.status,
        ExecutionStatus::Failed,
        "REST: the sandbox stops the restore"
    );
    let form = console_form("true");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let run = wait_finished(&state.db, r.json().as_i64().unwrap()).await;
    assert_eq!(
        run.status,
        ExecutionStatus::Failed,
        "console: the sandbox stops the restore"
    );
    assert!(
        !marker.exists(),
        "a planted system command ran on the Bulwark host"
    );

    let mariadb = |sql: &str| {
        let out = Command::new("mariadb")
            .args([
                "--no-defaults",
                "--protocol=TCP",
                &format!("-h{host}"),
                &format!("-P{port}"),
                &format!("-u{user}"),
                "-N",
                "-e",
                sql,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    for db in [&rest_target, &console_target] {
        // The client ran the statement before the command and stopped at the command.
        assert_eq!(
            mariadb(&format!("SELECT COUNT(*) FROM `{db}`.planted")),
            "0",
            "{db}"
        );
        mariadb(&format!("DROP DATABASE IF EXISTS `{db}`"));
    }
    std::fs::remove_dir_all(work).ok();
}

async fn scenario(h: &Harness) {
    let Ok(pg_url) = std::env::var("TEST_PG_URL") else {
        assert!(
            std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "TEST_PG_URL is not set: start the test services"
        );
        return;
    };
    let state = &h.state;
    let admin = h.setup_admin().await;
    let key = restorer_key(h).await;
    // postgres://user@host:port/db
    let base = pg_url.rsplit_once('/').unwrap().0.to_string();
    let (user, host_port) = base.trim_start_matches("postgres://").split_once('@').unwrap();
    let (host, port) = host_port.split_once(':').unwrap();
    let pg_config =
        json!({"host": host, "port": port.parse::<u16>().unwrap(), "username": user, "sslmode": "disable"});
    let source = adapter(state, AdapterKind::Source, "postgres", "pg", pg_config).await;
    let work = temp_dir("planted-api");
    let dest_dir = work.join("backups");
    std::fs::create_dir_all(&dest_dir).unwrap();
    let dest = local_destination(state, "local", &dest_dir).await;
    state.engine.start().await.unwrap();

    let marker = work.join("pwned");
    let body = format!("create table planted (a int);\n\\! touch {}\n", marker.display());
    let object_path = planted_fixture::plant(&dest_dir, "postgres", "sql", &body, None);
    let object = object_path
        .strip_prefix(&dest_dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let target = format!("planted_api_{tag}");
    let d = dest.to_string();
    let s = source.to_string();
    let restore_url = format!("/api/v1/destinations/{dest}/backups/restore");
    let verify_url = format!("/api/v1/destinations/{dest}/backups/verify");

    // Refused before anything is queued, through both surfaces.
    let before = executions(h).await;
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": object, "source_id": source, "database": target}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("not made by this Bulwark"), "{}", r.body);
    let r = rest(h, &verify_url, &key, json!({"object": object})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let form = [
        ("destination_id", d.as_str()),
        ("object", object.as_str()),
        ("source_id", s.as_str()),
        ("database", target.as_str()),
    ];
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("not made by this Bulwark"), "{}", r.body);
    let r = h
        .call(
            "verify_backup",
            &[("destination_id", &d), ("object", &object)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(executions(h).await, before, "nothing was queued");
    let exists = format!("select count(*) from pg_database where datname = '{target}'");
    assert_eq!(psql(&pg_url, &exists), "0");

    // The explorer says so.
    let r = h
        .call("list_backups", &[("destination_id", &d)], Some(&admin))
        .await;
    let listing = r.json();
    let row = &listing["backups"][0];
    assert!(
        row["untrusted"].as_str().unwrap_or_default().contains("unsigned"),
        "{listing}"
    );

    // Trusted explicitly: queued, and psql's restricted mode stops at the `\!`.
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": object, "source_id": source, "database": target, "trust_unsigned": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let id = r.json()["execution_id"].as_i64().unwrap();
    let run = wait_finished(&state.db, id).await;
    assert_eq!(run.status, ExecutionStatus::Failed);
    assert!(
        run.error
            .as_deref()
            .unwrap_or_default()
            .contains("backslash commands are restricted"),
        "{:?}",
        run.error
    );
    assert_eq!(run.job_id, None, "a planted manifest links to no job");
    let trusted_form = [
        ("destination_id", d.as_str()),
        ("object", object.as_str()),
        ("source_id", s.as_str()),
        ("database", "planted_console"),
        ("trust_unsigned", "true"),
    ];
    let r = h.call("restore_backup", &trusted_form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let run = wait_finished(&state.db, r.json().as_i64().unwrap()).await;
    assert_eq!(run.status, ExecutionStatus::Failed);
    assert!(!marker.exists(), "a planted \\! ran on the Bulwark host");

    // A backup this installation made restores; over a database holding data only when
    // the caller confirms it.
    let (src, live) = (format!("api_src_{tag}"), format!("api_live_{tag}"));
    psql(&pg_url, &format!("create database {src}"));
    psql(&pg_url, &format!("create database {live}"));
    psql(
        &format!("{base}/{src}"),
        "create table t (a int); insert into t values (1), (2)",
    );
    psql(
        &format!("{base}/{live}"),
        "create table t (a int); insert into t values (100)",
    );
    let job = create_job(
        state,
        JobSpec::new("Nightly pg", source, std::slice::from_ref(&dest)),
    )
    .await;
    // The job dumps the databases it names.
    {
        use sea_orm::{ActiveModelTrait, Set};
        entity::job::ActiveModel {
            id: Set(job),
            databases: Set(json!([src])),
            ..Default::default()
        }
        .update(&state.db)
        .await
        .unwrap();
    }
    let run = state
        .engine
        .enqueue(job, ExecutionTrigger::Manual, None)
        .await
        .unwrap();
    let done = wait_finished(&state.db, run).await;
    assert_eq!(done.status, ExecutionStatus::Success, "{:?}", done.error);
    let made = done.destination_results[0]["object"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("{}", done.destination_results));
    let over = |confirm: &str| {
        vec![
            ("destination_id", d.clone()),
            ("object", made.clone()),
            ("source_id", s.clone()),
            ("database", live.clone()),
            ("replace_confirmation", confirm.to_string()),
        ]
    };
    let count = "select sum(a) from t";
    for confirm in ["", "not the name"] {
        let form = over(confirm);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = h.call("restore_backup", &form, Some(&admin)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains("not empty"), "{}", r.body);
    }
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": made, "source_id": source, "database": live}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(psql(&format!("{base}/{live}"), count), "100", "untouched");
    let form = over(&live);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = h.call("restore_backup", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let run = wait_finished(&state.db, r.json().as_i64().unwrap()).await;
    assert_eq!(run.status, ExecutionStatus::Success, "{:?}", run.error);
    assert_eq!(run.job_id, Some(job), "a signed manifest links to its job");
    assert_eq!(psql(&format!("{base}/{live}"), count), "3");
    psql(&format!("{base}/{live}"), "insert into t values (1000)");
    let r = rest(
        h,
        &restore_url,
        &key,
        json!({"object": made, "source_id": source, "database": live, "replace": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let run = wait_finished(&state.db, r.json()["execution_id"].as_i64().unwrap()).await;
    assert_eq!(run.status, ExecutionStatus::Success, "{:?}", run.error);
    assert_eq!(psql(&format!("{base}/{live}"), count), "3");

    for db in [&target, &src, &live, &"planted_console".to_string()] {
        psql(&pg_url, &format!("drop database if exists {db} with (force)"));
    }
    std::fs::remove_dir_all(work).ok();
}
