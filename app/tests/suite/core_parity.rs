//! Issue 14: an operation done through the console and through the REST API is one use
//! case, so both record the same audit entries but for the actor (and the ids and keys
//! each run made). Jobs and executions are in `rest_jobs`; encryption profiles here.

use crate::common;

use axum::body::Body;
use common::{Harness, Reply};
use http::{Request, StatusCode, header};
use serde_json::{Value, json};

on_both_backends!(
    console_and_rest_record_the_same_encryption_profile_changes,
    encryption_profiles
);

/// A recovery key's public half (its identity was thrown away).
const RECOVERY: &str = "age1ncd5hc9kppqnhg0grnuyhd7k4p0udfre7wa8relf2g29wp5zsdtsj4xwn7";

async fn rest(h: &Harness, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .unwrap();
    h.send(req).await
}

/// The audit entries `label` made under `prefix`, with the resource `id` and the
/// profile's own `recipient` (both differ from run to run) written as placeholders.
async fn entries(
    h: &Harness,
    label: &str,
    prefix: &str,
    id: &str,
    recipient: &str,
) -> Vec<(String, String, String, String)> {
    h.audit_by(label, prefix)
        .await
        .into_iter()
        .map(|e| {
            let resource = match e.resource_id {
                Some(r) if r == id => "ID".to_string(),
                other => other.unwrap_or_default(),
            };
            (e.action, resource, e.summary.replace(recipient, "OWN"), e.outcome)
        })
        .collect()
}

async fn encryption_profiles(h: &Harness) {
    let admin = h.setup_admin().await;
    let key = app::server::api_keys::create(
        &h.state.db,
        app::server::api_keys::NewKey {
            name: "keeper".into(),
            permissions: vec!["encryption:read".into(), "encryption:write".into()],
            created_by_user_id: None,
            expires_at: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .1;

    // Through the console.
    let ok = |r: Reply| {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    };
    let created = ok(h
        .call(
            "create_encryption_profile",
            &[("name", "Vault"), ("description", "offsite")],
            Some(&admin),
        )
        .await);
    let console_id = created["id"].as_i64().unwrap().to_string();
    let console_recipient = created["recipient"].as_str().unwrap().to_string();
    for endpoint in ["add_extra_recipient", "remove_extra_recipient"] {
        ok(h.call(
            endpoint,
            &[("id", &console_id), ("recipient", RECOVERY)],
            Some(&admin),
        )
        .await);
    }
    ok(
        h.call("delete_encryption_profile", &[("id", &console_id)], Some(&admin))
            .await,
    );

    // Through the REST API.
    let r = rest(
        h,
        "POST",
        "/api/v1/encryption-profiles",
        &key,
        Some(json!({"name": "Vault", "description": "offsite"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rest_id = r.json()["id"].as_i64().unwrap().to_string();
    let rest_recipient = r.json()["recipient"].as_str().unwrap().to_string();
    let path = format!("/api/v1/encryption-profiles/{rest_id}/recipients");
    let r = rest(h, "POST", &path, &key, Some(json!({"recipient": RECOVERY}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = rest(h, "DELETE", &path, &key, Some(json!({"recipient": RECOVERY}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = rest(
        h,
        "DELETE",
        &format!("/api/v1/encryption-profiles/{rest_id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    let console = entries(
        h,
        "admin@example.com",
        "encryption_profile.",
        &console_id,
        &console_recipient,
    )
    .await;
    let by_key = entries(
        h,
        "api-key:keeper",
        "encryption_profile.",
        &rest_id,
        &rest_recipient,
    )
    .await;
    let actions: Vec<&str> = console.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "encryption_profile.create",
            "encryption_profile.add_recipient",
            "encryption_profile.remove_recipient",
            "encryption_profile.delete"
        ],
        "{console:?}"
    );
    assert_eq!(console, by_key);
}

on_both_backends!(the_audit_log_reads_the_same_over_rest, audit_over_rest);

/// `GET /api/v1/audit` is the console's audit list: same filters, same rows, same pages.
async fn audit_over_rest(h: &Harness) {
    let admin = h.setup_admin().await;
    let make_key = |name: &'static str, perms: &'static [&'static str]| async move {
        app::server::api_keys::create(
            &h.state.db,
            app::server::api_keys::NewKey {
                name: name.into(),
                permissions: perms.iter().map(|p| p.to_string()).collect(),
                created_by_user_id: None,
                expires_at: None,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .1
    };
    let auditor = make_key("auditor", &["audit:read"]).await;
    let outsider = make_key("outsider", &["jobs:read"]).await;
    for name in ["One", "Two", "Three"] {
        let r = h
            .call("create_encryption_profile", &[("name", name)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    let r = rest(h, "GET", "/api/v1/audit", &outsider, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let query = "action=encryption_profile.&limit=2";
    let r = rest(h, "GET", &format!("/api/v1/audit?{query}"), &auditor, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.json();
    let console = h
        .call(
            "list_audit",
            &[("filter[action]", "encryption_profile."), ("filter[limit]", "2")],
            Some(&admin),
        )
        .await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.body);
    assert_eq!(page, console.json(), "the same page through both");
    let rows = page["rows"].as_array().unwrap();
    let summaries: Vec<&str> = rows.iter().map(|r| r["summary"].as_str().unwrap()).collect();
    assert_eq!(summaries.len(), 2, "{page}");
    assert!(
        summaries[0].starts_with("created encryption profile Three"),
        "{summaries:?}"
    );
    assert!(
        summaries[1].starts_with("created encryption profile Two"),
        "{summaries:?}"
    );
    let before = page["next_before"].as_i64().expect("an older page");
    let r = rest(
        h,
        "GET",
        &format!("/api/v1/audit?{query}&before={before}"),
        &auditor,
        None,
    )
    .await;
    let older = r.json();
    assert_eq!(older["rows"].as_array().unwrap().len(), 1, "{older}");
    assert!(
        older["rows"][0]["summary"]
            .as_str()
            .unwrap()
            .starts_with("created encryption profile One")
    );
    let r = rest(h, "GET", "/api/v1/audit?outcome=sideways", &auditor, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}
