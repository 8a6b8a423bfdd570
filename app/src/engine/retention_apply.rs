//! Retention at one destination, right after a successful upload there: list the job's
//! backups, let `adapters::retention::decide` choose, delete each object with its
//! manifest. Failures are warnings; they never fail the backup.
//!
//! Backups are grouped by what they back up (source kind and database, the part of the
//! file name after the timestamp), so a job of three databases keeps N of each. Only
//! objects with a manifest beside them are considered: anything else in the folder is not
//! ours to delete.

use super::log::ExecLog;
use adapters::pipeline::Target;
use adapters::pipeline::manifest::{SUFFIX, key_for};
use adapters::pipeline::naming::split_key;
use adapters::retention::{Backup, Policy, decide};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::HashSet;

pub(crate) async fn apply(
    target: &Target,
    dir: &str,
    just_made: &str,
    policy: &Policy,
    tz: Tz,
    log: &ExecLog,
) {
    if let Err(e) = apply_inner(target, dir, just_made, policy, tz, log).await {
        log.warn(
            "retention",
            format!("{}: retention not applied: {}", target.name, e.one_line()),
        )
        .await;
    }
}

async fn apply_inner(
    target: &Target,
    dir: &str,
    just_made: &str,
    policy: &Policy,
    tz: Tz,
    log: &ExecLog,
) -> adapters::Result<()> {
    let prefix = format!("{}/", dir.trim_matches('/'));
    let listed = target.destination.list(&prefix).await?;
    let keys: HashSet<&str> = listed.iter().map(|o| o.path.as_str()).collect();
    let Some(group) = group_of(just_made) else {
        return Ok(());
    };
    let backups: Vec<Backup> = listed
        .iter()
        .filter(|o| !o.path.ends_with(SUFFIX) && keys.contains(key_for(&o.path).as_str()))
        .filter(|o| group_of(&o.path) == Some(group))
        .filter_map(|o| {
            Some(Backup {
                id: o.path.clone(),
                created_at: created_at(&o.path)?,
            })
        })
        .collect();
    let decisions = decide(&backups, policy, Utc::now(), tz, &[just_made]);
    for d in decisions.into_iter().filter(|d| !d.keep) {
        let reason = d.reasons.join(", ");
        match delete_with_manifest(target, &d.id).await {
            Ok(()) => {
                log.info(
                    "retention",
                    format!("{}: deleted {} ({reason})", target.name, d.id),
                )
                .await
            }
            Err(e) => {
                log.warn(
                    "retention",
                    format!("{}: cannot delete {}: {}", target.name, d.id, e.one_line()),
                )
                .await
            }
        }
    }
    Ok(())
}

/// The manifest goes last, so a half-done deletion still shows up (and is retried) next time.
async fn delete_with_manifest(target: &Target, key: &str) -> adapters::Result<()> {
    target.destination.delete(key).await?;
    target.destination.delete(&key_for(key)).await
}

/// `dir/20261122T030405Z_sqlite-app.sqlite.zst` → `sqlite-app.sqlite.zst`.
fn group_of(key: &str) -> Option<&str> {
    split_key(key).map(|(_, group)| group)
}

fn created_at(key: &str) -> Option<DateTime<Utc>> {
    split_key(key).map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_give_their_group_and_time() {
        let key = "nightly/20261122T030405Z_sqlite-app.sqlite.zst.age";
        assert_eq!(group_of(key), Some("sqlite-app.sqlite.zst.age"));
        assert_eq!(created_at(key).unwrap().to_rfc3339(), "2026-11-22T03:04:05+00:00");
        assert_eq!(created_at("nightly/notes.txt"), None);
    }
}
