//! Passkey server functions without a browser: the options they start ceremonies with,
//! refusals of bad or foreign finishes (nothing stored), and list/delete scoped to the
//! owner. The full ceremonies run in e2e/tests/passkeys.test.mjs. On SQLite and, with
//! `TEST_PG_URL`, on PostgreSQL.

use crate::common;

use common::Harness;
use entity::{audit_log, passkey};
use http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;

const PUBLIC_URL: &str = "http://localhost:3000";

on_both_backends!(
    passkey_registration_is_guarded_and_scoped,
    registration,
    with_backend,
    &[("BULWARK_PUBLIC_URL", PUBLIC_URL)]
);
on_both_backends!(
    passkey_sign_in_refuses_what_it_cannot_verify,
    sign_in,
    with_backend,
    &[("BULWARK_PUBLIC_URL", PUBLIC_URL)]
);

on_both_backends!(
    ceremonies_are_capped_per_client,
    capped_per_client,
    with_backend,
    &[("BULWARK_PUBLIC_URL", PUBLIC_URL)]
);

on_both_backends!(
    second_factor_changes_need_a_recent_sign_in,
    recent_sign_in,
    with_backend,
    &[("BULWARK_PUBLIC_URL", PUBLIC_URL)]
);

/// The server function's answer and the options it carries.
fn challenge(r: &common::Reply, backend: &str) -> (String, Value) {
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let body = r.json();
    let ceremony = body["ceremony"].as_str().expect("ceremony id").to_string();
    let options: Value = serde_json::from_str(body["options"].as_str().expect("options")).unwrap();
    (ceremony, options)
}

async fn stored(h: &Harness) -> u64 {
    passkey::Entity::find().count(&h.state.db).await.unwrap()
}

async fn insert_key(h: &Harness, user_id: i64, name: &str, credential_id: &str) -> i64 {
    passkey::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.into()),
        credential_id: Set(credential_id.into()),
        passkey: Set(serde_json::json!({"placeholder": true})),
        created_at: Set(chrono::Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap()
    .id
}

async fn user_id(h: &Harness, email: &str) -> i64 {
    entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email))
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn registration(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let bob = h.user_with(&admin, "bob@example.com", &[]).await;

    let r = h
        .call("start_passkey_registration", &[("name", "Laptop")], None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}: {}", r.body);
    let r = h
        .call("start_passkey_registration", &[("name", "  ")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("Give the passkey a name"),
        "{backend}: {}",
        r.body
    );

    // The options name this relying party and this user, and ask for a resident key.
    let (ceremony, options) = challenge(
        &h.call("start_passkey_registration", &[("name", "Laptop")], Some(&admin))
            .await,
        backend,
    );
    let pk = &options["publicKey"];
    assert_eq!(pk["rp"]["id"], "localhost", "{backend}: {options}");
    assert_eq!(pk["user"]["name"], "admin@example.com");
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(pk["authenticatorSelection"]["userVerification"], "required");
    assert!(
        pk["excludeCredentials"].as_array().is_none_or(|a| a.is_empty()),
        "{backend}: {options}"
    );
    // The user handle is stable for a user and differs between users.
    let (_, again) = challenge(
        &h.call("start_passkey_registration", &[("name", "Phone")], Some(&admin))
            .await,
        backend,
    );
    assert_eq!(again["publicKey"]["user"]["id"], pk["user"]["id"]);
    let (bob_ceremony, bobs) = challenge(
        &h.call("start_passkey_registration", &[("name", "Bob's")], Some(&bob))
            .await,
        backend,
    );
    assert_ne!(bobs["publicKey"]["user"]["id"], pk["user"]["id"]);

    // Someone else's ceremony, garbage and unknown ids are refused; nothing is stored.
    let garbage = [
        ("ceremony", ceremony.as_str()),
        ("credential", "{\"not\": \"a credential\"}"),
    ];
    let r = h.call("finish_passkey_registration", &garbage, Some(&bob)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("expired or was already used"),
        "{backend}: {}",
        r.body
    );
    let garbage = [
        ("ceremony", bob_ceremony.as_str()),
        ("credential", "{\"not\": \"a credential\"}"),
    ];
    let r = h.call("finish_passkey_registration", &garbage, Some(&bob)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(r.body.contains("could not be read"), "{backend}: {}", r.body);
    let r = h.call("finish_passkey_registration", &garbage, Some(&bob)).await;
    assert!(
        r.body.contains("expired or was already used"),
        "used once: {}",
        r.body
    );
    let unknown = [("ceremony", "0123abcd"), ("credential", "{}")];
    let r = h
        .call("finish_passkey_registration", &unknown, Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("expired or was already used"),
        "{backend}: {}",
        r.body
    );
    assert_eq!(stored(h).await, 0, "{backend}: a refused finish stored nothing");

    // Existing credentials are excluded from a new registration.
    let admin_id = user_id(h, "admin@example.com").await;
    let bob_id = user_id(h, "bob@example.com").await;
    let admins_key = insert_key(h, admin_id, "Old key", "AQID").await;
    let bobs_key = insert_key(h, bob_id, "Bob's key", "BAUG").await;
    let (_, options) = challenge(
        &h.call("start_passkey_registration", &[("name", "Laptop")], Some(&admin))
            .await,
        backend,
    );
    let excluded: Vec<&str> = options["publicKey"]["excludeCredentials"]
        .as_array()
        .expect("excludeCredentials")
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, ["AQID"], "{backend}: only the caller's own key");
    let r = h
        .call("start_passkey_registration", &[("name", "old KEY")], Some(&admin))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "names are unique per user: {}",
        r.body
    );

    // Each user lists and deletes only their own.
    let list = |cookie: String| async move {
        let r = h.call("list_passkeys", &[], Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list(admin.clone()).await, ["Old key"]);
    assert_eq!(list(bob.clone()).await, ["Bob's key"]);
    let r = h.call("list_passkeys", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = h
        .call("delete_passkey", &[("id", &admins_key.to_string())], Some(&bob))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}: {}", r.body);
    let r = h
        .call(
            "rename_passkey",
            &[("id", &admins_key.to_string()), ("name", "Mine")],
            Some(&bob),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}: {}", r.body);
    assert_eq!(stored(h).await, 2);
    let r = h
        .call(
            "rename_passkey",
            &[("id", &bobs_key.to_string()), ("name", "Bob's phone")],
            Some(&bob),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(list(bob.clone()).await, ["Bob's phone"]);
    let r = h
        .call("delete_passkey", &[("id", &bobs_key.to_string())], Some(&bob))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert!(list(bob.clone()).await.is_empty());
    assert_eq!(list(admin.clone()).await, ["Old key"]);

    let deleted = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("passkey.delete"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert_eq!(deleted.len(), 1, "{backend}");
    assert_eq!(deleted[0].actor_label, "bob@example.com");
    assert!(
        deleted[0].summary.contains("Bob's phone"),
        "{}",
        deleted[0].summary
    );
}

async fn sign_in(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;

    // Passwordless starts without a session, for any (not yet known) user.
    let (ceremony, options) = challenge(&h.call("start_passkey_sign_in", &[], None).await, backend);
    let pk = &options["publicKey"];
    assert_eq!(pk["rpId"], "localhost", "{backend}: {options}");
    assert_eq!(pk["userVerification"], "required");
    assert!(pk["allowCredentials"].as_array().is_none_or(|a| a.is_empty()));
    assert!(
        options.get("mediation").is_none(),
        "a modal request, not autofill: {options}"
    );

    let unknown = [("ceremony", "feedface"), ("credential", "{}")];
    let r = h.call("finish_passkey_sign_in", &unknown, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("expired or was already used"),
        "{backend}: {}",
        r.body
    );

    let garbage = [("ceremony", ceremony.as_str()), ("credential", "garbage")];
    let r = h.call("finish_passkey_sign_in", &garbage, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("The passkey was not accepted."),
        "{backend}: {}",
        r.body
    );
    assert!(r.session_cookie().is_none());
    let refused = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("auth.login"))
        .filter(audit_log::Column::Outcome.eq("failure"))
        .all(&h.state.db)
        .await
        .unwrap();
    assert!(
        refused.iter().any(|e| e.summary.starts_with("passkey refused")),
        "{backend}: {refused:?}"
    );

    // The second factor needs a pending sign-in; a full session is not one.
    let r = h.call("start_passkey_second_factor", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}: {}", r.body);
    let r = h.call("start_passkey_second_factor", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}: {}", r.body);
    let r = h
        .call(
            "finish_passkey_second_factor",
            &[("ceremony", "x"), ("credential", "{}")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}: {}", r.body);
}

/// Finding 15 of docs/SECURITY.md: one client (an address, a signed-in user) holds at most
/// `PER_CLIENT` ceremonies; more push out its own oldest, never someone else's.
async fn capped_per_client(h: &Harness, backend: &str) {
    use app::server::passkey_ceremonies::PER_CLIENT;
    let admin = h.setup_admin().await;
    let (attacker, victim) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    let start = |ip: [u8; 4]| async move {
        challenge(
            &h.call_from(ip, "start_passkey_sign_in", &[], None).await,
            backend,
        )
        .0
    };
    let still_waiting = |ip: [u8; 4], ceremony: String| async move {
        let form = [("ceremony", ceremony.as_str()), ("credential", "garbage")];
        let r = h.call_from(ip, "finish_passkey_sign_in", &form, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
        !r.body.contains("expired or was already used")
    };
    let victims = start(victim).await;
    let first = start(attacker).await;
    for _ in 0..PER_CLIENT + 10 {
        start(attacker).await;
    }
    let last = start(attacker).await;
    assert!(
        h.state.relying_party.ceremonies.len() <= PER_CLIENT + 1,
        "{backend}: {} waiting",
        h.state.relying_party.ceremonies.len()
    );
    assert!(
        !still_waiting(attacker, first).await,
        "{backend}: the flood's oldest was dropped"
    );
    assert!(still_waiting(attacker, last).await, "{backend}");
    assert!(
        still_waiting(victim, victims).await,
        "{backend}: another address keeps its own"
    );

    // Registrations: per signed-in user.
    let register = |cookie: String| async move {
        challenge(
            &h.call("start_passkey_registration", &[("name", "Key")], Some(&cookie))
                .await,
            backend,
        )
        .0
    };
    let first = register(admin.clone()).await;
    for _ in 0..PER_CLIENT {
        register(admin.clone()).await;
    }
    let form = [("ceremony", first.as_str()), ("credential", "garbage")];
    let r = h.call("finish_passkey_registration", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("expired or was already used"),
        "{backend}: {}",
        r.body
    );

    // SSO sign-ins in flight: per address, too.
    let Ok(issuer) = std::env::var("TEST_OIDC_ISSUER") else {
        return;
    };
    let form = [
        ("slug", "corp"),
        ("button_label", "Corp SSO"),
        ("issuer_url", issuer.as_str()),
        ("client_id", "backup-app"),
        ("client_secret", "client-secret"),
        ("scopes", "openid email profile"),
        ("enabled", "on"),
    ];
    let r = h.call("save_sso_provider", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let sso_start = |ip: [u8; 4]| async move {
        let r = get_from(h, ip, "/auth/oidc/corp/start", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let to = r.location().unwrap();
        let state = to
            .split("state=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_string();
        let cookie = r
            .headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("bulwark_oidc="))
            .map(|c| c.split(';').next().unwrap().to_string())
            .unwrap();
        (state, cookie)
    };
    let known = |ip: [u8; 4], (state, cookie): (String, String)| async move {
        let path = format!("/auth/oidc/corp/callback?state={state}&code=not-a-code");
        let r = get_from(h, ip, &path, Some(&cookie)).await;
        !r.body.contains("unknown or was already used")
    };
    let victims = sso_start(victim).await;
    let first = sso_start(attacker).await;
    for _ in 0..app::server::oidc_pending::PER_CLIENT + 5 {
        sso_start(attacker).await;
    }
    assert!(
        !known(attacker, first).await,
        "{backend}: the flood's oldest was dropped"
    );
    assert!(
        known(victim, victims).await,
        "{backend}: another address keeps its own"
    );
}

async fn get_from(h: &Harness, ip: [u8; 4], path: &str, cookie: Option<&str>) -> common::Reply {
    let mut b = http::Request::get(path);
    if let Some(c) = cookie {
        b = b.header(http::header::COOKIE, c);
    }
    let mut req = b.body(axum::body::Body::empty()).unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 40000,
        ))));
    h.send(req).await
}

/// Sign-ins and confirmations of every session happened this long ago.
async fn age_sessions(h: &Harness, by: chrono::Duration) {
    use entity::session;
    for s in session::Entity::find().all(&h.state.db).await.unwrap() {
        let mut active: session::ActiveModel = s.clone().into();
        active.created_at = Set(s.created_at - by);
        active.reauthenticated_at = Set(s.reauthenticated_at.map(|t| t - by));
        active.update(&h.state.db).await.unwrap();
    }
}

/// A code of `secret` for `step` (30 s each), as an authenticator app shows it.
fn totp_code(secret: &str, step: u64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

/// The current 30-second step, waiting out its last seconds so that this step and the
/// one before both stay valid for a while.
async fn settled_step() -> u64 {
    loop {
        let now = chrono::Utc::now().timestamp() as u64;
        if now % 30 < 25 {
            return now / 30;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// Finding 14 of docs/SECURITY.md: adding or removing a passkey or the authenticator app
/// needs a sign-in or a confirmation (password or code) within the last five minutes.
async fn recent_sign_in(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let admin_id = user_id(h, "admin@example.com").await;
    let key = insert_key(h, admin_id, "Old laptop", "b2xkLWxhcHRvcA").await;
    let call = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            h.call(endpoint, &form, Some(&admin)).await
        }
    };
    let refused = |r: &common::Reply, what: &str| {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {what}: {}", r.body);
        assert!(
            r.body.contains("Confirm it's you first"),
            "{backend}: {what}: {}",
            r.body
        );
    };

    // Just signed in: allowed.
    let r = call("start_passkey_registration", vec![("name", "Laptop".into())]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);

    // Signed in six minutes ago: every change is refused and nothing changes.
    age_sessions(h, chrono::Duration::minutes(6)).await;
    let r = call("start_passkey_registration", vec![("name", "Laptop".into())]).await;
    refused(&r, "start registration");
    let r = call(
        "finish_passkey_registration",
        vec![("ceremony", "x".into()), ("credential", "{}".into())],
    )
    .await;
    refused(&r, "finish registration");
    let r = call("delete_passkey", vec![("id", key.to_string())]).await;
    refused(&r, "delete passkey");
    assert_eq!(stored(h).await, 1, "{backend}: the passkey is still there");
    let r = call("totp_begin", vec![]).await;
    refused(&r, "totp begin");
    let r = call("totp_confirm", vec![("code", "123456".into())]).await;
    refused(&r, "totp confirm");
    let check = call("my_identity_check", vec![]).await;
    assert_eq!(check.status, StatusCode::OK, "{backend}: {}", check.body);
    assert_eq!(
        check.json()["confirmed_for_seconds"],
        0,
        "{backend}: {}",
        check.body
    );
    assert_eq!(check.json()["password"], true, "{backend}: {}", check.body);
    // Renaming is no change of factors: still allowed.
    let r = call(
        "rename_passkey",
        vec![("id", key.to_string()), ("name", "Laptop 2019".into())],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);

    // A wrong password confirms nothing.
    let r = call("confirm_identity", vec![("password", "not the password".into())]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(r.body.contains("The password is wrong"), "{backend}: {}", r.body);
    refused(
        &call("delete_passkey", vec![("id", key.to_string())]).await,
        "after a wrong password",
    );
    let r = call("confirm_identity", vec![]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);

    // The right one opens five minutes.
    let r = call("confirm_identity", vec![("password", common::PASSWORD.into())]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let check = call("my_identity_check", vec![]).await.json();
    let left = check["confirmed_for_seconds"].as_u64().unwrap();
    assert!((290..=300).contains(&left), "{backend}: {check}");
    let r = call("delete_passkey", vec![("id", key.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(stored(h).await, 0, "{backend}");
    let r = call("totp_begin", vec![]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    let step = settled_step().await;
    let r = call("totp_confirm", vec![("code", totp_code(&secret, step - 1))]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);

    // Six minutes on, turning the app off is refused even with a valid code…
    age_sessions(h, chrono::Duration::minutes(6)).await;
    let step = settled_step().await;
    let r = call("totp_disable", vec![("code", totp_code(&secret, step))]).await;
    refused(&r, "totp disable");
    assert_eq!(
        call("totp_status", vec![]).await.json()["enabled"],
        true,
        "{backend}"
    );
    let check = call("my_identity_check", vec![]).await.json();
    assert_eq!(check["totp"], true, "{backend}: {check}");
    // …until a code from the app confirms who is asking (each code works once).
    let r = call("confirm_identity", vec![("code", totp_code(&secret, step))]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let r = call("totp_disable", vec![("code", totp_code(&secret, step + 1))]).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(
        call("totp_status", vec![]).await.json()["enabled"],
        false,
        "{backend}"
    );

    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("auth.reauthenticate"))
        .all(&h.state.db)
        .await
        .unwrap();
    let outcomes: Vec<&str> = entries.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["failure", "success", "success"],
        "{backend}: {entries:?}"
    );
}
