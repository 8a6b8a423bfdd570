//! A job's notification subscriptions: checked (each a notification channel, listed once),
//! stored as `job_notifications` rows, read back, and described for the audit log.

use crate::api::error::ApiError;
use crate::api::job_types::{JobChannel, NotifyFilter};
use crate::server::error::Result;
use chrono::Utc;
use entity::enums::{AdapterKind, NotifyOn};
use entity::{adapter_config, job_notification};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

pub fn entity_filter(f: NotifyFilter) -> NotifyOn {
    match f {
        NotifyFilter::Always => NotifyOn::Always,
        NotifyFilter::Failure => NotifyOn::Failure,
        NotifyFilter::Success => NotifyOn::Success,
    }
}

/// `None` for `Never`, which the console never stores: a subscription that hears nothing.
pub fn api_filter(f: NotifyOn) -> Option<NotifyFilter> {
    match f {
        NotifyOn::Always => Some(NotifyFilter::Always),
        NotifyOn::Failure => Some(NotifyFilter::Failure),
        NotifyOn::Success => Some(NotifyFilter::Success),
        NotifyOn::Never => None,
    }
}

/// The checks that need no database: each channel at most once.
pub fn check_unique(list: &[JobChannel]) -> std::result::Result<(), ApiError> {
    for (i, c) in list.iter().enumerate() {
        if list[..i].iter().any(|o| o.channel_id == c.channel_id) {
            return Err(ApiError::invalid(format!(
                "The notification channel #{} is listed twice.",
                c.channel_id
            )));
        }
    }
    Ok(())
}

pub async fn check(db: &impl ConnectionTrait, list: &[JobChannel]) -> Result<()> {
    check_unique(list)?;
    if list.is_empty() {
        return Ok(());
    }
    let found: Vec<i64> = adapter_config::Entity::find()
        .filter(adapter_config::Column::Kind.eq(AdapterKind::Notification))
        .filter(adapter_config::Column::Id.is_in(list.iter().map(|c| c.channel_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if let Some(missing) = list.iter().find(|c| !found.contains(&c.channel_id)) {
        return Err(ApiError::invalid(format!(
            "There is no notification channel #{}.",
            missing.channel_id
        ))
        .into());
    }
    Ok(())
}

/// Replaces the job's subscriptions by `list` (already checked).
pub async fn replace(db: &impl ConnectionTrait, job_id: i64, list: &[JobChannel]) -> Result<()> {
    job_notification::Entity::delete_many()
        .filter(job_notification::Column::JobId.eq(job_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    for c in list {
        job_notification::ActiveModel {
            job_id: Set(job_id),
            channel_id: Set(c.channel_id),
            filter: Set(entity_filter(c.filter)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub fn from_rows(rows: impl IntoIterator<Item = job_notification::Model>) -> Vec<JobChannel> {
    rows.into_iter()
        .filter_map(|r| {
            api_filter(r.filter).map(|filter| JobChannel {
                channel_id: r.channel_id,
                filter,
            })
        })
        .collect()
}

/// The job's subscriptions in the order they were saved.
pub async fn of_job(db: &impl ConnectionTrait, job_id: i64) -> Result<Vec<JobChannel>> {
    let rows = job_notification::Entity::find()
        .filter(job_notification::Column::JobId.eq(job_id))
        .order_by_asc(job_notification::Column::Id)
        .all(db)
        .await?;
    Ok(from_rows(rows))
}

fn filter_words(f: NotifyFilter) -> String {
    f.label().to_lowercase()
}

/// What changed between two subscription lists, for people: `added Ops (failures only)`,
/// `removed Mail`, `Ops failures only → every run`. Empty when nothing did.
pub fn changes(before: &[JobChannel], after: &[JobChannel], name: impl Fn(i64) -> String) -> Vec<String> {
    let mut out = Vec::new();
    for a in after {
        match before.iter().find(|b| b.channel_id == a.channel_id) {
            None => out.push(format!(
                "added {} ({})",
                name(a.channel_id),
                filter_words(a.filter)
            )),
            Some(b) if b.filter != a.filter => out.push(format!(
                "{} {} → {}",
                name(a.channel_id),
                filter_words(b.filter),
                filter_words(a.filter)
            )),
            Some(_) => {}
        }
    }
    for b in before {
        if !after.iter().any(|a| a.channel_id == b.channel_id) {
            out.push(format!("removed {}", name(b.channel_id)));
        }
    }
    out
}

/// `changes` with the channels' names read from the database.
pub async fn describe_changes(
    db: &impl ConnectionTrait,
    before: &[JobChannel],
    after: &[JobChannel],
) -> Result<Vec<String>> {
    let ids: Vec<i64> = before.iter().chain(after).map(|c| c.channel_id).collect();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        adapter_config::Entity::find()
            .filter(adapter_config::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect()
    };
    Ok(changes(before, after, |id| {
        names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(channel_id: i64, filter: NotifyFilter) -> JobChannel {
        JobChannel { channel_id, filter }
    }

    #[test]
    fn a_channel_listed_twice_is_refused() {
        let list = [ch(3, NotifyFilter::Failure), ch(4, NotifyFilter::Always)];
        assert!(check_unique(&list).is_ok());
        assert!(check_unique(&[]).is_ok());
        let twice = [ch(3, NotifyFilter::Failure), ch(3, NotifyFilter::Success)];
        let err = check_unique(&twice).unwrap_err();
        assert!(err.to_string().contains("#3 is listed twice"), "{err}");
    }

    #[test]
    fn changes_name_what_was_added_removed_and_refiltered() {
        let name = |id: i64| format!("c{id}");
        let before = [ch(1, NotifyFilter::Failure), ch(2, NotifyFilter::Always)];
        let after = [ch(2, NotifyFilter::Success), ch(3, NotifyFilter::Always)];
        assert_eq!(
            changes(&before, &after, name),
            vec![
                "c2 every run → successes only",
                "added c3 (every run)",
                "removed c1"
            ]
        );
        assert!(changes(&before, &before, name).is_empty());
    }

    #[test]
    fn never_is_not_a_console_filter() {
        assert_eq!(api_filter(NotifyOn::Never), None);
        for f in NotifyFilter::ALL {
            assert_eq!(api_filter(entity_filter(f)), Some(f));
        }
    }
}
