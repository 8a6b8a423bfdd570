//! The profile page's own sessions and password change through the real router: only
//! one's own sessions are listed or revocable, revoking the current one signs out, a
//! password change ends the other sessions and keeps this one. On SQLite and, with
//! `TEST_PG_URL`, on PostgreSQL.

use crate::common;

use axum::body::Body;
use common::{Harness, PASSWORD};
use entity::{audit_log, session};
use http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

on_both_backends!(own_sessions_are_listed_and_revoked, sessions_scenario);
on_both_backends!(password_change_ends_the_other_sessions, password_scenario);

const FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROMIUM: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
const NEW_PASSWORD: &str = "another long enough password";

/// A change-password form, the status it gets and what the answer says.
type Case<'a> = ([(&'a str, &'a str); 3], StatusCode, &'a str);

/// Signs in the way a browser with this user agent does; returns the cookie.
async fn login_as(h: &Harness, email: &str, password: &str, agent: &str) -> Option<String> {
    let body = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000")
        .header(header::USER_AGENT, agent)
        .body(Body::from(body))
        .unwrap();
    h.send(req).await.session_cookie()
}

async fn ok(h: &Harness, endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint} {form:?}: {}", r.body);
    r.json()
}

async fn signed_in(h: &Harness, cookie: &str) -> bool {
    h.call("whoami", &[], Some(cookie)).await.status == StatusCode::OK
}

async fn sessions_scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    let firefox = login_as(h, "admin@example.com", PASSWORD, FIREFOX).await.unwrap();
    let chromium = login_as(h, "admin@example.com", PASSWORD, CHROMIUM)
        .await
        .unwrap();
    let other = h.user_with(&admin, "other@example.com", &["jobs:read"]).await;

    let list = ok(h, "my_sessions", &[], &chromium).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{list}");
    let current: Vec<_> = rows.iter().filter(|r| r["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Chromium on Linux");
    assert!(rows.iter().any(|r| r["device"] == "Firefox on Windows"), "{list}");
    assert!(
        rows.iter()
            .all(|r| r["ip"] == "127.0.0.7" && r["method"] == "password"),
        "{list}"
    );
    assert!(!list.to_string().contains("token"), "{list}");
    // Nobody else's sessions.
    let theirs = ok(h, "my_sessions", &[], &other).await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    let their_id = theirs[0]["id"].as_i64().unwrap().to_string();

    // Another user's session is not found, and stays.
    let r = h
        .call("revoke_my_session", &[("id", &their_id)], Some(&chromium))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(signed_in(h, &other).await);

    // Revoke the Firefox one from Chromium.
    let firefox_id = rows.iter().find(|r| r["device"] == "Firefox on Windows").unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    assert_eq!(
        ok(h, "revoke_my_session", &[("id", &firefox_id)], &chromium).await,
        false
    );
    assert!(!signed_in(h, &firefox).await);
    assert!(signed_in(h, &chromium).await);
    let r = h
        .call("revoke_my_session", &[("id", &firefox_id)], Some(&chromium))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        ok(h, "my_sessions", &[], &chromium)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A pending (second-factor) session is neither listed nor revocable here.
    let me = ok(h, "my_sessions", &[], &chromium).await;
    let user_id = session::Entity::find_by_id(me[0]["id"].as_i64().unwrap())
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap()
        .user_id;
    app::server::session::create(
        &h.state.db,
        app::server::session::NewSession {
            user_id,
            ip: None,
            user_agent: None,
            auth_method: "password",
            mfa_pending: true,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let pending = session::Entity::find()
        .filter(session::Column::MfaPending.eq(true))
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ok(h, "my_sessions", &[], &chromium)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let r = h
        .call(
            "revoke_my_session",
            &[("id", &pending.id.to_string())],
            Some(&chromium),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Revoking the current session signs out and clears the cookie.
    let current_id = ok(h, "my_sessions", &[], &chromium)
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["current"] == true)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let r = h
        .call("revoke_my_session", &[("id", &current_id)], Some(&chromium))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), true);
    assert!(
        r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().contains("Max-Age=0")),
        "the cookie must be cleared"
    );
    assert!(!signed_in(h, &chromium).await);
    assert!(signed_in(h, &admin).await);

    let r = h.call("my_sessions", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("session.revoke"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 2);
}

async fn password_scenario(h: &Harness) {
    let admin = h.setup_admin().await;
    let other_browser = login_as(h, "admin@example.com", PASSWORD, FIREFOX).await.unwrap();
    let bystander = h.user_with(&admin, "by@example.com", &["jobs:read"]).await;
    assert_eq!(ok(h, "my_password_state", &[], &admin).await, true);

    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        [
            ("current_password", current),
            ("password", new),
            ("password_confirm", confirm),
        ]
    };
    let cases: &[Case] = &[
        (
            change("wrong wrong wrong!", NEW_PASSWORD, NEW_PASSWORD),
            StatusCode::BAD_REQUEST,
            "current password is wrong",
        ),
        (
            change("", NEW_PASSWORD, NEW_PASSWORD),
            StatusCode::BAD_REQUEST,
            "Enter your current password",
        ),
        (
            change(PASSWORD, "short", "short"),
            StatusCode::BAD_REQUEST,
            "at least 12",
        ),
        (
            change(PASSWORD, NEW_PASSWORD, "something else entirely"),
            StatusCode::BAD_REQUEST,
            "do not match",
        ),
        (
            change(PASSWORD, PASSWORD, PASSWORD),
            StatusCode::BAD_REQUEST,
            "must differ",
        ),
    ];
    for (form, status, says) in cases {
        let r = h.call("change_my_password", form, Some(&admin)).await;
        assert_eq!(r.status, *status, "{form:?}: {}", r.body);
        assert!(r.body.contains(says), "{} should say {says}", r.body);
        assert!(
            signed_in(h, &other_browser).await,
            "a refused change ends nothing"
        );
    }
    assert!(
        login_as(h, "admin@example.com", PASSWORD, FIREFOX)
            .await
            .is_some()
    );
    let third = login_as(h, "admin@example.com", PASSWORD, CHROMIUM)
        .await
        .unwrap();

    let ended = ok(
        h,
        "change_my_password",
        &change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        &admin,
    )
    .await;
    assert_eq!(ended, 3);
    assert!(signed_in(h, &admin).await, "the current session stays");
    assert!(!signed_in(h, &other_browser).await && !signed_in(h, &third).await);
    assert!(signed_in(h, &bystander).await, "other users are untouched");
    assert!(
        login_as(h, "admin@example.com", PASSWORD, FIREFOX)
            .await
            .is_none()
    );
    assert!(
        login_as(h, "admin@example.com", NEW_PASSWORD, FIREFOX)
            .await
            .is_some()
    );

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("user.password_change"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert!(
        audited.iter().any(|a| a.outcome == "failure"),
        "the wrong password is audited"
    );
    assert!(
        audited
            .iter()
            .any(|a| a.summary.contains("ended 3 other session(s)"))
    );
    for a in &audited {
        assert!(!a.summary.contains(PASSWORD) && !a.summary.contains(NEW_PASSWORD));
    }

    // A single-sign-on-only user has no password to change.
    use sea_orm::{ActiveModelTrait, Set};
    let by = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq("by@example.com"))
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: entity::user::ActiveModel = by.into();
    active.password_hash = Set(None);
    active.update(&h.state.db).await.unwrap();
    assert_eq!(ok(h, "my_password_state", &[], &bystander).await, false);
    let r = h
        .call(
            "change_my_password",
            &change("whatever it was", NEW_PASSWORD, NEW_PASSWORD),
            Some(&bystander),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("single sign-on"), "{}", r.body);
}
