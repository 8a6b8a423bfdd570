//! The REST API's authentication, scoping and error format, through the real router.

use crate::common;

use app::server::api_keys::{self, NewKey};
use chrono::{Duration, Utc};
use common::{Harness, harness};
use http::{Request, StatusCode, header};

async fn key(h: &Harness, perms: &[&str], expires_at: Option<chrono::DateTime<Utc>>) -> String {
    api_keys::create(
        &h.state.db,
        NewKey {
            name: format!("test {}", perms.join(",")),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            created_by_user_id: None,
            expires_at,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

async fn get(h: &Harness, path: &str, key: Option<&str>) -> common::Reply {
    let mut b = Request::get(path);
    if let Some(k) = key {
        b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    h.send(b.body(axum::body::Body::empty()).unwrap()).await
}

fn assert_error(r: &common::Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let body = r.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(!body["detail"].as_str().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn keys_are_checked_and_scoped() {
    let h = harness(None).await;
    assert_error(
        &get(&h, "/api/v1/executions", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_error(
        &get(
            &h,
            "/api/v1/executions",
            Some("bwk_0000000000000000000000000000000000000000"),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    let reader = key(&h, &["executions:read"], None).await;
    let r = get(&h, "/api/v1/executions", Some(&reader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["executions"], serde_json::json!([]));
    assert_error(
        &get(&h, "/api/v1/executions/999", Some(&reader)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &get(&h, "/api/v1/executions?status=exploded", Some(&reader)).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );

    let other = key(&h, &["jobs:read"], None).await;
    assert_error(
        &get(&h, "/api/v1/executions", Some(&other)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let all = key(&h, &["*"], None).await;
    assert_eq!(
        get(&h, "/api/v1/executions", Some(&all)).await.status,
        StatusCode::OK
    );

    // Expired and revoked keys stop working.
    let expiring = key(&h, &["*"], Some(Utc::now() + Duration::milliseconds(300))).await;
    assert_eq!(
        get(&h, "/api/v1/executions", Some(&expiring)).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_error(
        &get(&h, "/api/v1/executions", Some(&expiring)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    {
        use entity::api_key;
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let row = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(api_keys::hash(&all)))
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
        assert!(row.last_used_at.is_some(), "use is recorded");
        assert!(!format!("{row:?}").contains(&all[4..]), "only the hash is stored");
        let mut active: api_key::ActiveModel = row.into();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(&h.state.db).await.unwrap();
    }
    assert_error(
        &get(&h, "/api/v1/executions", Some(&all)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    // Unknown routes answer in the same format; the document is public and describes them.
    assert_error(
        &get(&h, "/api/v1/nothing-here", Some(&reader)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let doc = get(&h, "/api/v1/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/executions/{id}"]["get"].is_object());
    // Generated from the handler: exact bounds, and problem details for every refusal.
    let create = &doc["paths"]["/api/v1/groups"]["post"];
    assert_eq!(
        doc["components"]["schemas"]["GroupBody"]["properties"]["name"]["maxLength"], 100,
        "{create}"
    );
    for status in ["400", "401", "403", "409", "415"] {
        assert!(
            create["responses"][status]["content"]["application/problem+json"].is_object(),
            "{status}: {create}"
        );
    }
    // The written-out parts speak 3.1 too: no `nullable`.
    assert!(!doc.to_string().contains("\"nullable\""));
    std::fs::remove_dir_all(&h.data_dir).ok();
}
