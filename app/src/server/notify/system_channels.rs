//! System-wide subscriptions: for each event, the channels that hear about it whatever
//! the job. Stored as one setting, `{ "backup_failure": [3, 5], … }`.

use crate::api::notification_types::NotifyEvent;
use crate::server::error::Result;
use entity::setting;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::Value;
use std::collections::BTreeMap;

pub const SETTING_KEY: &str = "notifications.system_channels";

/// Event → channel ids, from the stored JSON; unknown events and non-ids are ignored.
pub fn parse(value: &Value) -> BTreeMap<NotifyEvent, Vec<i64>> {
    let mut out = BTreeMap::new();
    let Some(object) = value.as_object() else {
        return out;
    };
    for (event, ids) in object {
        let Some(event) = NotifyEvent::parse(event).filter(|e| *e != NotifyEvent::Test) else {
            continue;
        };
        let mut ids: Vec<i64> = ids
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            out.insert(event, ids);
        }
    }
    out
}

pub fn to_json(map: &BTreeMap<NotifyEvent, Vec<i64>>) -> Value {
    Value::Object(
        map.iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(event, ids)| (event.as_str().to_string(), Value::from(ids.clone())))
            .collect(),
    )
}

/// Every system-wide subscription.
pub async fn load(db: &impl ConnectionTrait) -> Result<BTreeMap<NotifyEvent, Vec<i64>>> {
    let row = setting::Entity::find_by_id(SETTING_KEY.to_string())
        .one(db)
        .await?;
    Ok(row.map(|r| parse(&r.value)).unwrap_or_default())
}

/// The channels subscribed to `event` system-wide.
pub async fn channels_for(db: &impl ConnectionTrait, event: NotifyEvent) -> Result<Vec<i64>> {
    Ok(load(db).await?.remove(&event).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parsing_keeps_known_events_and_ids_only() {
        let map = parse(&json!({
            "backup_failure": [5, 3, 3, "x"],
            "test": [1],
            "nonsense": [2],
            "user_created": [],
        }));
        assert_eq!(map.len(), 1);
        assert_eq!(map[&NotifyEvent::BackupFailure], vec![3, 5]);
        assert_eq!(to_json(&map), json!({"backup_failure": [3, 5]}));
        assert!(parse(&json!([1, 2])).is_empty());
    }
}
