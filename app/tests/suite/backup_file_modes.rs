//! Finding 12 of docs/SECURITY.md: a backup written to local disk is readable by its
//! owner only: the object and its manifest 0600, the folders Bulwark creates 0700, even
//! under a permissive umask.

use crate::cli_support;

use cli_support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn local_backups_are_private_to_their_owner() {
    let dir = work("modes");
    let db = dir.join("app.db");
    sh(&format!(
        "sqlite3 {} 'create table t (a); insert into t values (1);'",
        db.display()
    ));
    let dest = dir.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    // Umask 022, the usual default, leaves plainly created files 0644.
    let out = sh(&format!(
        "umask 022; BULWARK_LOG=warn BULWARK_ENCRYPTION_KEY={TEST_MASTER_KEY} {BIN} backup --source sqlite://{} --to file://{} -q",
        db.display(),
        dest.display()
    ));
    let m = manifest(&out);
    let object = dest.join(m["object"].as_str().unwrap());
    assert_eq!(mode(&object), 0o600, "{}", object.display());
    assert_eq!(
        mode(Path::new(&format!("{}.manifest.json", object.display()))),
        0o600
    );
    let folder = object.parent().unwrap();
    assert_ne!(folder, dest.as_path(), "the backup is in a folder Bulwark made");
    assert_eq!(mode(folder), 0o700, "{}", folder.display());
    std::fs::remove_dir_all(dir).ok();
}
