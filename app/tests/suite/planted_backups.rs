//! Destination storage is not trusted (docs/SECURITY.md, findings 1 and 3): an object
//! and manifest planted in a backup folder, or a signed manifest altered there, are
//! refused by `bulwark restore` and `bulwark verify` as "not made by this Bulwark";
//! trusted explicitly, their shell escapes still run nothing; and a restore never
//! replaces a database or file that holds data unless `--replace` says so.

use crate::cli_support;
use crate::planted_fixture;

use cli_support::*;
use planted_fixture::plant;
use std::path::Path;

fn url_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn restore(from: &Path, to: &str, extra: &[&str]) -> std::process::Output {
    let from = url_of(from);
    let mut args = vec!["restore", "--from", &from, "--to", to, "-q"];
    args.extend_from_slice(extra);
    bulwark(&args)
}

fn database_exists(url: &str, db: &str) -> bool {
    sh(&format!(
        "psql -At '{url}' -c \"select count(*) from pg_database where datname = '{db}'\""
    ))
    .trim()
        == "1"
}

#[test]
fn planted_postgres_dumps_are_refused_and_their_shell_escapes_never_run() {
    let Some(url) = require("TEST_PG_URL") else { return };
    let (base, _) = pg_base(&url);
    let dir = work("planted-pg");
    let dest = dir.join("backups");
    let marker = dir.join("pwned");
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let target = format!("planted_{tag}");
    let body = format!(
        "create table planted (a int);\n\\! touch {m}\n\\o |touch {m}\nselect 1;\n\\copy planted from program 'touch {m}'\n",
        m = marker.display()
    );

    // Unsigned: refused before anything is created.
    let object = plant(&dest, "postgres", "sql", &body, None);
    let to = format!("{base}/{target}");
    fails_with(&restore(&object, &to, &[]), "not made by this Bulwark");
    assert!(
        !database_exists(&url, &target),
        "a refused restore creates nothing"
    );
    fails_with(
        &bulwark(&["verify", "--from", &url_of(&object), "-q"]),
        "not made by this Bulwark",
    );
    // A signature that is not this installation's.
    let forged = plant(&dest, "postgres", "sql", &body, Some(&"ab".repeat(32)));
    fails_with(
        &restore(&forged, &to, &[]),
        "signature does not match this installation's key",
    );

    // Trusted explicitly: psql runs restricted, so the first backslash command stops it.
    let out = restore(&object, &to, &["--trust-unsigned"]);
    fails_with(&out, "backslash commands are restricted");
    assert!(!marker.exists(), "a planted \\! ran on the host");

    // A real plain-format backup of this installation still restores (pg_dump's own
    // \restrict lines are handled), and a signed manifest altered to describe a planted
    // dump no longer authenticates.
    let src = format!("plain_src_{tag}");
    let copy = format!("plain_copy_{tag}");
    sh(&format!("psql -q '{url}' -c 'create database {src}'"));
    sh(&format!(
        "psql -q '{base}/{src}' -c \"create table t (id int, s text); insert into t select i, 'v' || i from generate_series(1, 300) i; create function f() returns int language sql as 'select 1';\""
    ));
    let m = manifest(&ok(&bulwark(&[
        "backup",
        "--source",
        &format!("{base}/{src}?format=plain"),
        "--to",
        &url_of(&dest),
        "--compression",
        "none",
        "-q",
    ])));
    let made = dest.join(m["object"].as_str().unwrap());
    assert!(std::fs::read_to_string(&made).unwrap().contains("\\restrict "));
    ok(&restore(&made, &format!("{base}/{copy}"), &[]));
    assert_eq!(
        sh(&format!(
            "psql -At '{base}/{copy}' -c 'select count(*), sum(id) from t'"
        ))
        .trim(),
        "300|45150"
    );
    let manifest_path = format!("{}.manifest.json", made.display());
    let mut altered: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    std::fs::write(&made, &body).unwrap();
    altered["sha256"] = planted_fixture::sha256_hex(body.as_bytes()).into();
    altered["stored_bytes"] = body.len().into();
    altered["raw_bytes"] = body.len().into();
    std::fs::write(&manifest_path, altered.to_string()).unwrap();
    fails_with(
        &restore(&made, &format!("{base}/{target}_2"), &[]),
        "signature does not match",
    );
    assert!(!marker.exists());

    for db in [&target, &src, &copy] {
        sh(&format!(
            "psql -q '{url}' -c 'drop database if exists {db} with (force)'"
        ));
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn planted_mariadb_dumps_are_refused_and_their_client_commands_never_run() {
    let Some(url) = require("TEST_MARIADB_URL") else {
        return;
    };
    let base = url.rsplit_once('/').unwrap().0.to_string();
    let dir = work("planted-my");
    let dest = dir.join("backups");
    let marker = dir.join("pwned");
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let body = format!(
        "CREATE TABLE planted (a int);\nsystem touch {m}\n\\! touch {m}\nINSERT INTO planted VALUES (1);\n",
        m = marker.display()
    );
    let object = plant(&dest, "mysql", "sql", &body, None);
    let to = format!("{base}/planted_{tag}");
    fails_with(&restore(&object, &to, &[]), "not made by this Bulwark");
    let out = restore(&object, &to, &["--trust-unsigned"]);
    assert!(
        !out.status.success(),
        "the client stops at the first client command"
    );
    assert!(!marker.exists(), "a planted system command ran on the host");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn restores_never_replace_data_without_replace() {
    let dir = work("replace");
    let dest = dir.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let backup = |source: &str| {
        let m = manifest(&ok(&bulwark(&[
            "backup",
            "--source",
            source,
            "--to",
            &url_of(&dest),
            "-q",
        ])));
        dest.join(m["object"].as_str().unwrap())
    };

    // SQLite: the existing file is left byte for byte; --replace swaps the new one in.
    let db = dir.join("app.db");
    sh(&format!(
        "sqlite3 {} 'create table t (a); insert into t values (1), (2), (3);'",
        db.display()
    ));
    let object = backup(&format!("sqlite://{}", db.display()));
    let live = dir.join("live.db");
    sh(&format!(
        "sqlite3 {} 'create table mine (b); insert into mine values (42);'",
        live.display()
    ));
    let before = std::fs::read(&live).unwrap();
    let to = format!("sqlite://{}", live.display());
    fails_with(&restore(&object, &to, &[]), "not empty");
    assert_eq!(
        std::fs::read(&live).unwrap(),
        before,
        "the live file is untouched"
    );
    ok(&restore(&object, &to, &["--replace"]));
    assert_eq!(
        sh(&format!("sqlite3 {} 'select sum(a) from t'", live.display())).trim(),
        "6"
    );
    let fresh = dir.join("fresh.db");
    ok(&restore(&object, &format!("sqlite://{}", fresh.display()), &[]));

    if let Some(url) = require("TEST_PG_URL") {
        let (base, _) = pg_base(&url);
        let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
        let (src, live) = (format!("rep_src_{tag}"), format!("rep_live_{tag}"));
        sh(&format!(
            "psql -q '{url}' -c 'create database {src}' -c 'create database {live}'"
        ));
        sh(&format!(
            "psql -q '{base}/{src}' -c 'create table t (a int); insert into t values (1), (2)'"
        ));
        sh(&format!(
            "psql -q '{base}/{live}' -c 'create table t (a int); insert into t values (100)'"
        ));
        let object = backup(&format!("{base}/{src}"));
        let to = format!("{base}/{live}");
        fails_with(&restore(&object, &to, &[]), "not empty");
        let q = format!("psql -At '{base}/{live}' -c 'select sum(a) from t'");
        assert_eq!(sh(&q).trim(), "100", "the live database is untouched");
        ok(&restore(&object, &to, &["--replace"]));
        assert_eq!(sh(&q).trim(), "3");
        for db in [&src, &live] {
            sh(&format!(
                "psql -q '{url}' -c 'drop database if exists {db} with (force)'"
            ));
        }
    }

    if let Some(url) = require("TEST_MARIADB_URL") {
        let base = url.rsplit_once('/').unwrap().0.to_string();
        let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
        let (src, live) = (format!("rep_src_{tag}"), format!("rep_live_{tag}"));
        let (_, rest) = base.split_once("://").unwrap();
        let (user, hostport) = rest.split_once('@').unwrap();
        let (host, port) = hostport.split_once(':').unwrap();
        let my = |sql: &str| {
            sh(&format!(
                "mariadb --no-defaults --protocol=TCP -h{host} -P{port} -u{user} -N -e \"{sql}\""
            ))
        };
        my(&format!(
            "CREATE DATABASE {src}; CREATE TABLE {src}.t (a int); INSERT INTO {src}.t VALUES (1), (2);"
        ));
        my(&format!(
            "CREATE DATABASE {live}; CREATE TABLE {live}.t (a int); INSERT INTO {live}.t VALUES (100);"
        ));
        let object = backup(&format!("{base}/{src}"));
        let to = format!("{base}/{live}");
        fails_with(&restore(&object, &to, &[]), "not empty");
        assert_eq!(my(&format!("SELECT SUM(a) FROM {live}.t")).trim(), "100");
        ok(&restore(&object, &to, &["--replace"]));
        assert_eq!(my(&format!("SELECT SUM(a) FROM {live}.t")).trim(), "3");
        my(&format!("DROP DATABASE {src}; DROP DATABASE {live};"));
    }
    std::fs::remove_dir_all(dir).ok();
}
