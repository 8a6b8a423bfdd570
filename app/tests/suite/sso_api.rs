//! SSO providers through the real router: CRUD and its permissions, the client secret
//! (stored sealed, never answered), discovery tests, the start route's redirect, the
//! callback's refusals, and `BULWARK_DISABLE_PASSWORD_LOGIN`. SQLite and PostgreSQL.

use crate::common;

use common::{Harness, PASSWORD};
use entity::{audit_log, sso_provider};
use http::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

on_both_backends!(sso_providers_crud_and_secrets, crud, with_backend);
on_both_backends!(sso_callback_refusals, callback_refusals, with_backend);

const SECRET: &str = "top-secret-client-value";
const NEW_SECRET: &str = "replacement-secret-value";

fn issuer() -> String {
    std::env::var("TEST_OIDC_ISSUER").unwrap_or_else(|_| "http://127.0.0.1:58300".into())
}

fn provider_form<'a>(
    issuer: &'a str,
    secret: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("slug", "corp"),
        ("button_label", "Corp SSO"),
        ("issuer_url", issuer),
        ("client_id", "backup-app"),
        ("client_secret", secret),
        ("scopes", "openid email profile"),
        ("email_domains", ""),
        ("enabled", "on"),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    form
}

async fn stored(h: &Harness) -> Vec<sso_provider::Model> {
    sso_provider::Entity::find().all(&h.state.db).await.unwrap()
}

async fn crud(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let reader = h.user_with(&admin, "reader@example.com", &["sso:read"]).await;
    let issuer = issuer();

    let r = h.call("list_sso_providers", &[], Some(&reader)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(r.json(), serde_json::json!([]));
    let r = h.call("list_sso_providers", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}");

    // Writing needs sso:write.
    let form = provider_form(&issuer, SECRET, &[]);
    let r = h.call("save_sso_provider", &form, Some(&reader)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);
    assert!(r.body.contains("sso:write"), "{backend}: {}", r.body);
    let r = h
        .call("test_sso_discovery", &[("issuer_url", &issuer)], Some(&reader))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
    assert!(stored(h).await.is_empty());

    // Validation names the problem.
    let bad = provider_form(&issuer, SECRET, &[("allow_provisioning", "on")]);
    let r = h.call("save_sso_provider", &bad, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(r.body.contains("group"), "{backend}: {}", r.body);
    let bad = provider_form(&issuer, "", &[]);
    let r = h.call("save_sso_provider", &bad, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(r.body.contains("client secret"), "{backend}: {}", r.body);
    let bad = provider_form(&issuer, SECRET, &[("slug", "Not a slug!")]);
    let r = h.call("save_sso_provider", &bad, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);

    // Create: the answer says a secret is stored but never holds it; the row is sealed.
    let r = h.call("save_sso_provider", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert!(!r.body.contains(SECRET), "{backend}: secret answered: {}", r.body);
    let created = r.json();
    assert_eq!(created["slug"], "corp");
    assert_eq!(created["secret_stored"], true);
    assert!(
        created["redirect_uri"]
            .as_str()
            .unwrap()
            .ends_with("/auth/oidc/corp/callback"),
        "{backend}: {created}"
    );
    let id = created["id"].as_i64().unwrap().to_string();
    let row = stored(h).await.remove(0);
    assert!(
        !row.client_secret_encrypted.contains(SECRET),
        "{backend}: stored in clear"
    );
    let open = |row: &sso_provider::Model| {
        String::from_utf8(h.state.master_key.open(&row.client_secret_encrypted).unwrap()).unwrap()
    };
    assert_eq!(open(&row), SECRET);

    let r = h.call("save_sso_provider", &form, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{backend}: {}", r.body);

    // Update with an empty secret keeps it; with a new one replaces it.
    let edit = provider_form(
        &issuer,
        "",
        &[
            ("id", &id),
            ("button_label", "Corp login"),
            ("email_domains", "Corp.Example, other.example"),
        ],
    );
    let r = h.call("save_sso_provider", &edit, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(
        r.json()["email_domains"],
        serde_json::json!(["corp.example", "other.example"])
    );
    let row = stored(h).await.remove(0);
    assert_eq!(row.button_label, "Corp login");
    assert_eq!(
        open(&row),
        SECRET,
        "{backend}: blank secret must keep the stored one"
    );
    let edit = provider_form(&issuer, NEW_SECRET, &[("id", &id)]);
    let r = h.call("save_sso_provider", &edit, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert_eq!(open(&stored(h).await.remove(0)), NEW_SECRET);

    // No read path returns the secret.
    for (endpoint, cookie) in [
        ("list_sso_providers", Some(reader.as_str())),
        ("sso_login_options", None),
    ] {
        let r = h.call(endpoint, &[], cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{backend} {endpoint}: {}", r.body);
        assert!(
            !r.body.contains(SECRET) && !r.body.contains(NEW_SECRET),
            "{backend} {endpoint}"
        );
        assert!(
            !r.body.contains("client_secret"),
            "{backend} {endpoint}: {}",
            r.body
        );
    }
    let options = h.call("sso_login_options", &[], None).await.json();
    assert_eq!(
        options,
        serde_json::json!({"buttons": [{"slug": "corp", "label": "Corp SSO"}], "password_login": true})
    );

    // Discovery: the test provider works; a closed port fails with the reason.
    if std::env::var("TEST_OIDC_ISSUER").is_ok() {
        let r = h
            .call("test_sso_discovery", &[("issuer_url", &issuer)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        let report = r.json();
        assert_eq!(report["ok"], true, "{backend}: {report}");
        assert!(
            report["message"]
                .as_str()
                .unwrap()
                .contains("authorization endpoint")
        );
    }
    let r = h
        .call(
            "test_sso_discovery",
            &[("issuer_url", "http://127.0.0.1:9")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let report = r.json();
    assert_eq!(report["ok"], false, "{backend}: {report}");
    let message = report["message"].as_str().unwrap().to_lowercase();
    assert!(
        message.contains("discovery") && message.contains("127.0.0.1:9") && message.contains("connect"),
        "{backend}: {message}"
    );

    // The start route sends the browser to the provider with PKCE, state and nonce.
    if std::env::var("TEST_OIDC_ISSUER").is_ok() {
        let r = h.get("/auth/oidc/corp/start", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let to = r.location().unwrap().to_string();
        assert!(to.starts_with(&issuer), "{backend}: {to}");
        for part in [
            "code_challenge_method=S256",
            "code_challenge=",
            "state=",
            "nonce=",
            "client_id=backup-app",
        ] {
            assert!(to.contains(part), "{backend}: {part} missing in {to}");
        }
        let cookies: Vec<String> = r
            .headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        assert!(
            cookies.iter().any(|c| c.starts_with("bulwark_oidc=")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Lax")),
            "{backend}: {cookies:?}"
        );
    }

    // Delete.
    let r = h.call("delete_sso_provider", &[("id", &id)], Some(&reader)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
    let r = h.call("delete_sso_provider", &[("id", &id)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    assert!(stored(h).await.is_empty());
    let r = h.call("delete_sso_provider", &[("id", &id)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}");

    // Audited, without the secret.
    let entries = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .filter(|e| e.action.starts_with("sso."))
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["sso.create", "sso.update", "sso.update", "sso.delete"],
        "{backend}"
    );
    for e in &entries {
        assert!(
            !e.summary.contains(SECRET) && !e.summary.contains(NEW_SECRET),
            "{backend}: {}",
            e.summary
        );
    }
    assert!(
        entries
            .iter()
            .any(|e| e.summary.contains("client secret replaced")),
        "{backend}"
    );
}

async fn callback_refusals(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let issuer = issuer();
    let r = h
        .call(
            "save_sso_provider",
            &provider_form(&issuer, SECRET, &[]),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);

    let r = h.get("/auth/oidc/nope/start", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
    assert!(
        r.body.contains("no enabled sign-in provider called nope"),
        "{backend}: {}",
        r.body
    );
    assert!(r.body.contains("href=\"/login\""), "{backend}");

    let r = h
        .get("/auth/oidc/corp/callback?state=forged&code=abc", None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
    assert!(r.body.contains("state mismatch"), "{backend}: {}", r.body);

    let r = h
        .get(
            "/auth/oidc/corp/callback?error=access_denied&error_description=User%20said%20no",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{backend}");
    assert!(
        r.body.contains("access_denied: User said no"),
        "{backend}: {}",
        r.body
    );
    let r = h
        .get(
            "/auth/oidc/corp/callback?error=%3Cscript%3Ealert(1)%3C/script%3E",
            None,
        )
        .await;
    assert!(!r.body.contains("<script>"), "{backend}: not escaped");

    // A provider that cannot be reached: its start route says so.
    let down = provider_form("http://127.0.0.1:9", SECRET, &[("slug", "down")]);
    let r = h.call("save_sso_provider", &down, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let r = h.get("/auth/oidc/down/start", None).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{backend}");
    assert!(
        r.body.contains("identity provider is unreachable"),
        "{backend}: {}",
        r.body
    );
    assert!(
        r.body
            .contains("http://127.0.0.1:9/.well-known/openid-configuration"),
        "{backend}: {}",
        r.body
    );

    let failures: Vec<String> = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "auth.login" && e.outcome == "failure")
        .map(|e| e.summary)
        .collect();
    assert!(failures.len() >= 3, "{backend}: {failures:?}");
    assert!(
        failures.iter().any(|s| s.contains("state mismatch")),
        "{backend}: {failures:?}"
    );
    assert!(
        failures.iter().any(|s| s.contains("access_denied")),
        "{backend}: {failures:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_login_can_be_turned_off_once_a_provider_is_enabled() {
    let h = common::harness_with(&[("BULWARK_DISABLE_PASSWORD_LOGIN", "true")]).await;
    let admin = h.setup_admin().await;
    let login = [("email", "admin@example.com"), ("password", PASSWORD)];
    // No provider yet: password sign-in stays so nobody is locked out.
    let r = h.call("login", &login, None).await;
    assert!(r.session_cookie().is_some(), "{} {}", r.status, r.body);
    assert_eq!(
        h.call("sso_login_options", &[], None).await.json()["password_login"],
        true
    );

    let issuer = issuer();
    let disabled = provider_form(&issuer, SECRET, &[("enabled", "")]);
    let r = h.call("save_sso_provider", &disabled, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["enabled"], false);
    assert!(h.call("login", &login, None).await.session_cookie().is_some());

    let id = r.json()["id"].as_i64().unwrap().to_string();
    let enabled = provider_form(&issuer, "", &[("id", &id)]);
    let r = h.call("save_sso_provider", &enabled, Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h.call("login", &login, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.session_cookie().is_none());
    assert!(r.body.contains("Password sign-in is turned off"), "{}", r.body);
    let options = h.call("sso_login_options", &[], None).await.json();
    assert_eq!(options["password_login"], false);
    std::fs::remove_dir_all(&h.data_dir).ok();
}
