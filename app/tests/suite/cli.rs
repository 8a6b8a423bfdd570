//! `bulwark backup | restore | verify | decrypt | keygen` as a script would run them,
//! against real PostgreSQL, MariaDB, SQLite and S3 (s3s-fs), with the stock tools
//! (`age`, `zstd`, `pg_restore`, `mariadb`, `sqlite3`) proving the format is standard.

use crate::cli_support;

use cli_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const PG_FIXTURE: &str = "create table t (id serial primary key, name text, note text, data bytea, at timestamptz);
insert into t (name, note, data, at) select 'row ' || i || ' ünï ✓', case when i % 3 = 0 then null else 'n' || i end,
  decode(md5(i::text), 'hex'), '2026-01-01'::timestamptz + i * interval '1 minute' from generate_series(1, 5000) i;
create view v as select count(*) from t;";

#[test]
fn postgres_backup_is_readable_by_stock_tools_and_by_bulwark_restore() {
    let Some(url) = require("TEST_PG_URL") else { return };
    let (base, _) = pg_base(&url);
    let dir = work("pg");
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let (src, stock, restored) = (
        format!("cli_src_{tag}"),
        format!("cli_stock_{tag}"),
        format!("cli_rest_{tag}"),
    );
    sh(&format!(
        "psql -q '{url}' -c 'create database {src}' -c 'create database {stock}'"
    ));
    sh(&format!("psql -q '{base}/{src}' -c \"{PG_FIXTURE}\""));
    let (key, public) = keygen(&dir);
    let dest = dir.join("backups");
    std::fs::create_dir_all(&dest).unwrap();

    let out = bulwark(&[
        "backup",
        "--source",
        &format!("{base}/{src}"),
        "--to",
        &format!("file://{}", dest.display()),
        "--compression",
        "zstd",
        "--recipient",
        &public,
        "--quiet",
    ]);
    let m = manifest(&ok(&out));
    let object = dest.join(m["object"].as_str().unwrap());
    assert!(
        object.exists() && object.to_str().unwrap().ends_with(".dump.zst.age"),
        "{object:?}"
    );
    assert_eq!(m["source"]["kind"], "postgres");
    assert_eq!(m["databases"][0], src.as_str());
    assert!(m["raw_bytes"].as_u64().unwrap() > 100_000);

    // Stock tools alone.
    sh(&format!(
        "age -d -i {} {} | zstd -d | pg_restore --no-owner --exit-on-error -d '{base}/{stock}'",
        key.display(),
        object.display()
    ));
    // And bulwark restore, into a database that does not exist yet.
    ok(&bulwark(&[
        "restore",
        "--from",
        &format!("file://{}", object.display()),
        "--to",
        &format!("{base}/{restored}"),
        "--identity",
        key.to_str().unwrap(),
        "--quiet",
    ]));
    let q = "select id, name, note, encode(data, 'hex'), at from t order by id";
    let original = sh(&format!("psql -At '{base}/{src}' -c \"{q}\""));
    assert_eq!(original.lines().count(), 5000);
    assert_eq!(original, sh(&format!("psql -At '{base}/{stock}' -c \"{q}\"")));
    assert_eq!(original, sh(&format!("psql -At '{base}/{restored}' -c \"{q}\"")));
    assert_eq!(
        sh(&format!("psql -At '{base}/{restored}' -c 'select * from v'")).trim(),
        "5000"
    );

    // verify, and decrypt offline to a file pg_restore can list.
    let out = ok(&bulwark(&[
        "verify",
        "--from",
        &format!("file://{}", object.display()),
        "--identity",
        key.to_str().unwrap(),
        "-q",
    ]));
    assert!(out.contains(m["sha256"].as_str().unwrap()));
    let plain = dir.join("plain.dump");
    ok(&bulwark(&[
        "decrypt",
        "--identity",
        key.to_str().unwrap(),
        object.to_str().unwrap(),
        "-o",
        plain.to_str().unwrap(),
    ]));
    assert!(sh(&format!("pg_restore --list {}", plain.display())).contains("TABLE DATA public t"));

    // Wrong key, corrupted object: specific one-line errors, non-zero exits.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (wrong_key, _) = keygen(&other);
    fails_with(
        &bulwark(&[
            "verify",
            "--from",
            &format!("file://{}", object.display()),
            "--identity",
            wrong_key.to_str().unwrap(),
        ]),
        "wrong identity",
    );
    let mut bytes = std::fs::read(&object).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&object, bytes).unwrap();
    fails_with(
        &bulwark(&[
            "restore",
            "--from",
            &format!("file://{}", object.display()),
            "--to",
            &format!("{base}/{restored}_2"),
            "--identity",
            key.to_str().unwrap(),
        ]),
        "checksum mismatch",
    );
    let exists = sh(&format!(
        "psql -At '{url}' -c \"select count(*) from pg_database where datname = '{restored}_2'\""
    ));
    assert_eq!(exists.trim(), "0", "a refused restore creates nothing");

    for db in [&src, &stock, &restored] {
        sh(&format!(
            "psql -q '{url}' -c 'drop database if exists {db} with (force)'"
        ));
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn mariadb_and_sqlite_backups_are_readable_by_stock_tools() {
    let dir = work("my");
    let (key, public) = keygen(&dir);
    let dest = dir.join("backups");
    std::fs::create_dir_all(&dest).unwrap();

    // SQLite: the stored object decrypts and decompresses to a database sqlite3 opens.
    let db = dir.join("app.db");
    sh(&format!(
        "sqlite3 {} \"create table t (id integer primary key, name text, data blob); \
         with recursive c(i) as (select 1 union all select i + 1 from c where i < 3000) \
         insert into t (name, data) select 'r' || i || ' ✓', randomblob(64) from c;\"",
        db.display()
    ));
    let m = manifest(&ok(&bulwark(&[
        "backup",
        "--source",
        &format!("sqlite://{}", db.display()),
        "--to",
        &format!("file://{}", dest.display()),
        "--recipient",
        &public,
        "-q",
    ])));
    let object = dest.join(m["object"].as_str().unwrap());
    let copy = dir.join("copy.db");
    sh(&format!(
        "age -d -i {} {} | zstd -d > {}",
        key.display(),
        object.display(),
        copy.display()
    ));
    let q = "select id, name, hex(data) from t order by id";
    assert_eq!(
        sh(&format!("sqlite3 {} '{q}'", db.display())),
        sh(&format!("sqlite3 {} '{q}'", copy.display()))
    );
    let restored = dir.join("restored.db");
    ok(&bulwark(&[
        "restore",
        "--from",
        &format!("file://{}", object.display()),
        "--to",
        &format!("sqlite://{}", restored.display()),
        "--identity",
        key.to_str().unwrap(),
        "-q",
    ]));
    assert_eq!(
        sh(&format!("sqlite3 {} '{q}'", db.display())),
        sh(&format!("sqlite3 {} '{q}'", restored.display()))
    );

    // MariaDB.
    let Some(url) = require("TEST_MARIADB_URL") else {
        return;
    };
    let base = url.rsplit_once('/').unwrap().0.to_string();
    let port = base.rsplit(':').next().unwrap();
    let my = format!("mariadb --no-defaults --protocol=TCP -uroot -h127.0.0.1 -P{port}");
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let (src, stock, rest) = (
        format!("cli_src_{tag}"),
        format!("cli_stock_{tag}"),
        format!("cli_rest_{tag}"),
    );
    sh(&format!(
        "{my} -e \"create database {src}; create database {stock}; create table {src}.t (id int primary key, name varchar(64), data blob) \
         character set utf8mb4; use {src}; insert into t select seq, concat('row ', seq, ' ✓'), unhex(md5(seq)) from seq_1_to_4000;\""
    ));
    let m = manifest(&ok(&bulwark(&[
        "backup",
        "--source",
        &format!("{base}/{src}"),
        "--to",
        &format!("file://{}", dest.display()),
        "--recipient",
        &public,
        "-q",
    ])));
    let object = dest.join(m["object"].as_str().unwrap());
    assert!(object.to_str().unwrap().ends_with(".sql.zst.age"));
    sh(&format!(
        "age -d -i {} {} | zstd -d | {my} {stock}",
        key.display(),
        object.display()
    ));
    ok(&bulwark(&[
        "restore",
        "--from",
        &format!("file://{}", object.display()),
        "--to",
        &format!("{base}/{rest}"),
        "--identity",
        key.to_str().unwrap(),
        "-q",
    ]));
    let q = |db: &str| {
        sh(&format!(
            "{my} -N -e 'select id, name, hex(data) from {db}.t order by id'"
        ))
    };
    assert_eq!(q(&src).lines().count(), 4000);
    assert_eq!(q(&src), q(&stock));
    assert_eq!(q(&src), q(&rest));
    sh(&format!(
        "{my} -e 'drop database {src}; drop database {stock}; drop database {rest}'"
    ));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn s3_round_trip_and_errors_are_specific() {
    let dir = work("s3");
    // Errors that need no service.
    fails_with(
        &bulwark(&[
            "backup",
            "--source",
            "postgres://postgres@127.0.0.1:1/x",
            "--to",
            &format!("file://{}", dir.display()),
        ]),
        "host unreachable",
    );
    fails_with(
        &bulwark(&["backup", "--source", "redis://x", "--to", "file:///tmp"]),
        "unsupported source",
    );
    fails_with(
        &bulwark(&[
            "backup",
            "--source",
            "sqlite:///nonexistent/x.db",
            "--to",
            &format!("file://{}", dir.display()),
        ]),
        "not found",
    );
    fails_with(
        &bulwark(&[
            "backup",
            "--source",
            "sqlite:///tmp/x.db",
            "--to",
            "file://relative",
        ]),
        "absolute",
    );
    fails_with(
        &bulwark(&[
            "backup",
            "--source",
            "sqlite:///tmp/x.db",
            "--to",
            "file:///tmp",
            "--recipient",
            "age1bogus",
        ]),
        "age recipient",
    );
    let no_tools = Command::new(BIN)
        .args([
            "backup",
            "--source",
            "postgres://postgres@127.0.0.1:5432/x",
            "--to",
            "file:///tmp",
        ])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    fails_with(&no_tools, "not installed");

    let Some(url) = require("TEST_PG_URL") else { return };
    let (base, _) = pg_base(&url);
    fails_with(
        &bulwark(&[
            "backup",
            "--source",
            &format!(
                "postgres://nobody:wrong@{}/postgres",
                base.split_once('@').unwrap().1
            ),
            "--to",
            &format!("file://{}", dir.display()),
        ]),
        "authentication failed",
    );
    let Some(endpoint) = require("TEST_S3S_ENDPOINT") else {
        return;
    };
    let bucket = format!("cli-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let aws = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testkey")
            .env("AWS_SECRET_ACCESS_KEY", "testsecret")
            .env("BULWARK_LOG", "warn")
            .env("BULWARK_ENCRYPTION_KEY", TEST_MASTER_KEY)
            .output()
            .unwrap()
    };
    let s3 = format!("s3://{bucket}/nightly?endpoint={endpoint}&region=us-east-1&path_style=true");
    fails_with(
        &aws(&[
            "backup",
            "--source",
            &format!("{base}/postgres"),
            "--to",
            &s3,
            "-q",
        ]),
        "bucket missing",
    );
    // The bucket is created with the test services' own client, not by Bulwark.
    std::fs::create_dir_all(
        std::env::var("TEST_S3S_ROOT")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(&bucket),
    )
    .ok();
    let m = manifest(&ok(&aws(&[
        "backup",
        "--source",
        &format!("{base}/postgres"),
        "--to",
        &s3,
        "--compression",
        "gzip",
        "-q",
    ])));
    let object_url = format!(
        "s3://{bucket}/nightly/{}?endpoint={endpoint}&region=us-east-1&path_style=true",
        m["object"].as_str().unwrap()
    );
    ok(&aws(&["verify", "--from", &object_url, "-q"]));
    std::fs::remove_dir_all(dir).ok();
}

/// Files under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Starts a backup of `db` into `dest` and waits until its temporary file has grown,
/// i.e. the run is really mid-stream.
// The caller waits for the returned child.
#[allow(clippy::zombie_processes)]
fn start_backup_mid_stream(db: &str, dest: &Path) -> std::process::Child {
    let mut child = Command::new(BIN)
        .args([
            "backup",
            "--source",
            db,
            "--to",
            &format!("file://{}", dest.display()),
            "--compression",
            "none",
            "-q",
        ])
        .env("BULWARK_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let grown = files(dest).iter().any(|f| {
            f.contains(".partial-")
                && std::fs::metadata(dest.join(f))
                    .map(|m| m.len() > 2 << 20)
                    .unwrap_or(false)
        });
        if grown {
            return child;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("the backup never got going: {:?}", files(dest));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn killed_or_interrupted_runs_commit_nothing() {
    let Some(url) = require("TEST_PG_URL") else { return };
    let (base, _) = pg_base(&url);
    let dir = work("kill");
    let db = format!("cli_big_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    sh(&format!("psql -q '{url}' -c 'create database {db}'"));
    // ~150 MB of incompressible-ish rows, so the dump takes a few seconds.
    sh(&format!(
        "psql -q '{base}/{db}' -c \"create table t as select i, md5(i::text) || md5((i*3)::text) || md5((i*7)::text) as a \
         from generate_series(1, 1500000) i\""
    ));

    // SIGTERM: the run cancels, aborts its upload and says so; nothing is left at all.
    let dest = dir.join("term");
    std::fs::create_dir_all(&dest).unwrap();
    let child = start_backup_mid_stream(&format!("{base}/{db}"), &dest);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: cancelled"));
    assert!(
        out.stdout.is_empty(),
        "no manifest is printed for a cancelled run"
    );
    assert_eq!(files(&dest), Vec::<String>::new());

    // SIGKILL: no chance to clean up, yet nothing looks like a finished backup: no
    // object under its final name and no manifest, only the marked temporary file.
    let dest = dir.join("kill");
    std::fs::create_dir_all(&dest).unwrap();
    let mut child = start_backup_mid_stream(&format!("{base}/{db}"), &dest);
    child.kill().unwrap();
    child.wait().unwrap();
    let left = files(&dest);
    assert!(!left.is_empty());
    for f in &left {
        let name = f.rsplit('/').next().unwrap();
        assert!(
            name.starts_with('.') && name.contains(".partial-"),
            "unexpected file {f}"
        );
        assert!(!f.ends_with(".manifest.json"));
    }
    // pg_dump does not outlive its parent's death by much (it gets EPIPE).
    std::thread::sleep(std::time::Duration::from_millis(500));
    sh(&format!("psql -q '{url}' -c 'drop database {db} with (force)'"));
    std::fs::remove_dir_all(dir).ok();
}
