//! The permission matrix: every server function and every `/api/v1` route is listed
//! (the lists are checked against what the app registers and documents), and each one,
//! called by a user or API key lacking its permission, answers 403 — or 401 when signed
//! out — and changes nothing: no row in any table, no file in the destination.
//! Runs on SQLite and, with `TEST_PG_URL`, on PostgreSQL.

use crate::common;
use crate::engine_fixtures;
use crate::matrix;

use app::permissions::Permission;
use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use common::{Harness, Reply};
use http::{Request, StatusCode, header};
use matrix::rest_routes::REST_ROUTES;
use matrix::server_fns::SERVER_FNS;
use matrix::world::World;
use matrix::{Need, snapshot};
use std::collections::{BTreeMap, BTreeSet};

/// The server functions declared in the source (`#[server(endpoint = "…")]`), so one
/// the linker left out of the registry still has to be listed.
fn declared_server_fns() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("app/src/api") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in text.split("#[server(endpoint = \"").skip(1) {
            found.insert(part.split('"').next().unwrap().to_string());
        }
    }
    found
}

#[test]
fn every_server_function_is_in_the_matrix() {
    let mut declared = declared_server_fns();
    declared.extend(
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.trim_start_matches("/api/").to_string()),
    );
    let listed: BTreeSet<String> = SERVER_FNS.iter().map(|c| c.endpoint.to_string()).collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "server functions missing from the matrix: {missing:?}; listed but not declared: {stale:?}"
    );
    assert!(
        declared.len() > 40,
        "only {} server functions found",
        declared.len()
    );
}

#[tokio::test]
async fn every_rest_route_is_in_the_matrix() {
    let h = common::harness(None).await;
    let doc = h.get("/api/v1/openapi.json", None).await.json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    documented.insert("GET /api/v1/openapi.json".to_string());
    let listed: BTreeSet<String> = REST_ROUTES
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let missing: Vec<_> = documented.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&documented).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes missing from the matrix: {missing:?}; listed but not documented: {stale:?}"
    );
    h.state.engine.shutdown().await;
    std::fs::remove_dir_all(&h.data_dir).ok();
}

on_both_backends!(
    server_functions_refuse_callers_without_the_permission,
    server_fn_denials
);
on_both_backends!(rest_routes_refuse_keys_without_the_permission, rest_denials);

/// Every permission string except `lacking`.
fn all_but(lacking: &[&str]) -> Vec<&'static str> {
    Permission::EVERY
        .iter()
        .map(|p| p.as_str())
        .filter(|p| !lacking.contains(p))
        .collect()
}

async fn call_filled(
    h: &Harness,
    world: &World,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Reply {
    let filled: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), world.fill(v))).collect();
    let pairs: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    h.call(endpoint, &pairs, cookie).await
}

async fn server_fn_denials(h: &Harness) {
    let admin = h.setup_admin().await;
    let world = matrix::world::build(h, &admin).await;
    let nobody = h.user_with(&admin, "nobody@example.com", &[]).await;
    // One user per needed permission, holding every other permission.
    let mut lacking: BTreeMap<Vec<&str>, String> = BTreeMap::new();
    for case in SERVER_FNS {
        let denied = case.need.denied_without();
        if denied.is_empty() || lacking.contains_key(&denied) {
            continue;
        }
        let email = format!("without-{}@example.com", denied.join("-").replace(':', "."));
        let cookie = h.user_with(&admin, &email, &all_but(&denied)).await;
        lacking.insert(denied, cookie);
    }

    let before = snapshot::take(&h.state.db, &world.dir).await;
    let mut checked = 0;
    for case in SERVER_FNS {
        let callers: Vec<(&str, Option<&str>, StatusCode)> = match case.need {
            Need::Public => continue,
            Need::SignedIn => vec![("signed out", None, StatusCode::UNAUTHORIZED)],
            Need::Perm(_) | Need::AnyOf(_) => vec![
                ("signed out", None, StatusCode::UNAUTHORIZED),
                (
                    "a user with no permissions",
                    Some(nobody.as_str()),
                    StatusCode::FORBIDDEN,
                ),
                (
                    "a user with every other permission",
                    Some(lacking[&case.need.denied_without()].as_str()),
                    StatusCode::FORBIDDEN,
                ),
            ],
        };
        for (who, cookie, expected) in callers {
            let r = call_filled(h, &world, case.endpoint, case.form, cookie).await;
            assert_eq!(
                r.status, expected,
                "{} {:?} called by {who}: {}",
                case.endpoint, case.need, r.body
            );
            if expected == StatusCode::FORBIDDEN {
                for p in case.need.denied_without() {
                    assert!(
                        r.body.contains(p),
                        "{}: the refusal should name {p}: {}",
                        case.endpoint,
                        r.body
                    );
                }
            }
            let after = snapshot::take(&h.state.db, &world.dir).await;
            if let Some(diff) = snapshot::difference(&before, &after) {
                panic!(
                    "{} called by {who} was refused but changed something: {diff}",
                    case.endpoint
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} refusals checked");
    // The world is intact, so the refusals above were refusals of real, possible changes.
    let r = h
        .call(
            "list_backups",
            &[("destination_id", world.get("destination"))],
            Some(&admin),
        )
        .await;
    assert!(r.body.contains(world.get("object")), "{}", r.body);
}

async fn key(h: &Harness, name: &str, perms: &[&str]) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: name.into(),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            created_by_user_id: None,
            expires_at: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .1
}

async fn rest(
    h: &Harness,
    world: &World,
    method: &str,
    path: &str,
    body: Option<&str>,
    key: Option<&str>,
) -> Reply {
    let mut b = Request::builder().method(method).uri(world.fill(path));
    if let Some(k) = key {
        b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    let body = match body {
        Some(text) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(world.fill(text))
        }
        None => Body::empty(),
    };
    h.send(b.body(body).unwrap()).await
}

async fn rest_denials(h: &Harness) {
    let admin = h.setup_admin().await;
    let world = matrix::world::build(h, &admin).await;
    let empty = key(h, "no permissions", &[]).await;
    let mut lacking: BTreeMap<Vec<&str>, String> = BTreeMap::new();
    for route in REST_ROUTES {
        let denied = route.need.denied_without();
        if !denied.is_empty() && !lacking.contains_key(&denied) {
            let k = key(h, &format!("without {}", denied.join(" ")), &all_but(&denied)).await;
            lacking.insert(denied, k);
        }
    }
    let before = snapshot::take(&h.state.db, &world.dir).await;
    let mut checked = 0;
    for route in REST_ROUTES {
        let callers: Vec<(&str, Option<&str>, StatusCode)> = match route.need {
            Need::Public => continue,
            Need::SignedIn => vec![("no key", None, StatusCode::UNAUTHORIZED)],
            Need::Perm(_) | Need::AnyOf(_) => vec![
                ("no key", None, StatusCode::UNAUTHORIZED),
                (
                    "a key with no permissions",
                    Some(empty.as_str()),
                    StatusCode::FORBIDDEN,
                ),
                (
                    "a key with every other permission",
                    Some(lacking[&route.need.denied_without()].as_str()),
                    StatusCode::FORBIDDEN,
                ),
            ],
        };
        for (who, k, expected) in callers {
            let r = rest(h, &world, route.method, route.call, route.body, k).await;
            assert_eq!(
                r.status, expected,
                "{} {} with {who}: {}",
                route.method, route.path, r.body
            );
            assert!(
                r.headers
                    .get(header::CONTENT_TYPE)
                    .is_some_and(|v| v.to_str().unwrap_or("") == "application/problem+json"),
                "{} {}: errors are problem details",
                route.method,
                route.path
            );
            let after = snapshot::take(&h.state.db, &world.dir).await;
            if let Some(diff) = snapshot::difference(&before, &after) {
                panic!(
                    "{} {} with {who} was refused but changed something: {diff}",
                    route.method, route.path
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 90, "only {checked} refusals checked");
}

/// The snapshot sees a new row and a removed file, so "no difference" above means something.
#[tokio::test]
async fn the_snapshot_notices_rows_and_files() {
    use sea_orm::{ActiveModelTrait, Set};
    let h = common::harness(None).await;
    let dir = engine_fixtures::temp_dir("snapshot");
    std::fs::write(dir.join("backup.bin"), b"data").unwrap();
    let before = snapshot::take(&h.state.db, &dir).await;
    assert_eq!(
        snapshot::difference(&before, &snapshot::take(&h.state.db, &dir).await),
        None
    );
    let now = chrono::Utc::now();
    entity::setting::ActiveModel {
        key: Set("matrix.probe".into()),
        value: Set(serde_json::json!(1)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&h.state.db)
    .await
    .unwrap();
    let diff = snapshot::difference(&before, &snapshot::take(&h.state.db, &dir).await);
    assert!(diff.is_some_and(|d| d.contains("matrix.probe")));
    let with_row = snapshot::take(&h.state.db, &dir).await;
    std::fs::remove_file(dir.join("backup.bin")).unwrap();
    let diff = snapshot::difference(&with_row, &snapshot::take(&h.state.db, &dir).await);
    assert!(diff.is_some_and(|d| d.contains("files changed")));
    h.state.engine.shutdown().await;
    std::fs::remove_dir_all(&h.data_dir).ok();
    std::fs::remove_dir_all(&dir).ok();
}
