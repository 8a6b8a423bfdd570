//! Session lifetime and cookie flags against a real database.

use crate::common;

use app::server::session::{self, NewSession};
use chrono::{Duration, Utc};
use common::harness_with;

const PASSWORD: &str = "a sufficiently long password";

async fn admin(h: &common::Harness) -> String {
    let r = h
        .call(
            "setup_admin",
            &[
                ("email", "a@example.com"),
                ("name", "A"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            None,
        )
        .await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{}", r.body);
    r.headers
        .get(http::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn https_public_url_sets_secure_cookie() {
    let h = harness_with(&[("BULWARK_PUBLIC_URL", "https://backup.example.com")]).await;
    let set_cookie = admin(&h).await;
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test]
async fn sessions_expire_when_idle_and_absolutely() {
    let h = harness_with(&[]).await;
    admin(&h).await;
    let db = &h.state.db;
    let user_id = app::server::users::find_by_email(db, "a@example.com")
        .await
        .unwrap()
        .expect("the admin exists")
        .id;
    let t0 = Utc::now();
    let new = || NewSession {
        user_id,
        ip: Some("10.0.0.1"),
        user_agent: Some("test"),
        auth_method: "password",
        mfa_pending: false,
    };

    // Used within the idle timeout: alive, and the expiry slides forward.
    let token = session::create(db, new(), t0).await.unwrap();
    let later = t0 + session::IDLE_TIMEOUT - Duration::minutes(1);
    let (s, u, g) = session::resolve(db, &token, later)
        .await
        .unwrap()
        .expect("still valid");
    assert_eq!(u.id, user_id);
    assert!(g.protected);
    assert!(
        s.expires_at > t0 + session::IDLE_TIMEOUT,
        "idle expiry slid forward"
    );

    // Idle too long: gone, and the row is deleted.
    let idle = session::create(db, new(), t0).await.unwrap();
    assert!(
        session::resolve(db, &idle, t0 + session::IDLE_TIMEOUT)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        session::revoke(db, &idle).await.unwrap().is_none(),
        "expired row was removed"
    );

    // Kept busy, a session still ends at the absolute limit.
    let busy = session::create(db, new(), t0).await.unwrap();
    let mut now = t0;
    while now < t0 + session::ABSOLUTE_TIMEOUT - Duration::hours(12) {
        now += Duration::hours(12);
        assert!(
            session::resolve(db, &busy, now).await.unwrap().is_some(),
            "alive at {now}"
        );
    }
    assert!(
        session::resolve(db, &busy, t0 + session::ABSOLUTE_TIMEOUT)
            .await
            .unwrap()
            .is_none()
    );

    // Unknown tokens resolve to nobody.
    assert!(session::resolve(db, "not-a-token", t0).await.unwrap().is_none());
    std::fs::remove_dir_all(&h.data_dir).ok();
}
