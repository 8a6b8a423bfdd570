//! API keys from the console's server functions, through the real router: create (shown
//! once, scoped, never more than the creator holds), list (never the key), revoke,
//! expiry, permissions and audit.

use crate::common;

use chrono::{Duration, Utc};
use common::{Harness, harness};
use entity::{api_key, audit_log};
use http::{Request, StatusCode, header};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

async fn rest_get(h: &Harness, path: &str, key: &str) -> common::Reply {
    let req = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(axum::body::Body::empty())
        .unwrap();
    h.send(req).await
}

async fn ok(h: &Harness, endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint}: {}", r.body);
    r.json()
}

async fn stored_keys(h: &Harness) -> Vec<api_key::Model> {
    api_key::Entity::find().all(&h.state.db).await.unwrap()
}

fn row<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no key {name} in {list}"))
}

#[tokio::test]
async fn create_use_list_and_revoke() {
    let h = harness(None).await;
    let admin = h.setup_admin().await;

    // The console's checkboxes arrive as `permissions[]`; indexed keys work too.
    let created = ok(
        &h,
        "create_api_key",
        &[("name", "  ci reader  "), ("permissions[]", "jobs:read")],
        &admin,
    )
    .await;
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("bwk_") && key.len() == 44, "{created}");
    assert_eq!(created["name"], "ci reader");
    assert!(key.starts_with(created["prefix"].as_str().unwrap()));

    let stored = stored_keys(&h).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].permissions, json!(["jobs:read"]));
    assert_ne!(stored[0].key_hash, key);
    assert!(!stored[0].key_hash.contains(&key[4..]));
    assert_eq!(stored[0].expires_at, None);
    assert!(stored[0].created_by_user_id.is_some());

    // The key works on what it holds and nothing else.
    let r = rest_get(&h, "/api/v1/jobs", &key).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = rest_get(&h, "/api/v1/executions", &key).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The list: the row, its state and creator, never the key or its hash.
    let r = h.call("list_api_keys", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains(&key), "{}", r.body);
    assert!(!r.body.contains(&key[14..]), "{}", r.body);
    assert!(!r.body.contains(&stored[0].key_hash), "{}", r.body);
    let list = r.json();
    let listed = row(&list, "ci reader");
    assert_eq!(listed["state"], "active");
    assert_eq!(listed["permissions"], json!(["jobs:read"]));
    assert_eq!(listed["created_by"], "admin@example.com");
    assert_eq!(listed["prefix"], stored[0].prefix.as_str());
    assert!(listed["last_used_at"].is_string(), "{listed}");
    assert!(listed["expires_at"].is_null());

    // A second live key with the same name is refused.
    let r = h
        .call(
            "create_api_key",
            &[("name", "ci reader"), ("permissions[0]", "jobs:read")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("already exists"), "{}", r.body);
    // No permission at all is refused too.
    let r = h.call("create_api_key", &[("name", "empty")], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("at least one permission"), "{}", r.body);
    assert_eq!(stored_keys(&h).await.len(), 1);

    // Revoke: refused at once, and a second revoke says so.
    let id = listed["id"].to_string();
    ok(&h, "revoke_api_key", &[("id", &id)], &admin).await;
    let r = rest_get(&h, "/api/v1/jobs", &key).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = h.call("revoke_api_key", &[("id", &id)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("already revoked"), "{}", r.body);
    let r = h.call("revoke_api_key", &[("id", "99999")], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let list = ok(&h, "list_api_keys", &[], &admin).await;
    let listed = row(&list, "ci reader");
    assert_eq!(listed["state"], "revoked");
    assert!(listed["revoked_at"].is_string());
    assert!(stored_keys(&h).await[0].revoked_at.is_some());

    // Audit rows for both, without the key.
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("api_key"))
        .all(&h.state.db)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["api_key.create", "api_key.revoke"], "{entries:?}");
    for e in &entries {
        assert_eq!(e.actor_label, "admin@example.com");
        assert_eq!(e.resource_id.as_deref(), Some(id.as_str()));
        assert!(e.summary.contains("ci reader"), "{}", e.summary);
        assert!(!e.summary.contains(&key[14..]), "{}", e.summary);
        assert!(
            !format!("{:?}", e.changes).contains(&key[14..]),
            "{:?}",
            e.changes
        );
    }
    // The name is free again once the key is revoked.
    ok(
        &h,
        "create_api_key",
        &[("name", "ci reader"), ("permissions[]", "jobs:read")],
        &admin,
    )
    .await;
}

#[tokio::test]
async fn keys_never_hold_more_than_their_creator() {
    let h = harness(None).await;
    let admin = h.setup_admin().await;
    let limited = h
        .user_with(&admin, "limited@example.com", &["api_keys:write", "jobs:read"])
        .await;

    for perms in [
        vec![("permissions[]", "sources:write")],
        vec![("permissions[]", "jobs:read"), ("permissions[]", "sources:write")],
        vec![("permissions[]", "*")],
    ] {
        let mut form = vec![("name", "too much")];
        form.extend(perms);
        let r = h.call("create_api_key", &form, Some(&limited)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{form:?}: {}", r.body);
        assert!(!r.body.contains("bwk_"), "{}", r.body);
    }
    let r = h
        .call(
            "create_api_key",
            &[("name", "typo"), ("permissions[]", "jobs:fly")],
            Some(&limited),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Unknown permission"), "{}", r.body);
    assert_eq!(stored_keys(&h).await.len(), 0, "a refused key was stored");

    let created = ok(
        &h,
        "create_api_key",
        &[("name", "mine"), ("permissions[]", "jobs:read")],
        &limited,
    )
    .await;
    let key = created["key"].as_str().unwrap();
    assert_eq!(rest_get(&h, "/api/v1/jobs", key).await.status, StatusCode::OK);
    let stored = stored_keys(&h).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].permissions, json!(["jobs:read"]));

    // Without api_keys:read the list is refused; without api_keys:write, create and revoke.
    let r = h.call("list_api_keys", &[], Some(&limited)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let reader = h
        .user_with(&admin, "reader@example.com", &["api_keys:read", "jobs:read"])
        .await;
    assert_eq!(
        ok(&h, "list_api_keys", &[], &reader)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = h
        .call(
            "create_api_key",
            &[("name", "nope"), ("permissions[]", "jobs:read")],
            Some(&reader),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let id = stored[0].id.to_string();
    let r = h.call("revoke_api_key", &[("id", &id)], Some(&reader)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(stored_keys(&h).await[0].revoked_at.is_none());

    // The SuperAdmin may grant everything.
    let all = ok(
        &h,
        "create_api_key",
        &[("name", "all"), ("permissions[]", "*")],
        &admin,
    )
    .await;
    let all_key = all["key"].as_str().unwrap();
    assert_eq!(
        rest_get(&h, "/api/v1/executions", all_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn expiry_in_days() {
    let h = harness(None).await;
    let admin = h.setup_admin().await;

    for bad in ["0", "3651", "soon"] {
        let r = h
            .call(
                "create_api_key",
                &[
                    ("name", "bad expiry"),
                    ("permissions[]", "jobs:read"),
                    ("expires_in_days", bad),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert!(r.body.contains("between 1 and 3650"), "{}", r.body);
    }
    assert_eq!(api_key::Entity::find().count(&h.state.db).await.unwrap(), 0);

    let before = Utc::now();
    let created = ok(
        &h,
        "create_api_key",
        &[
            ("name", "monthly"),
            ("permissions[]", "jobs:read"),
            ("expires_in_days", "30"),
        ],
        &admin,
    )
    .await;
    let after = Utc::now();
    let key = created["key"].as_str().unwrap();
    let stored = api_key::Entity::find_by_id(created["id"].as_i64().unwrap())
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    let expires = stored.expires_at.expect("an expiry");
    assert!(
        expires >= before + Duration::days(30) - Duration::seconds(1)
            && expires <= after + Duration::days(30) + Duration::seconds(1),
        "{expires}"
    );
    assert_eq!(rest_get(&h, "/api/v1/jobs", key).await.status, StatusCode::OK);
    let list = ok(&h, "list_api_keys", &[], &admin).await;
    assert_eq!(row(&list, "monthly")["state"], "active");
    assert!(row(&list, "monthly")["expires_at"].is_string());

    // Once past its expiry the key is refused and listed as expired.
    let mut active: api_key::ActiveModel = stored.into();
    active.expires_at = Set(Some(Utc::now() - Duration::minutes(1)));
    active.update(&h.state.db).await.unwrap();
    let r = rest_get(&h, "/api/v1/jobs", key).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let list = ok(&h, "list_api_keys", &[], &admin).await;
    assert_eq!(row(&list, "monthly")["state"], "expired");
}

/// Finding 8 of docs/SECURITY.md: a key acts within what its owner holds *now*: a
/// permission the owner loses is gone from the key, a disabled owner's keys answer 401 at
/// once, and so do the keys of an owner who no longer exists.
#[tokio::test]
async fn keys_follow_their_owner() {
    use entity::user;
    let h = harness(None).await;
    let admin = h.setup_admin().await;
    let email = "ops@example.com";
    let ops = h
        .user_with(&admin, email, &["api_keys:write", "jobs:read", "sources:read"])
        .await;
    let created = ok(
        &h,
        "create_api_key",
        &[
            ("name", "ops ci"),
            ("permissions[]", "jobs:read"),
            ("permissions[]", "sources:read"),
        ],
        &ops,
    )
    .await;
    let key = created["key"].as_str().unwrap().to_string();
    assert_eq!(rest_get(&h, "/api/v1/sources", &key).await.status, StatusCode::OK);
    let owner = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    let id = owner.id.to_string();

    // Moved to a group without sources:read: the key loses it too.
    let narrower = h
        .group_with("Job watchers", &["api_keys:write", "jobs:read"])
        .await
        .to_string();
    ok(
        &h,
        "update_user",
        &[("id", &id), ("name", "Ops"), ("group_id", &narrower)],
        &admin,
    )
    .await;
    let r = rest_get(&h, "/api/v1/sources", &key).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(rest_get(&h, "/api/v1/jobs", &key).await.status, StatusCode::OK);

    // Disabled: 401 at once; enabled again, the key works within the group.
    ok(&h, "disable_user", &[("id", &id)], &admin).await;
    let r = rest_get(&h, "/api/v1/jobs", &key).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    ok(&h, "enable_user", &[("id", &id)], &admin).await;
    assert_eq!(rest_get(&h, "/api/v1/jobs", &key).await.status, StatusCode::OK);

    // Gone (the foreign key leaves the key without an owner): 401, while a key made on
    // the command line, which never had one, keeps its scopes.
    let (_, cli_key) = app::server::api_keys::create(
        &h.state.db,
        app::server::api_keys::NewKey {
            name: "operator".into(),
            permissions: vec!["jobs:read".into()],
            created_by_user_id: None,
            expires_at: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    entity::session::Entity::delete_many()
        .filter(entity::session::Column::UserId.eq(owner.id))
        .exec(&h.state.db)
        .await
        .unwrap();
    audit_log::Entity::update_many()
        .col_expr(
            audit_log::Column::ActorUserId,
            sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .filter(audit_log::Column::ActorUserId.eq(owner.id))
        .exec(&h.state.db)
        .await
        .unwrap();
    user::Entity::delete_by_id(owner.id)
        .exec(&h.state.db)
        .await
        .unwrap();
    let r = rest_get(&h, "/api/v1/jobs", &key).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(
        rest_get(&h, "/api/v1/jobs", &cli_key).await.status,
        StatusCode::OK
    );
}
