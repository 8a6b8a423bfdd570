//! The audit log's read side (`list_audit`): newest first, each filter, keyset pages,
//! its permission, bad dates, and no password in any row. Through the real router, on
//! SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{Harness, PASSWORD};
use entity::audit_log;
use http::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::Value;

on_both_backends!(audit_log_lists_filters_and_pages, scenario, with_backend);

const WRONG: &str = "wrong wrong wrong password";

/// An old entry written straight into the table, dated `day` at noon UTC.
async fn old_entry(h: &Harness, day: (i32, u32, u32), action: &str) {
    audit_log::ActiveModel {
        created_at: Set(Utc.with_ymd_and_hms(day.0, day.1, day.2, 12, 0, 0).unwrap()),
        actor_user_id: Set(None),
        actor_label: Set("system".into()),
        action: Set(action.into()),
        resource_type: Set("system".into()),
        resource_id: Set(None),
        summary: Set(format!("{action} on {day:?}")),
        changes: Set(None),
        outcome: Set("success".into()),
        ip: Set(None),
        user_agent: Set(None),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap();
}

async fn call(h: &Harness, cookie: &str, filter: &[(&str, String)]) -> common::Reply {
    let form: Vec<(String, String)> = filter
        .iter()
        .map(|(k, v)| (format!("filter[{k}]"), v.clone()))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    h.call("list_audit", &form, Some(cookie)).await
}

async fn page(h: &Harness, cookie: &str, filter: &[(&str, String)]) -> Value {
    let r = call(h, cookie, filter).await;
    assert_eq!(r.status, StatusCode::OK, "{filter:?}: {}", r.body);
    assert!(
        !r.body.contains(PASSWORD) && !r.body.contains(WRONG),
        "a password reached the audit list: {}",
        r.body
    );
    r.json()
}

fn ids(p: &Value) -> Vec<i64> {
    p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// Every id of a filter, walked page by page with `before`.
async fn walk(h: &Harness, cookie: &str, filter: &[(&str, String)], size: usize) -> Vec<i64> {
    let mut all = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut f = filter.to_vec();
        if let Some(b) = before {
            f.push(("before", b.to_string()));
        }
        let p = page(h, cookie, &f).await;
        let got = ids(&p);
        assert!(got.len() <= size, "{} rows on a page of {size}", got.len());
        all.extend(got);
        match p["next_before"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), all.last().copied());
                before = Some(next);
            }
            None => return all,
        }
    }
}

async fn scenario(h: &Harness, backend: &str) {
    old_entry(h, (2026, 1, 1), "system.cleanup").await;
    old_entry(h, (2026, 1, 2), "system.cleanup").await;
    let admin = h.setup_admin().await;
    let r = h
        .call(
            "login",
            &[("email", "admin@example.com"), ("password", WRONG)],
            None,
        )
        .await;
    assert_ne!(r.status, StatusCode::OK, "{}", r.body);
    let bob = h.user_with(&admin, "bob@example.com", &["jobs:read"]).await;
    let carol = h.user_with(&admin, "carol@example.com", &["audit:read"]).await;

    // Without audit:read: refused.
    let r = call(h, &bob, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);

    let all: Vec<audit_log::Model> = audit_log::Entity::find().all(&h.state.db).await.unwrap();
    let expect = |keep: &dyn Fn(&audit_log::Model) -> bool| {
        let mut ids: Vec<i64> = all.iter().filter(|e| keep(e)).map(|e| e.id).collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids
    };
    let everything = expect(&|_| true);
    assert!(everything.len() >= 7, "{backend}: {all:?}");

    // Newest first, with every field, for the admin and for carol (audit:read only).
    let first = page(h, &admin, &[]).await;
    assert_eq!(ids(&first), everything, "{backend}");
    assert_eq!(first["next_before"], Value::Null);
    assert_eq!(ids(&page(h, &carol, &[]).await), everything);
    let rows = first["rows"].as_array().unwrap();
    let newest = &rows[0];
    assert_eq!(newest["action"], "auth.login");
    assert_eq!(newest["actor"], "carol@example.com");
    assert_eq!(newest["success"], true);
    assert_eq!(newest["ip"], "127.0.0.7");
    assert!(newest["at"].as_str().unwrap().contains('T'));
    let created = rows
        .iter()
        .find(|r| r["action"] == "user.create")
        .expect("user.create listed");
    assert_eq!(created["actor"], "admin@example.com");
    assert_eq!(created["resource_type"], "user");
    assert!(created["resource_id"].as_str().is_some());
    assert!(created["summary"].as_str().unwrap().contains("carol@example.com"));

    // Outcome: the failed sign-in, and only failures.
    let failed = page(h, &admin, &[("outcome", "failure".into())]).await;
    assert_eq!(ids(&failed), expect(&|e| e.outcome == "failure"));
    let fr = failed["rows"].as_array().unwrap();
    assert!(
        fr.iter()
            .any(|r| r["action"] == "auth.login" && r["actor"] == "admin@example.com"),
        "{backend}: {failed}"
    );
    assert!(fr.iter().all(|r| r["success"] == false));
    assert_eq!(
        ids(&page(h, &admin, &[("outcome", "success".into())]).await),
        expect(&|e| e.outcome == "success")
    );
    assert_eq!(
        ids(&page(h, &admin, &[("outcome", "any".into())]).await),
        everything
    );

    // Actor: a part of the label, any case.
    let by_bob = ids(&page(h, &admin, &[("actor", "BOB@".into())]).await);
    assert!(!by_bob.is_empty());
    assert_eq!(by_bob, expect(&|e| e.actor_label.contains("bob@")));
    assert_eq!(
        ids(&page(h, &admin, &[("actor", "admin".into())]).await),
        expect(&|e| e.actor_label.contains("admin"))
    );
    assert!(ids(&page(h, &admin, &[("actor", "nobody_%".into())]).await).is_empty());

    // Action: exact, or a prefix ending in a dot.
    let auth = ids(&page(h, &admin, &[("action", "auth.".into())]).await);
    assert_eq!(auth, expect(&|e| e.action.starts_with("auth.")));
    assert!(auth.len() >= 3);
    assert_eq!(
        ids(&page(h, &admin, &[("action", "user.create".into())]).await),
        expect(&|e| e.action == "user.create")
    );
    assert_eq!(ids(&page(h, &admin, &[("action", "auth.*".into())]).await), auth);
    assert!(ids(&page(h, &admin, &[("action", "auth".into())]).await).is_empty());

    // Resource type, and filters together.
    assert_eq!(
        ids(&page(h, &admin, &[("resource_type", "user".into())]).await),
        expect(&|e| e.resource_type == "user")
    );
    assert_eq!(
        ids(&page(
            h,
            &admin,
            &[
                ("action", "auth.".into()),
                ("outcome", "success".into()),
                ("actor", "example.com".into()),
                ("resource_type", String::new()),
            ]
        )
        .await),
        expect(&|e| e.action.starts_with("auth.") && e.outcome == "success")
    );

    // Dates, UTC and inclusive.
    let on = |d: NaiveDate| expect(&|e| e.created_at.date_naive() == d);
    let day2 = ids(&page(
        h,
        &admin,
        &[("from", "2026-01-02".into()), ("to", "2026-01-02".into())],
    )
    .await);
    assert_eq!(day2.len(), 1);
    assert_eq!(day2, on(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()));
    assert_eq!(
        ids(&page(h, &admin, &[("to", "2026-01-02".into())]).await).len(),
        2
    );
    let today = Utc::now().date_naive();
    assert_eq!(
        ids(&page(h, &admin, &[("from", today.to_string())]).await),
        expect(&|e| e.created_at.date_naive() >= today)
    );
    let tomorrow = today.succ_opt().unwrap().to_string();
    assert!(ids(&page(h, &admin, &[("from", tomorrow)]).await).is_empty());

    // Pages of two walk everything once, newest first.
    let walked = walk(h, &admin, &[("limit", "2".into())], 2).await;
    assert_eq!(walked, everything, "{backend}: no repeats, no gaps");
    let walked = walk(h, &admin, &[("limit", "2".into()), ("action", "auth.".into())], 2).await;
    assert_eq!(walked, auth);
    // The page size is capped, and zero still means at least one row.
    let one = page(h, &admin, &[("limit", "0".into())]).await;
    assert_eq!(ids(&one).len(), 1);
    assert_eq!(one["next_before"], everything[0]);
    assert_eq!(
        ids(&page(h, &admin, &[("limit", "100000".into())]).await),
        everything
    );

    // Bad filters are refused with the reason.
    let r = call(h, &admin, &[("from", "yesterday".into())]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("YYYY-MM-DD"), "{}", r.body);
    let r = call(h, &admin, &[("to", "2026-02-30".into())]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = call(h, &admin, &[("outcome", "maybe".into())]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Signed out: refused too.
    let r = h.call("list_audit", &[], None).await;
    assert!(
        r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );

    // The console page renders the table for the admin.
    let r = h.get("/audit?action=auth.", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"audit-table\""), "{}", r.body);
    assert!(r.body.contains("data-action=\"auth.login\""));
    assert!(!r.body.contains("data-action=\"user.create\""));
    assert!(!r.body.contains(PASSWORD) && !r.body.contains(WRONG));
}
