//! A job's notification channels through the console's server functions and the REST
//! API: create, read, replace on update, refusals (unknown id, a source, a channel twice,
//! "never"), audit summaries, and subscriptions gone with their channel or job.
//! On SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;

use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use chrono::Utc;
use common::{Harness, Reply};
use engine_fixtures::{channel, local_destination, sqlite_source, temp_dir};
use entity::enums::NotifyOn;
use entity::{audit_log, job_notification};
use http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

on_both_backends!(job_channels_round_trip_through_the_console, console);
on_both_backends!(job_channels_round_trip_through_the_rest_api, rest_api);

struct Fixture {
    source: i64,
    destination: i64,
    ops: i64,
    mail: i64,
}

async fn fixture(h: &Harness, tag: &str) -> Fixture {
    let work = temp_dir(tag);
    let file = work.join("app.db");
    let dest = work.join("backups");
    std::fs::create_dir_all(&dest).unwrap();
    let hook = json!({"webhook_url": "https://hooks.slack.com/services/T0/B0/secret-token"});
    Fixture {
        source: sqlite_source(&h.state, "app db", &file).await,
        destination: local_destination(&h.state, "disk", &dest).await,
        ops: channel(&h.state, "slack", "Ops", hook.clone()).await,
        mail: channel(&h.state, "slack", "Mail", hook).await,
    }
}

/// The stored subscriptions of the job: (channel, filter) in saving order.
async fn stored(h: &Harness, job: i64) -> Vec<(i64, NotifyOn)> {
    job_notification::Entity::find()
        .filter(job_notification::Column::JobId.eq(job))
        .order_by_asc(job_notification::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.channel_id, r.filter))
        .collect()
}

async fn last_summary(h: &Harness, action: &str) -> String {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .order_by_desc(audit_log::Column::Id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {action} audit entry"))
        .summary
}

fn job_form(f: &Fixture, name: &str, channels: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("job[name]", name.to_string()),
        ("job[source_id]", f.source.to_string()),
        ("job[destinations][0]", f.destination.to_string()),
        ("job[compression]", "zstd".into()),
        ("job[cron]", "0 2 * * *".into()),
        ("job[timezone]", "UTC".into()),
        ("job[retention][kind]", "keep_last".into()),
        ("job[retention][keep_last]", "3".into()),
        ("job[enabled]", "false".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (i, (id, filter)) in channels.iter().enumerate() {
        form.push((format!("job[notifications][{i}][channel_id]"), id.to_string()));
        form.push((format!("job[notifications][{i}][filter]"), filter.to_string()));
    }
    form
}

async fn call(h: &Harness, endpoint: &str, form: &[(String, String)], cookie: &str) -> Reply {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    h.call(endpoint, &pairs, Some(cookie)).await
}

fn with_id(id: i64, form: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out = vec![("id".to_string(), id.to_string())];
    out.extend(form);
    out
}

async fn console(h: &Harness) {
    let admin = h.setup_admin().await;
    let f = fixture(h, "job-channels").await;
    let (ops, mail) = (f.ops.to_string(), f.mail.to_string());
    // jobs:write without notifications:read still sees the channels (names only).
    let writer = h
        .user_with(&admin, "writer@example.com", &["jobs:read", "jobs:write"])
        .await;
    let r = h.call("job_choices", &[], Some(&writer)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let channels = r.json()["channels"].clone();
    assert_eq!(channels.as_array().unwrap().len(), 2, "{channels}");
    assert_eq!(channels[0]["name"], "Mail");
    assert_eq!(channels[0]["detail"], "Slack");
    assert!(
        !r.body.contains("hooks.slack.com"),
        "no channel settings: {}",
        r.body
    );

    let r = call(
        h,
        "create_job",
        &job_form(&f, "Nightly", &[(&ops, "failure"), (&mail, "always")]),
        &writer,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let job = r.json().as_i64().unwrap();
    assert_eq!(
        stored(h, job).await,
        vec![(f.ops, NotifyOn::Failure), (f.mail, NotifyOn::Always)]
    );
    let summary = last_summary(h, "job.create").await;
    assert!(summary.contains("added Ops (failures only)"), "{summary}");
    assert!(summary.contains("added Mail (every run)"), "{summary}");

    let r = h.call("list_jobs", &[], Some(&writer)).await;
    let row = r.json()[0].clone();
    assert_eq!(
        row["input"]["notifications"],
        json!([{"channel_id": f.ops, "filter": "failure"}, {"channel_id": f.mail, "filter": "always"}])
    );
    assert_eq!(row["channel_names"], json!(["Ops", "Mail"]));

    // Update replaces the whole set.
    let r = call(
        h,
        "update_job",
        &with_id(job, job_form(&f, "Nightly", &[(&mail, "success")])),
        &writer,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored(h, job).await, vec![(f.mail, NotifyOn::Success)]);
    let summary = last_summary(h, "job.update").await;
    assert!(summary.contains("Mail every run → successes only"), "{summary}");
    assert!(summary.contains("removed Ops"), "{summary}");

    // Refusals name the problem and change nothing.
    let source = f.source.to_string();
    let not_a_channel = format!("There is no notification channel #{source}.");
    let refusals: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("9999", "failure")],
            "There is no notification channel #9999.",
        ),
        (vec![(&source, "failure")], &not_a_channel),
        (vec![(&ops, "failure"), (&ops, "always")], "is listed twice"),
        (vec![(&ops, "never")], ""),
    ];
    for (channels, says) in &refusals {
        let r = call(
            h,
            "update_job",
            &with_id(job, job_form(&f, "Nightly", channels)),
            &writer,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{channels:?}: {}", r.body);
        assert!(
            r.body.contains(says),
            "{channels:?} should say {says:?}: {}",
            r.body
        );
        let r = call(h, "create_job", &job_form(&f, "Other", channels), &writer).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{channels:?}: {}", r.body);
    }
    assert_eq!(stored(h, job).await, vec![(f.mail, NotifyOn::Success)]);

    // No channel: no subscription, and the audit entry says no more than the edit.
    let r = call(
        h,
        "update_job",
        &with_id(job, job_form(&f, "Nightly", &[])),
        &writer,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(stored(h, job).await.is_empty());
    assert_eq!(
        last_summary(h, "job.update").await,
        "edited job Nightly; notifications: removed Mail"
    );
    let r = call(
        h,
        "update_job",
        &with_id(job, job_form(&f, "Nightly", &[])),
        &writer,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(last_summary(h, "job.update").await, "edited job Nightly");

    // Deleting a channel removes its subscriptions; deleting the job removes the rest.
    let r = call(
        h,
        "update_job",
        &with_id(
            job,
            job_form(&f, "Nightly", &[(&ops, "always"), (&mail, "failure")]),
        ),
        &writer,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h
        .call(
            "delete_adapter",
            &[("kind", "notification"), ("id", &mail)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored(h, job).await, vec![(f.ops, NotifyOn::Always)]);
    let r = h
        .call("delete_job", &[("id", &job.to_string())], Some(&writer))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(stored(h, job).await.is_empty());
    assert!(
        job_notification::Entity::find()
            .all(&h.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn key(h: &Harness, perms: &[&str]) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: "jobs".into(),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            created_by_user_id: None,
            expires_at: None,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

async fn rest(h: &Harness, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let body = match body {
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    h.send(b.body(body).unwrap()).await
}

fn rest_body(f: &Fixture, notifications: Value) -> Value {
    json!({
        "name": "Hourly", "source_id": f.source, "destinations": [f.destination],
        "cron": "0 0 * * * *", "enabled": false, "notifications": notifications,
    })
}

async fn rest_api(h: &Harness) {
    h.setup_admin().await;
    let f = fixture(h, "job-channels-rest").await;
    let k = key(h, &["jobs:read", "jobs:write"]).await;

    let r = rest(
        h,
        "POST",
        "/api/v1/jobs",
        &k,
        Some(rest_body(&f, json!([{"channel_id": f.ops, "filter": "always"}]))),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    assert!(created.get("notify_on").is_none(), "{created}");
    assert_eq!(
        created["notifications"],
        json!([{"channel_id": f.ops, "filter": "always"}])
    );
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/jobs/{id}");

    // A job read can be sent back as it is.
    let read = rest(h, "GET", &path, &k, None).await.json();
    assert_eq!(read["notifications"], created["notifications"]);
    let mut edited = read.clone();
    edited["notifications"] =
        json!([{"channel_id": f.mail, "filter": "success"}, {"channel_id": f.ops, "filter": "failure"}]);
    let r = rest(h, "PUT", &path, &k, Some(edited)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        stored(h, id).await,
        vec![(f.mail, NotifyOn::Success), (f.ops, NotifyOn::Failure)]
    );
    let listed = rest(h, "GET", "/api/v1/jobs", &k, None).await.json();
    assert_eq!(
        listed["jobs"][0]["notifications"][1],
        json!({"channel_id": f.ops, "filter": "failure"})
    );

    // Left out: none (PUT replaces the whole job).
    let mut bare = rest_body(&f, json!(null));
    bare.as_object_mut().unwrap().remove("notifications");
    let r = rest(h, "PUT", &path, &k, Some(bare)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["notifications"], json!([]));
    assert!(stored(h, id).await.is_empty());

    for bad in [
        json!([{"channel_id": f.source, "filter": "failure"}]),
        json!([{"channel_id": f.ops, "filter": "never"}]),
        json!([{"channel_id": f.ops, "filter": "always"}, {"channel_id": f.ops, "filter": "failure"}]),
    ] {
        let r = rest(h, "PUT", &path, &k, Some(rest_body(&f, bad.clone()))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.json()["code"], "invalid", "{bad}: {}", r.body);
    }
    assert!(stored(h, id).await.is_empty());
}
