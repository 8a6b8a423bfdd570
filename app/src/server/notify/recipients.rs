//! Which channels hear about a notice: the job's subscriptions whose filter matches the
//! event, and the channels subscribed to the event system-wide; each channel once.

use super::{Notice, system_channels};
use crate::api::notification_types::NotifyEvent;
use crate::server::error::Result;
use entity::enums::{AdapterKind, NotifyOn};
use entity::{adapter_config, job_notification};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Whether a job subscription with `filter` wants `event`.
pub fn filter_matches(filter: NotifyOn, event: NotifyEvent) -> bool {
    match filter {
        NotifyOn::Always => true,
        NotifyOn::Failure => event.is_failure(),
        NotifyOn::Success => event.is_success(),
        NotifyOn::Never => false,
    }
}

pub async fn channels_for(db: &impl ConnectionTrait, notice: &Notice) -> Result<Vec<adapter_config::Model>> {
    let mut ids = system_channels::channels_for(db, notice.event).await?;
    if let Some(job_id) = notice.job_id {
        let subscriptions = job_notification::Entity::find()
            .filter(job_notification::Column::JobId.eq(job_id))
            .all(db)
            .await?;
        ids.extend(
            subscriptions
                .into_iter()
                .filter(|s| filter_matches(s.filter, notice.event))
                .map(|s| s.channel_id),
        );
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(adapter_config::Entity::find()
        .filter(adapter_config::Column::Id.is_in(ids))
        .filter(adapter_config::Column::Kind.eq(AdapterKind::Notification))
        .order_by_asc(adapter_config::Column::Id)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_pick_their_events() {
        use NotifyEvent::*;
        let table = [
            (NotifyOn::Always, BackupSuccess, true),
            (NotifyOn::Always, VerifyFailure, true),
            (NotifyOn::Failure, BackupFailure, true),
            (NotifyOn::Failure, BackupPartial, true),
            (NotifyOn::Failure, RestoreFailure, true),
            (NotifyOn::Failure, BackupSuccess, false),
            (NotifyOn::Success, BackupSuccess, true),
            (NotifyOn::Success, RestoreSuccess, true),
            (NotifyOn::Success, BackupPartial, false),
            (NotifyOn::Never, BackupFailure, false),
        ];
        for (filter, event, expected) in table {
            assert_eq!(filter_matches(filter, event), expected, "{filter:?} {event:?}");
        }
    }
}
