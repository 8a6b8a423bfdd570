//! Retention at one destination, right after a successful upload there: list the job's
//! backups, let `adapters::retention::decide` choose, delete each object with its
//! manifest. Failures are warnings; they never fail the backup.
//!
//! Backups are grouped by what they back up (source kind and database, the part of the
//! file name after the timestamp), so a job of three databases keeps N of each. Only
//! objects whose manifest this installation signed and names this job's id count: the
//! folder comes from the job's name, which another job can share ("Nightly" and
//! "nightly!"), and anyone with write access to the destination can add files to it.
//! Anything else is never deleted.

use super::log::ExecLog;
use adapters::pipeline::manifest::{SUFFIX, key_for};
use adapters::pipeline::naming::split_key;
use adapters::pipeline::{ManifestKey, Provenance, Target, provenance, read_manifest};
use adapters::retention::{Backup, Policy, decide};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use futures::StreamExt;
use std::collections::HashSet;

/// Whose backups retention is applied to: the job, and the key its manifests are signed with.
pub(crate) struct Owner<'a> {
    pub job_id: i64,
    pub key: &'a ManifestKey,
}

/// Manifests read at once.
const PARALLEL_READS: usize = 8;

pub(crate) async fn apply(
    target: &Target,
    owner: &Owner<'_>,
    dir: &str,
    just_made: &str,
    policy: &Policy,
    tz: Tz,
    log: &ExecLog,
) {
    if let Some(why) = target.destination.capabilities().retention_blocker() {
        log.warn(
            "retention",
            format!(
                "{}: retention not applied: {why}; old backups stay until removed by hand",
                target.name
            ),
        )
        .await;
        return;
    }
    if let Err(e) = apply_inner(target, owner, dir, just_made, policy, tz, log).await {
        log.warn(
            "retention",
            format!("{}: retention not applied: {}", target.name, e.one_line()),
        )
        .await;
    }
}

async fn apply_inner(
    target: &Target,
    owner: &Owner<'_>,
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
    // Owned strings: a stream of futures borrowing from `listed` is not `Send` for every
    // lifetime, which the engine's spawned task needs.
    let candidates: Vec<String> = listed
        .iter()
        .map(|o| o.path.as_str())
        .filter(|p| !p.ends_with(SUFFIX) && keys.contains(key_for(p).as_str()))
        .filter(|p| group_of(p) == Some(group))
        .map(str::to_string)
        .collect();
    let attributed: Vec<(String, bool)> = futures::stream::iter(candidates)
        .map(|object| async move {
            let ours = is_owned(target, owner, &object).await;
            (object, ours)
        })
        .buffer_unordered(PARALLEL_READS)
        .collect()
        .await;
    let foreign = attributed.iter().filter(|(_, ours)| !ours).count();
    if foreign > 0 {
        log.info(
            "retention",
            format!(
                "{}: {foreign} backup(s) under {prefix} are not this job's signed backups \
                 (another job with a similar name, an older Bulwark, or files added to the \
                 destination); retention leaves them alone",
                target.name
            ),
        )
        .await;
    }
    let backups: Vec<Backup> = attributed
        .into_iter()
        .filter(|(_, ours)| *ours)
        .filter_map(|(object, _)| {
            Some(Backup {
                created_at: created_at(&object)?,
                id: object,
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

/// Whether `object`'s manifest was signed here and names the owner's job.
async fn is_owned(target: &Target, owner: &Owner<'_>, object: &str) -> bool {
    match read_manifest(&*target.destination, object).await {
        Ok(m) => {
            provenance::check(Some(owner.key), &m, object) == Provenance::MadeHere
                && m.job_id == Some(owner.job_id)
        }
        Err(_) => false,
    }
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
