//! Issue 14: administration over REST with an API key only, as in the console. The key
//! makes a group, puts a new user in it, edits, disables, enables and resets that user,
//! adds an SSO provider (discovery runs against the real OIDC provider), changes
//! settings and reads the audit log; the same steps through the console's server
//! functions (in a second installation) record the same audit entries but for the actor.
//! The key cannot hand out a permission it lacks, and invalid settings store nothing.

use crate::common;

use common::{Harness, Reply};
use entity::audit_log;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::HashMap;

on_both_backends!(administration_over_rest_matches_the_console, scenario);

const KEY_PERMS: &[&str] = &[
    "users:read",
    "users:write",
    "groups:read",
    "groups:write",
    "sso:read",
    "sso:write",
    "settings:read",
    "settings:write",
    "audit:read",
    "jobs:read",
    "executions:read",
];
const PASSWORD: &str = "an operator's first password";
const RESET: &str = "an operator's reset password";

fn issuer() -> String {
    std::env::var("TEST_OIDC_ISSUER").unwrap_or_else(|_| "http://127.0.0.1:9".into())
}

/// `(action, resource, summary, outcome)` of the administration entries `label` made,
/// each resource id written as its order of appearance and group ids as `#G`.
async fn entries(h: &Harness, label: &str, group_id: i64) -> Vec<(String, String, String, String)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    audit_log::Entity::find()
        .filter(audit_log::Column::ActorLabel.eq(label))
        .order_by_asc(audit_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| {
            ["group.", "user.", "sso.", "settings."]
                .iter()
                .any(|p| e.action.starts_with(p))
        })
        .map(|e| {
            let resource = e.resource_id.map(|r| {
                let n = seen.len();
                format!("R{}", seen.entry(r).or_insert(n))
            });
            let summary = e.summary.replace(&format!("#{group_id}"), "#G");
            (e.action, resource.unwrap_or_default(), summary, e.outcome)
        })
        .collect()
}

#[track_caller]
fn ok(r: &Reply, status: StatusCode) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    if r.body.is_empty() { Value::Null } else { r.json() }
}

/// The steps through the REST API; returns the group's id.
async fn over_rest(h: &Harness, key: &str) -> i64 {
    let group = ok(
        &h.rest(
            "POST",
            "/api/v1/groups",
            key,
            Some(json!({"name": "Operators", "permissions": ["jobs:read", "executions:read"]})),
        )
        .await,
        StatusCode::CREATED,
    );
    let gid = group["id"].as_i64().unwrap();
    assert_eq!(group["permissions"], json!(["executions:read", "jobs:read"]));
    let r = h
        .rest(
            "PUT",
            &format!("/api/v1/groups/{gid}"),
            key,
            Some(json!({"name": "Operators", "description": "night shift", "permissions": ["jobs:read"]})),
        )
        .await;
    ok(&r, StatusCode::NO_CONTENT);
    let user = ok(
        &h.rest(
            "POST",
            "/api/v1/users",
            key,
            Some(json!({"email": " Ops@Example.com ", "name": "Ops", "password": PASSWORD, "group_id": gid})),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        (user["email"].as_str(), user["group"].as_str()),
        (Some("ops@example.com"), Some("Operators"))
    );
    let uid = user["id"].as_i64().unwrap();
    let one = |path: &str| format!("/api/v1/users/{uid}{path}");
    let r = h
        .rest(
            "PUT",
            &one(""),
            key,
            Some(json!({"name": "Ops Person", "group_id": gid})),
        )
        .await;
    ok(&r, StatusCode::NO_CONTENT);
    ok(
        &h.rest("POST", &one("/disable"), key, None).await,
        StatusCode::NO_CONTENT,
    );
    ok(
        &h.rest("POST", &one("/enable"), key, None).await,
        StatusCode::NO_CONTENT,
    );
    let r = h
        .rest("POST", &one("/password"), key, Some(json!({"password": RESET})))
        .await;
    ok(&r, StatusCode::NO_CONTENT);
    let ended = ok(
        &h.rest("POST", &one("/revoke-sessions"), key, None).await,
        StatusCode::OK,
    );
    assert_eq!(ended["sessions_ended"], json!(0));

    let provider = json!({"slug": "corp", "button_label": "Corp", "issuer_url": issuer(),
        "client_id": "bulwark", "client_secret": "a provider secret", "email_domains": ["example.com"],
        "allow_provisioning": true, "default_group_id": gid, "enabled": true});
    let sso = ok(
        &h.rest("POST", "/api/v1/sso-providers", key, Some(provider.clone()))
            .await,
        StatusCode::CREATED,
    );
    assert!(!sso.to_string().contains("a provider secret"), "{sso}");
    assert_eq!(sso["secret_stored"], json!(true));
    let sid = sso["id"].as_i64().unwrap();
    let mut edit = provider;
    edit["button_label"] = json!("Corp SSO");
    edit["client_secret"] = json!("");
    let r = h
        .rest("PUT", &format!("/api/v1/sso-providers/{sid}"), key, Some(edit))
        .await;
    assert_eq!(ok(&r, StatusCode::OK)["button_label"], json!("Corp SSO"));

    let r = h
        .rest(
            "PUT",
            "/api/v1/settings",
            key,
            Some(json!({"values": {"max_concurrent_jobs": 3, "health_check_interval_secs": 120}})),
        )
        .await;
    let settings = ok(&r, StatusCode::OK);
    let value = |k: &str| {
        settings["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == json!(k))
            .map(|s| s["value"].clone())
    };
    assert_eq!(value("max_concurrent_jobs"), Some(json!(3)));
    let r = h
        .rest("DELETE", &format!("/api/v1/sso-providers/{sid}"), key, None)
        .await;
    ok(&r, StatusCode::NO_CONTENT);
    gid
}

/// The same steps through the console's server functions; returns the group's id.
async fn in_console(h: &Harness, admin: &str) -> i64 {
    let call = |endpoint: &'static str, form: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = h.call(endpoint, &pairs, Some(admin)).await;
        ok(&r, StatusCode::OK)
    };
    let s = |v: &str| v.to_string();
    let gid = call(
        "create_group",
        vec![
            ("name", s("Operators")),
            ("permissions[0]", s("jobs:read")),
            ("permissions[1]", s("executions:read")),
        ],
    )
    .await
    .as_i64()
    .unwrap();
    let g = gid.to_string();
    call(
        "update_group",
        vec![
            ("id", g.clone()),
            ("name", s("Operators")),
            ("description", s("night shift")),
            ("permissions[0]", s("jobs:read")),
        ],
    )
    .await;
    let uid = call(
        "create_user",
        vec![
            ("email", s(" Ops@Example.com ")),
            ("name", s("Ops")),
            ("password", s(PASSWORD)),
            ("password_confirm", s(PASSWORD)),
            ("group_id", g.clone()),
        ],
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();
    call(
        "update_user",
        vec![
            ("id", uid.clone()),
            ("name", s("Ops Person")),
            ("group_id", g.clone()),
        ],
    )
    .await;
    call("disable_user", vec![("id", uid.clone())]).await;
    call("enable_user", vec![("id", uid.clone())]).await;
    call(
        "reset_user_password",
        vec![
            ("id", uid.clone()),
            ("password", s(RESET)),
            ("password_confirm", s(RESET)),
        ],
    )
    .await;
    call("revoke_user_sessions", vec![("id", uid)]).await;
    let provider = |label: &str, secret: &str| {
        vec![
            ("slug", s("corp")),
            ("button_label", s(label)),
            ("issuer_url", issuer()),
            ("client_id", s("bulwark")),
            ("client_secret", s(secret)),
            ("email_domains", s("example.com")),
            ("allow_provisioning", s("on")),
            ("default_group_id", g.clone()),
            ("enabled", s("on")),
        ]
    };
    let sid = call("save_sso_provider", provider("Corp", "a provider secret")).await["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let mut edit = provider("Corp SSO", "");
    edit.push(("id", sid.clone()));
    call("save_sso_provider", edit).await;
    call(
        "save_settings",
        vec![
            ("values[max_concurrent_jobs]", s("3")),
            ("values[health_check_interval_secs]", s("120")),
        ],
    )
    .await;
    call("delete_sso_provider", vec![("id", sid)]).await;
    gid
}

async fn scenario(h: &Harness) {
    h.setup_admin().await;
    let key = h.api_key("admin-bot", KEY_PERMS).await;
    let gid = over_rest(h, &key).await;

    // The user the key made signs in with the password the key set.
    let r = h
        .call(
            "login",
            &[("email", "ops@example.com"), ("password", RESET)],
            None,
        )
        .await;
    assert!(r.session_cookie().is_some(), "{} {}", r.status, r.body);

    // Discovery against the real provider, when it runs here.
    if std::env::var("TEST_OIDC_ISSUER").is_ok() {
        let r = h
            .rest(
                "POST",
                "/api/v1/sso-providers/discovery",
                &key,
                Some(json!({"issuer_url": issuer()})),
            )
            .await;
        let report = ok(&r, StatusCode::OK);
        assert_eq!(report["ok"], json!(true), "{report}");
    }

    // Nobody hands out more than they hold: the key lacks jobs:write.
    let r = h
        .rest(
            "POST",
            "/api/v1/groups",
            &key,
            Some(json!({"name": "Writers", "permissions": ["jobs:write"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("jobs:write"), "{}", r.body);
    // A key without users:write is refused before its (malformed) body is read.
    let reader = h.api_key("reader", &["users:read"]).await;
    let r = h
        .rest("POST", "/api/v1/users", &reader, Some(json!({"nonsense": 1})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // One invalid value: nothing is stored.
    let r = h
        .rest(
            "PUT",
            "/api/v1/settings",
            &key,
            Some(json!({"values": {"max_concurrent_jobs": 4, "health_check_interval_secs": 1}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = h.rest("GET", "/api/v1/settings", &key, None).await;
    assert!(r.body.contains(r#""key":"max_concurrent_jobs""#), "{}", r.body);
    let stored = ok(&r, StatusCode::OK)["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == json!("max_concurrent_jobs"))
        .map(|s| s["value"].clone());
    assert_eq!(stored, Some(json!(3)));

    // settings:write alone is enough to change settings; the answer lists them all.
    let writer = h.api_key("writer", &["settings:write"]).await;
    let r = h
        .rest(
            "PUT",
            "/api/v1/settings",
            &writer,
            Some(json!({"values": {"max_concurrent_jobs": 3}})),
        )
        .await;
    assert!(
        ok(&r, StatusCode::OK)["settings"]
            .as_array()
            .is_some_and(|a| a.len() > 1),
        "{}",
        r.body
    );

    // The audit log, read over REST, names the key for every change.
    let r = h
        .rest(
            "GET",
            "/api/v1/audit?actor=api-key:admin-bot&limit=50",
            &key,
            None,
        )
        .await;
    let rows = ok(&r, StatusCode::OK)["rows"].as_array().unwrap().clone();
    let mut actions: Vec<&str> = rows.iter().filter_map(|e| e["action"].as_str()).collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "group.create",
            "group.update",
            "user.create",
            "user.update",
            "user.disable",
            "user.enable",
            "user.password_reset",
            "user.sessions_revoke",
            "sso.create",
            "sso.update",
            "settings.update",
            "sso.delete",
        ]
    );

    // The same through the console, in a second installation: the same entries.
    let console = common::harness(None).await;
    let admin = console.setup_admin().await;
    let console_gid = in_console(&console, &admin).await;
    let by_console = entries(&console, "admin@example.com", console_gid).await;
    let by_key = entries(h, "api-key:admin-bot", gid).await;
    console.state.engine.shutdown().await;
    std::fs::remove_dir_all(&console.data_dir).ok();
    assert_eq!(by_console.len(), 12, "{by_console:#?}");
    assert_eq!(by_console, by_key);
}
