//! Finding 9 of docs/SECURITY.md: adapters cannot be turned against the Bulwark host. A
//! dump tool runs with a cleared environment (never the master key); only a SuperAdmin
//! sets a tool path, and only under BULWARK_TOOL_DIRS; file sources and local
//! destinations never point into the data folder, nor outside BULWARK_FILE_ROOTS.

use crate::cli_support;
use crate::common;

use cli_support::{BIN, TEST_MASTER_KEY, work};
use common::harness_with;
use http::StatusCode;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Fake PostgreSQL client tools that record the environment they were given.
fn env_recording_tools(dir: &Path, record: &Path) {
    for tool in ["psql", "pg_dump", "pg_restore"] {
        let path = dir.join(tool);
        std::fs::write(&path, format!("#!/bin/sh\nenv >> {}\nexit 1\n", record.display())).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn dump_tools_never_see_bulwarks_environment() {
    let dir = work("tool-env");
    let tools = dir.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    let record = dir.join("env.txt");
    env_recording_tools(&tools, &record);
    let dest = dir.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let out = std::process::Command::new(BIN)
        .args([
            "backup",
            "--source",
            &format!("postgres://backup@127.0.0.1:1/app?tool_dir={}", tools.display()),
            "--to",
            &format!("file://{}", dest.display()),
            "-q",
        ])
        .env("BULWARK_LOG", "warn")
        .env("BULWARK_ENCRYPTION_KEY", TEST_MASTER_KEY)
        .env("BULWARK_CANARY", "the-host-environment")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the fake tools fail the backup");
    let seen = std::fs::read_to_string(&record).expect("a tool ran and recorded its environment");
    assert!(seen.contains("PATH="), "{seen}");
    for leaked in [TEST_MASTER_KEY, "BULWARK_", "the-host-environment"] {
        assert!(!seen.contains(leaked), "the tool saw {leaked}: {seen}");
    }
    std::fs::remove_dir_all(dir).ok();
}

async fn save(
    h: &common::Harness,
    who: &str,
    kind: &str,
    adapter: &str,
    config: Vec<(&str, String)>,
) -> common::Reply {
    let mut form = vec![
        ("kind".to_string(), kind.to_string()),
        ("adapter_id".to_string(), adapter.to_string()),
        ("name".to_string(), format!("{adapter} {}", uuid::Uuid::new_v4())),
    ];
    form.extend(config.into_iter().map(|(k, v)| (format!("config[{k}]"), v)));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    h.call("create_adapter", &form, Some(who)).await
}

#[tokio::test]
async fn adapters_stay_within_the_hosts_limits() {
    let dir = work("host-limits");
    let tools = dir.join("tools");
    let root = dir.join("files");
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    let (tools_s, root_s) = (tools.display().to_string(), root.display().to_string());
    let h = harness_with(&[("BULWARK_TOOL_DIRS", &tools_s), ("BULWARK_FILE_ROOTS", &root_s)]).await;
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(
            &admin,
            "editor@example.com",
            &["sources:read", "sources:write", "destinations:write"],
        )
        .await;
    // File sources: not the data folder (directly, or through a link or `..`), not
    // outside the allowed roots; inside them, fine.
    let db = h.data_dir.join("bulwark.db").display().to_string();
    std::os::unix::fs::symlink(&h.data_dir, root.join("innocent")).unwrap();
    let via_link = root.join("innocent/bulwark.db").display().to_string();
    let data_name = h.data_dir.file_name().unwrap().to_string_lossy().to_string();
    let via_dots = format!("{root_s}/../../{data_name}/bulwark.db");
    for path in [&db, &via_link, &via_dots] {
        let r = save(&h, &admin, "source", "sqlite", vec![("path", path.clone())]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert!(
            r.body.contains("inside Bulwark's data folder"),
            "{path}: {}",
            r.body
        );
    }
    let r = save(
        &h,
        &editor,
        "source",
        "sqlite",
        vec![("path", "/etc/passwd".into())],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("outside the folders Bulwark may use"),
        "{}",
        r.body
    );
    let r = save(
        &h,
        &editor,
        "destination",
        "local",
        vec![("path", h.data_dir.join("b").display().to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = save(
        &h,
        &editor,
        "source",
        "sqlite",
        vec![("path", root.join("app.db").display().to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Tool paths: a SuperAdmin's call, and only under the tool directories.
    let pg = |tool_dir: String| {
        vec![
            ("host", "127.0.0.1".to_string()),
            ("username", "backup".to_string()),
            ("tool_dir", tool_dir),
        ]
    };
    let r = save(&h, &editor, "source", "postgres", pg(tools_s.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        r.body
            .contains("only a SuperAdmin may set Client tools directory"),
        "{}",
        r.body
    );
    let r = save(&h, &admin, "source", "postgres", pg("/usr/bin".into())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("is not under a tool directory"), "{}", r.body);
    let mysql = vec![
        ("host", "127.0.0.1".to_string()),
        ("username", "backup".to_string()),
        ("dump_tool", "/bin/sh".to_string()),
    ];
    let r = save(&h, &admin, "source", "mysql", mysql).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = save(&h, &admin, "source", "postgres", pg(tools_s.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json().as_i64().unwrap().to_string();
    // The editor may still edit the rest of that source, not its tools.
    let edit = |tool_dir: &str| {
        vec![
            ("kind", "source".to_string()),
            ("id", id.clone()),
            ("name", "renamed".to_string()),
            ("config[host]", "127.0.0.1".to_string()),
            ("config[username]", "backup2".to_string()),
            ("config[tool_dir]", tool_dir.to_string()),
        ]
    };
    let form = edit(&tools_s);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = h.call("update_adapter", &form, Some(&editor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let form = edit(&format!("{tools_s}/sub"));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = h.call("update_adapter", &form, Some(&editor)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    std::fs::remove_dir_all(&h.data_dir).ok();
    std::fs::remove_dir_all(dir).ok();
}

/// Finding 10: an S3 destination without keys acts as the Bulwark host itself (its AWS
/// environment, profile or IAM role), so it needs a switch only a SuperAdmin may turn on.
#[tokio::test]
async fn the_servers_cloud_identity_is_a_superadmins_to_lend() {
    let h = common::harness(None).await;
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(
            &admin,
            "editor@example.com",
            &["destinations:read", "destinations:write"],
        )
        .await;
    let keyless = || {
        vec![
            ("bucket", "backups".to_string()),
            ("region", "eu-west-1".to_string()),
        ]
    };
    let r = save(&h, &editor, "destination", "s3", keyless()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("enter an access key ID and secret access key"),
        "{}",
        r.body
    );
    let mut lent = keyless();
    lent.push(("use_server_credentials", "on".to_string()));
    let r = save(&h, &editor, "destination", "s3", lent.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("only a SuperAdmin may switch on"), "{}", r.body);
    // With keys of its own, the editor needs no one.
    let mut keyed = keyless();
    keyed.push(("access_key_id", "AKIDEXAMPLE".to_string()));
    keyed.push(("secret_access_key", "their-own-secret".to_string()));
    let r = save(&h, &editor, "destination", "s3", keyed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = save(&h, &admin, "destination", "s3", lent).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json().as_i64().unwrap().to_string();
    // The editor may edit the SuperAdmin's destination while the switch stays as it is.
    let form = [
        ("kind", "destination"),
        ("id", id.as_str()),
        ("name", "offsite"),
        ("config[bucket]", "backups"),
        ("config[region]", "eu-west-1"),
        ("config[prefix]", "nightly"),
        ("config[use_server_credentials]", "on"),
    ];
    let r = h.call("update_adapter", &form, Some(&editor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    std::fs::remove_dir_all(&h.data_dir).ok();
}
