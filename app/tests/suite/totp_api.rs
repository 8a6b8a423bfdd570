//! The authenticator-app second factor end to end through the router: set up, sign in
//! with a code or a backup code, replays refused, turn off; on SQLite and PostgreSQL.

use crate::common;

use common::{Harness, PASSWORD, fresh_pg_database, harness};
use entity::{audit_log, totp_secret};
use http::StatusCode;
use sea_orm::EntityTrait;
use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::{Builder, Secret};

const EMAIL: &str = "admin@example.com";

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// An authenticator app computing codes from the secret the server showed.
struct App {
    totp: totp_rs::Totp,
    /// The newest step used, since the server accepts every step only once.
    last_step: Option<u64>,
}

impl App {
    fn new(secret: &str) -> App {
        let totp = Builder::new()
            .with_secret(Secret::try_from_base32(secret).expect("base32 secret"))
            .build()
            .expect("a valid TOTP");
        App {
            totp,
            last_step: None,
        }
    }

    fn code_at_step(&self, step: u64) -> String {
        self.totp.generate(step * 30).to_string()
    }

    /// A code the server has not seen, within its one-step skew: starting with the
    /// previous step, so a test rarely has to wait for the clock.
    async fn fresh_code(&mut self) -> String {
        loop {
            let now = unix_now();
            let current = now / 30;
            let step = self
                .last_step
                .map_or(current - 1, |last| (last + 1).max(current - 1));
            // The previous step's code expires at the next boundary: not too close to it.
            let expiring = step < current && now % 30 >= 27;
            if step <= current + 1 && !expiring {
                self.last_step = Some(step);
                return self.code_at_step(step);
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }

    /// Six digits that are no valid code anywhere near now.
    fn wrong_code(&self) -> String {
        let current = unix_now() / 30;
        let near: Vec<String> = (current - 2..=current + 3)
            .map(|s| self.code_at_step(s))
            .collect();
        (0..1000u32)
            .map(|n| format!("{:06}", n * 7919 % 1_000_000))
            .find(|c| !near.contains(c))
            .unwrap()
    }
}

async fn login(h: &Harness) -> common::Reply {
    h.call("login", &[("email", EMAIL), ("password", PASSWORD)], None)
        .await
}

/// A password sign-in that stops at the second step; its pending cookie.
async fn pending(h: &Harness) -> String {
    let r = login(h).await;
    assert_eq!(r.location(), Some("/login/verify"), "{} {}", r.status, r.body);
    r.session_cookie().expect("a pending session cookie")
}

async fn status(h: &Harness, cookie: &str) -> serde_json::Value {
    let r = h.call("totp_status", &[], Some(cookie)).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{:?} {}",
        r.headers,
        &r.body[r.body.len().saturating_sub(300)..]
    );
    r.json()
}

async fn audit(h: &Harness) -> Vec<audit_log::Model> {
    audit_log::Entity::find().all(&h.state.db).await.unwrap()
}

async fn scenario(h: Harness) {
    let admin = h.setup_admin().await;
    assert_eq!(status(&h, &admin).await["enabled"], false);
    // Signed-out callers get nothing.
    for endpoint in ["totp_status", "totp_begin", "verify_totp_login"] {
        let r = h.call(endpoint, &[("code", "123456")], None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{endpoint}: {}", r.body);
    }

    // A second setup replaces an unconfirmed first one: the first secret stops working.
    let r = h.call("totp_begin", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let abandoned = App::new(r.json()["secret"].as_str().unwrap());
    let r = h.call("totp_begin", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let begun = r.json();
    let secret = begun["secret"].as_str().unwrap().to_string();
    assert!(begun["qr_svg"].as_str().unwrap().contains("<svg"), "{begun}");
    assert_eq!(status(&h, &admin).await["enabled"], false, "not on before a code");
    let rows = totp_secret::Entity::find().all(&h.state.db).await.unwrap();
    assert_eq!(rows.len(), 1, "one enrolment per user");
    let mut old = abandoned;
    let r = h
        .call("totp_confirm", &[("code", &old.fresh_code().await)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Confirm with a code computed from the secret the server showed.
    let mut app = App::new(&secret);
    let r = h
        .call("totp_confirm", &[("code", &app.wrong_code())], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = h
        .call("totp_confirm", &[("code", &app.fresh_code().await)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes: Vec<String> = serde_json::from_value(r.json()).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(
        codes.iter().all(|c| c.len() == 11 && &c[5..6] == "-"),
        "{codes:?}"
    );

    // Stored sealed: neither the secret nor a backup code is in the row.
    let rows = totp_secret::Entity::find().all(&h.state.db).await.unwrap();
    let row = format!("{rows:?}");
    assert!(!row.contains(&secret), "the secret is stored in the clear: {row}");
    assert!(
        codes.iter().all(|c| !row.contains(&c.replace('-', ""))),
        "a backup code in the clear"
    );
    // The secret is never handed out again.
    let st = status(&h, &admin).await;
    assert_eq!(st, serde_json::json!({"enabled": true, "backup_codes_left": 10}));
    let r = h.call("totp_begin", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(!r.body.contains(&secret));
    let r = h
        .call("totp_confirm", &[("code", &app.wrong_code())], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Another user's status is theirs alone.
    let other = h.user_with(&admin, "other@example.com", &[]).await;
    assert_eq!(status(&h, &other).await["enabled"], false);
    let r = h
        .call("totp_disable", &[("code", &app.wrong_code())], Some(&other))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The password alone now gives a pending session that grants nothing but the second step.
    let first = pending(&h).await;
    assert_eq!(
        h.call("whoami", &[], Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.call("totp_status", &[], Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(h.get("/login/verify", Some(&first)).await.status, StatusCode::OK);
    let r = h.call("pending_login", &[], Some(&first)).await;
    assert_eq!(r.json()["totp"], true, "{}", r.body);

    // A wrong code is refused with a clear message and audited.
    let r = h
        .call("verify_totp_login", &[("code", &app.wrong_code())], Some(&first))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("That code is not valid."), "{}", r.body);
    assert!(r.session_cookie().is_none());
    assert!(audit(&h).await.iter().any(|e| e.action == "auth.login"
        && e.outcome == "failure"
        && e.summary.contains("second factor refused")));

    // The right code finishes the sign-in with a new session.
    let code = app.fresh_code().await;
    let r = h
        .call("verify_totp_login", &[("code", &code)], Some(&first))
        .await;
    assert_eq!(r.location(), Some("/"), "{} {}", r.status, r.body);
    let full = r.session_cookie().expect("a full session");
    assert_ne!(full, first);
    assert_eq!(h.call("whoami", &[], Some(&full)).await.status, StatusCode::OK);
    assert_eq!(
        h.call("whoami", &[], Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The same code is not accepted twice, not even for another sign-in.
    let second = pending(&h).await;
    let r = h
        .call("verify_totp_login", &[("code", &code)], Some(&second))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a replayed code: {}", r.body);

    // A backup code works once (typed in capitals without its dash), then never again.
    let typed = codes[4].replace('-', "").to_uppercase();
    let r = h
        .call("verify_totp_login", &[("code", &typed)], Some(&second))
        .await;
    assert_eq!(r.location(), Some("/"), "{} {}", r.status, r.body);
    let by_backup = r.session_cookie().unwrap();
    assert_eq!(
        h.call("whoami", &[], Some(&by_backup)).await.status,
        StatusCode::OK
    );
    assert_eq!(status(&h, &by_backup).await["backup_codes_left"], 9);
    let third = pending(&h).await;
    let r = h
        .call("verify_totp_login", &[("code", &codes[4])], Some(&third))
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a reused backup code: {}",
        r.body
    );
    let r = h
        .call("verify_totp_login", &[("code", &codes[5])], Some(&third))
        .await;
    assert_eq!(r.location(), Some("/"), "{} {}", r.status, r.body);
    assert_eq!(status(&h, &admin).await["backup_codes_left"], 8);

    // Turning it off needs a current code: not a wrong one, not a backup code, not a used one.
    for refused in [app.wrong_code(), codes[6].clone(), code.clone()] {
        let r = h.call("totp_disable", &[("code", &refused)], Some(&admin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{refused}: {}", r.body);
    }
    assert_eq!(status(&h, &admin).await["enabled"], true);
    let r = h
        .call("totp_disable", &[("code", &app.fresh_code().await)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status(&h, &admin).await["enabled"], false);
    assert!(
        totp_secret::Entity::find()
            .all(&h.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    let r = login(&h).await;
    assert_eq!(r.location(), Some("/"), "the password alone is enough again");

    // Wrong codes are rate limited per account, and a correct password does not reset that.
    let r = h.call("totp_begin", &[], Some(&other)).await;
    let mut other_app = App::new(r.json()["secret"].as_str().unwrap());
    let r = h
        .call(
            "totp_confirm",
            &[("code", &other_app.fresh_code().await)],
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other_login = [("email", "other@example.com"), ("password", PASSWORD)];
    for _ in 0..5 {
        let cookie = h
            .call("login", &other_login, None)
            .await
            .session_cookie()
            .unwrap();
        let r = h
            .call(
                "verify_totp_login",
                &[("code", &other_app.wrong_code())],
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
    let cookie = h
        .call("login", &other_login, None)
        .await
        .session_cookie()
        .unwrap();
    let r = h
        .call(
            "verify_totp_login",
            &[("code", &other_app.fresh_code().await)],
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Too many wrong codes"), "{}", r.body);

    // Audited without codes or secrets.
    let entries = audit(&h).await;
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    for expected in [
        ("totp.begin", "success"),
        ("totp.enable", "failure"),
        ("totp.enable", "success"),
        ("totp.backup_code_used", "success"),
        ("totp.disable", "failure"),
        ("totp.disable", "success"),
        ("auth.login", "failure"),
    ] {
        assert!(
            actions.contains(&expected),
            "{expected:?} missing from {actions:?}"
        );
    }
    assert!(
        entries.iter().any(|e| e.summary.contains("password + totp")),
        "{actions:?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.summary.contains("password + backup-code"))
    );
    let dump = format!("{entries:?}");
    assert!(!dump.contains(&secret), "the secret reached the audit log");
    assert!(!dump.contains(&code), "a code reached the audit log");
    for c in &codes {
        assert!(
            !dump.contains(c) && !dump.contains(&c.replace('-', "")),
            "a backup code reached the audit log"
        );
    }
}

#[tokio::test]
async fn totp_on_sqlite() {
    let h = harness(None).await;
    let dir = h.data_dir.clone();
    scenario(h).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn totp_on_postgres() {
    let Some(url) = fresh_pg_database("totp").await else {
        return;
    };
    scenario(harness(Some(url)).await).await;
}
