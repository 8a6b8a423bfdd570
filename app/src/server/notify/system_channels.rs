//! System-wide subscriptions: for each event, the channels that hear about it whatever
//! the job. Stored as one setting, `{ "backup_failure": [3, 5], … }`.

use crate::api::error::ApiError;
use crate::api::notification_types::NotifyEvent;
use crate::server::error::Result;
use chrono::Utc;
use entity::setting;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
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

/// Replaces every system-wide subscription by `map`.
pub async fn save(db: &impl ConnectionTrait, map: &BTreeMap<NotifyEvent, Vec<i64>>) -> Result<()> {
    let value = to_json(map);
    let now = Utc::now();
    match setting::Entity::find_by_id(SETTING_KEY.to_string())
        .one(db)
        .await?
    {
        Some(row) => {
            let mut row: setting::ActiveModel = row.into();
            row.value = Set(value);
            row.updated_at = Set(now);
            row.update(db).await?;
        }
        None => {
            setting::ActiveModel {
                key: Set(SETTING_KEY.to_string()),
                value: Set(value),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The Settings form's checked boxes, each `event:channel_id`, as a map. Refuses unknown
/// events (and `test`) and ids that are not numbers; whether the ids are notification
/// channels is for the caller to check.
pub fn from_form<'a>(
    checked: impl IntoIterator<Item = &'a str>,
) -> std::result::Result<BTreeMap<NotifyEvent, Vec<i64>>, ApiError> {
    let mut out: BTreeMap<NotifyEvent, Vec<i64>> = BTreeMap::new();
    for entry in checked {
        let (event, id) = entry
            .rsplit_once(':')
            .ok_or_else(|| ApiError::invalid(format!("{entry:?} is not event:channel_id.")))?;
        let event = NotifyEvent::parse(event)
            .filter(|e| *e != NotifyEvent::Test)
            .ok_or_else(|| ApiError::invalid(format!("There is no event {event:?} to subscribe to.")))?;
        let id: i64 = id
            .parse()
            .map_err(|_| ApiError::invalid(format!("{id:?} is not a channel id.")))?;
        let ids = out.entry(event).or_default();
        if !ids.contains(&id) {
            ids.push(id);
            ids.sort_unstable();
        }
    }
    Ok(out)
}

/// Per event, the channels added and removed: `Backup failed: +Ops, −Mail`. Empty when
/// nothing changed.
pub fn changes(
    before: &BTreeMap<NotifyEvent, Vec<i64>>,
    after: &BTreeMap<NotifyEvent, Vec<i64>>,
    name: impl Fn(i64) -> String,
) -> Vec<String> {
    let none = Vec::new();
    NotifyEvent::SUBSCRIBABLE
        .into_iter()
        .filter_map(|event| {
            let old = before.get(&event).unwrap_or(&none);
            let new = after.get(&event).unwrap_or(&none);
            let added = new
                .iter()
                .filter(|id| !old.contains(id))
                .map(|id| format!("+{}", name(*id)));
            let removed = old
                .iter()
                .filter(|id| !new.contains(id))
                .map(|id| format!("−{}", name(*id)));
            let words: Vec<String> = added.chain(removed).collect();
            (!words.is_empty()).then(|| format!("{}: {}", event.label(), words.join(", ")))
        })
        .collect()
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

    #[test]
    fn the_form_names_known_events_and_numeric_ids() {
        let map = from_form([
            "backup_failure:5",
            "backup_failure:3",
            "backup_failure:5",
            "user_created:3",
        ])
        .unwrap();
        assert_eq!(map[&NotifyEvent::BackupFailure], vec![3, 5]);
        assert_eq!(map[&NotifyEvent::UserCreated], vec![3]);
        assert!(from_form([]).unwrap().is_empty());
        for bad in ["test:1", "nonsense:1", "backup_failure", "backup_failure:x", ":3"] {
            assert!(from_form([bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn changes_list_additions_and_removals_per_event() {
        let before = parse(&json!({"backup_failure": [1, 2], "user_created": [1]}));
        let after = parse(&json!({"backup_failure": [2, 3], "user_created": [1]}));
        let name = |id: i64| format!("c{id}");
        assert_eq!(changes(&before, &after, name), vec!["Backup failed: +c3, −c1"]);
        assert!(changes(&after, &after, name).is_empty());
        assert_eq!(
            changes(&BTreeMap::new(), &parse(&json!({"user_created": [4]})), name),
            vec!["User created: +c4"]
        );
    }
}
