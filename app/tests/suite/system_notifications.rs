//! Settings → System notifications through the real router: read, save (the whole set
//! is replaced), validation of events and channel ids, permissions and the audit entry.
//! On SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::api::notification_types::NotifyEvent;
use app::server::notify::system_channels;
use common::Harness;
use engine_fixtures::{channel, local_destination, temp_dir};
use entity::audit_log;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

on_both_backends!(system_notifications_are_saved_checked_and_audited, scenario);

fn channels_of(answer: &Value, event: &str) -> Value {
    answer["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == event)
        .unwrap_or_else(|| panic!("no {event} in {answer}"))["channel_ids"]
        .clone()
}

async fn audits(h: &Harness) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("settings.notifications"))
        .order_by_asc(audit_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.summary)
        .collect()
}

async fn scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    let hook = json!({"webhook_url": "https://hooks.slack.com/services/T0/B0/secret-token"});
    let ops = channel(&h.state, "slack", "Ops", hook.clone()).await;
    let mail = channel(&h.state, "slack", "Mail", hook).await;
    let disk = local_destination(&h.state, "disk", &temp_dir("system-notifications")).await;

    let r = h.call("get_system_notifications", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let answer = r.json();
    assert_eq!(
        answer["channels"],
        json!([
            {"id": mail, "name": "Mail", "adapter_label": "Slack"},
            {"id": ops, "name": "Ops", "adapter_label": "Slack"},
        ])
    );
    assert_eq!(
        answer["events"].as_array().unwrap().len(),
        NotifyEvent::SUBSCRIBABLE.len()
    );
    assert_eq!(answer["events"][0]["label"], "Backup succeeded");
    assert!(!r.body.contains("hooks.slack.com"), "{}", r.body);

    let failure_ops = format!("subs[backup_failure:{ops}]");
    let failure_mail = format!("subs[backup_failure:{mail}]");
    let user_mail = format!("subs[user_created:{mail}]");
    let form = [
        (failure_ops.as_str(), "on"),
        (failure_mail.as_str(), "on"),
        (user_mail.as_str(), "on"),
    ];
    let r = h.call("save_system_notifications", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let answer = r.json();
    assert_eq!(
        channels_of(&answer, "backup_failure"),
        json!([ops.min(mail), ops.max(mail)])
    );
    assert_eq!(channels_of(&answer, "user_created"), json!([mail]));
    assert_eq!(channels_of(&answer, "backup_success"), json!([]));
    let stored = system_channels::load(&h.state.db).await.unwrap();
    assert_eq!(stored[&NotifyEvent::UserCreated], vec![mail]);
    assert_eq!(
        system_channels::channels_for(&h.state.db, NotifyEvent::BackupFailure)
            .await
            .unwrap()
            .len(),
        2
    );
    let summaries = audits(h).await;
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert!(summaries[0].contains("Backup failed: +"), "{summaries:?}");
    assert!(summaries[0].contains("User created: +Mail"), "{summaries:?}");

    // Refused before anything is stored.
    let bad_event = format!("subs[nonsense:{ops}]");
    let test_event = format!("subs[test:{ops}]");
    let not_channel = format!("subs[backup_failure:{disk}]");
    let refusals = [
        (bad_event.as_str(), "There is no event"),
        (test_event.as_str(), "There is no event"),
        (
            not_channel.as_str(),
            &*format!("There is no notification channel #{disk}."),
        ),
        (
            "subs[backup_failure:9999]",
            "There is no notification channel #9999.",
        ),
        ("subs[backup_failure]", "is not event:channel_id"),
    ];
    for (key, says) in refusals {
        let r = h
            .call(
                "save_system_notifications",
                &[(key, "on"), (user_mail.as_str(), "on")],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}: {}", r.body);
        assert!(r.body.contains(says), "{key} should say {says:?}: {}", r.body);
    }
    assert_eq!(system_channels::load(&h.state.db).await.unwrap(), stored);

    // Saving the same set again changes nothing and audits nothing.
    let r = h.call("save_system_notifications", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(audits(h).await.len(), 1);

    // Permissions: settings:read reads, settings:write is needed to save.
    let reader = h
        .user_with(&admin, "reader@example.com", &["settings:read"])
        .await;
    let nobody = h.user_with(&admin, "nobody@example.com", &["jobs:read"]).await;
    let r = h.call("get_system_notifications", &[], Some(&reader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h.call("save_system_notifications", &[], Some(&reader)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = h.call("get_system_notifications", &[], Some(&nobody)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(system_channels::load(&h.state.db).await.unwrap(), stored);

    // A deleted channel disappears from the grid; an empty form unsubscribes everything.
    let r = h
        .call(
            "delete_adapter",
            &[("kind", "notification"), ("id", &mail.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let answer = h.call("get_system_notifications", &[], Some(&admin)).await.json();
    assert_eq!(answer["channels"].as_array().unwrap().len(), 1);
    assert_eq!(channels_of(&answer, "backup_failure"), json!([ops]));
    assert_eq!(channels_of(&answer, "user_created"), json!([]));
    let r = h.call("save_system_notifications", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(system_channels::load(&h.state.db).await.unwrap().is_empty());
    let summaries = audits(h).await;
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert!(summaries[1].contains("Backup failed: −Ops"), "{summaries:?}");
    let actors = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("settings.notifications"))
        .filter(audit_log::Column::ActorLabel.eq("admin@example.com"))
        .count(&h.state.db)
        .await
        .unwrap();
    assert_eq!(actors, 2);
}
