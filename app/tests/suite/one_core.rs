//! Issue 14: permissions are checked in one layer. Outside `core` a permission may only
//! be defined (what `can` means for a user or a key), used by the pure rules that core
//! calls, or read by a page to hide a button the server refuses anyway.

use std::path::{Path, PathBuf};

/// How a permission check is spelled.
const CHECKS: [&str; 4] = [
    ".can(Permission::",
    ".require(Permission::",
    "permissions::grants(",
    "Need::Permission",
];

/// Files outside `core` that may spell one, and why.
const ALLOWED: [&str; 4] = [
    // What a user's and a key's `can` mean.
    "server/auth.rs",
    "server/api_keys.rs",
    // The browser's copy of `can`, for hiding what the server would refuse.
    "api/auth.rs",
    // "Nobody grants more than they hold", called by core::users/groups/sso.
    "server/user_rules.rs",
];

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of the Rust files under `src` that `hit` matches, as `path:line: text`,
/// leaving out the files `skip` names (paths relative to `src`).
fn scan(src: &Path, skip: impl Fn(&str) -> bool, hit: impl Fn(&str) -> bool) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skip(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if hit(line) {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

/// The files under `src` that check a permission where they should not.
fn stray_checks(src: &Path) -> Vec<String> {
    scan(
        src,
        |rel| rel.starts_with("core/") || rel.starts_with("pages/") || ALLOWED.contains(&rel),
        |line| CHECKS.iter().any(|c| line.contains(c)),
    )
}

#[test]
fn permission_checks_live_only_in_core() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let stray = stray_checks(&src);
    assert!(
        stray.is_empty(),
        "permission checks outside core:\n{}",
        stray.join("\n")
    );
}

#[test]
fn a_stray_check_is_found() {
    let dir = std::env::temp_dir().join(format!("one-core-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("server/rest")).unwrap();
    std::fs::create_dir_all(dir.join("core")).unwrap();
    std::fs::write(dir.join("core/jobs.rs"), "actor.require(Permission::JobsRead)?;").unwrap();
    std::fs::write(
        dir.join("server/rest/jobs.rs"),
        "if key.can(Permission::JobsRead) {}",
    )
    .unwrap();
    assert_eq!(
        stray_checks(&dir),
        ["server/rest/jobs.rs:1: if key.can(Permission::JobsRead) {}"]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The files that may spell an audit entry by hand: the writer, and the two typed event
/// lists (the use cases', and signing in and one's own account).
const ENTRY_MAKERS: [&str; 3] = [
    "server/audit.rs",
    "core/audit_event.rs",
    "server/account_audit.rs",
];

/// The files under `src` that build an audit `Entry` (a stringly-typed action) themselves.
fn untyped_entries(src: &Path) -> Vec<String> {
    scan(
        src,
        |rel| ENTRY_MAKERS.contains(&rel),
        |line| {
            let raw_record = line
                .match_indices("audit::record(")
                .any(|(i, _)| !line[..i].ends_with("account_"));
            line.contains("Entry {") || raw_record
        },
    )
}

#[test]
fn audit_entries_are_typed_events() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = untyped_entries(&src);
    assert!(
        found.is_empty(),
        "audit entries spelled by hand:\n{}",
        found.join("\n")
    );
    let dir = std::env::temp_dir().join(format!("typed-audit-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("server")).unwrap();
    let typed = "account_audit::record(db, who, client, AccountEvent::PasswordAccepted).await?;";
    std::fs::write(dir.join("server/mfa.rs"), typed).unwrap();
    std::fs::write(
        dir.join("server/flows.rs"),
        "audit::record(db, who, client, e).await?;",
    )
    .unwrap();
    assert_eq!(
        untyped_entries(&dir),
        ["server/flows.rs:1: audit::record(db, who, client, e).await?;"]
    );
    std::fs::remove_dir_all(dir).unwrap();
}
