//! Test harness: a real router over a real database, driven request by request.
#![allow(dead_code)]

use app::server::{config::Config, router, startup, state::AppState};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, Response, StatusCode, header};
use std::collections::HashMap;
use std::net::SocketAddr;
use tower::ServiceExt;

/// Declares a test running `$case` on SQLite, then on a fresh PostgreSQL database when
/// `TEST_PG_URL` is set. `with_backend` passes "sqlite"/"postgres" as a second argument;
/// an extra expression adds environment variables to both harnesses.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($name:ident, $case:ident) => {
        on_both_backends!(@test $name, &[], h, backend => $case(&h));
    };
    ($name:ident, $case:ident, with_backend) => {
        on_both_backends!(@test $name, &[], h, backend => $case(&h, backend));
    };
    ($name:ident, $case:ident, with_backend, $env:expr) => {
        on_both_backends!(@test $name, $env, h, backend => $case(&h, backend));
    };
    (@test $name:ident, $env:expr, $h:ident, $backend:ident => $call:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            let env: &[(&str, &str)] = $env;
            for $backend in ["sqlite", "postgres"] {
                let pg_url = if $backend == "postgres" {
                    match common::fresh_pg_database(stringify!($name)).await {
                        Some(url) => Some(url),
                        None => break,
                    }
                } else {
                    None
                };
                let mut vars = env.to_vec();
                if let Some(url) = &pg_url {
                    vars.push(("DATABASE_URL", url.as_str()));
                }
                let $h = common::harness_with(&vars).await;
                $call.await;
                $h.state.engine.shutdown().await;
                std::fs::remove_dir_all(&$h.data_dir).ok();
            }
        }
    };
}

pub struct Harness {
    pub state: AppState,
    pub router: axum::Router,
    pub data_dir: std::path::PathBuf,
}

/// `database_url`: `None` for the embedded SQLite default.
pub async fn harness(database_url: Option<String>) -> Harness {
    match database_url {
        Some(url) => harness_with(&[("DATABASE_URL", &url)]).await,
        None => harness_with(&[]).await,
    }
}

/// A harness configured by these environment variables (plus a fresh data folder).
pub async fn harness_with(env: &[(&str, &str)]) -> Harness {
    let data_dir = std::env::temp_dir().join(format!("bulwark-test-{}", uuid::Uuid::new_v4()));
    let mut vars: HashMap<&str, String> = HashMap::new();
    vars.insert("BULWARK_DATA_DIR", data_dir.display().to_string());
    for (k, v) in env {
        vars.insert(k, v.to_string());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
    let state = startup::prepare(config).await.expect("prepare");
    // The tests' notification receivers listen on loopback, which channels reach only
    // when a SuperAdmin allows it (notification_targets.rs turns it off again).
    app::server::settings::set(&state.db, &app::server::settings::NOTIFY_PRIVATE_TARGETS, 1)
        .await
        .expect("allow loopback receivers");
    let router = router::build(state.clone());
    Harness {
        state,
        router,
        data_dir,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }

    /// The session token set by this reply, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("bulwark_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Harness {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let mut req = req;
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 7], 40000))));
        }
        let res: Response<Body> = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A GET whose body is binary (a download): status, headers and the exact bytes.
    pub async fn get_bytes(
        &self,
        path: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, http::HeaderMap, Vec<u8>) {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let mut req = b.body(Body::empty()).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 7], 40000))));
        let res: Response<Body> = self.router.clone().oneshot(req).await.expect("infallible");
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024)
            .await
            .expect("body");
        (status, headers, bytes.to_vec())
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// Calls a server function the way a browser form does (URL-encoded POST).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.call_from([127, 0, 0, 7], endpoint, form, cookie).await
    }

    /// [`call`](Self::call) from another client address.
    pub async fn call_from(
        &self,
        ip: [u8; 4],
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut b = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let mut req = b.body(Body::from(body)).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        self.send(req).await
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A fresh PostgreSQL database for one test, from `TEST_PG_URL`; `None` (with a notice)
/// when no server is configured, unless `BULWARK_REQUIRE_SERVICES=1` makes that a failure.
pub async fn fresh_pg_database(test: &str) -> Option<String> {
    let Ok(admin_url) = std::env::var("TEST_PG_URL") else {
        assert!(
            std::env::var("BULWARK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "TEST_PG_URL is not set but BULWARK_REQUIRE_SERVICES=1: start the test services (scripts/test-services/start.sh)"
        );
        eprintln!("notice: TEST_PG_URL unset; skipping the PostgreSQL half of {test}");
        return None;
    };
    use sea_orm::{ConnectionTrait, Database};
    // PostgreSQL cuts names at 63 bytes: shorten the test's, never the unique suffix.
    let name = format!(
        "bulwark_{}_{}",
        &test[..test.len().min(40)],
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let admin = Database::connect(&admin_url)
        .await
        .expect("connect to TEST_PG_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}

/// The password of every user the tests create.
pub const PASSWORD: &str = "a sufficiently long password";

impl Harness {
    /// First-run setup of admin@example.com; returns the admin's session cookie.
    pub async fn setup_admin(&self) -> String {
        let r = self
            .call(
                "setup_admin",
                &[
                    ("email", "admin@example.com"),
                    ("name", "Ada"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
                None,
            )
            .await;
        r.session_cookie()
            .unwrap_or_else(|| panic!("setup did not sign in: {} {}", r.status, r.body))
    }

    /// A new group holding exactly `perms`, written straight to the database; its id.
    pub async fn group_with(&self, name: &str, perms: &[&str]) -> i64 {
        use sea_orm::{ActiveModelTrait, Set};
        let now = chrono::Utc::now();
        entity::group::ActiveModel {
            name: Set(name.into()),
            description: Set(None),
            permissions: Set(serde_json::json!(perms)),
            protected: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.state.db)
        .await
        .expect("insert group")
        .id
    }

    /// The built-in SuperAdmin group's id.
    pub async fn superadmin_group_id(&self) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::group::Entity::find()
            .filter(entity::group::Column::Protected.eq(true))
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("the SuperAdmin group is seeded")
            .id
    }

    /// A signed-in user in a new group holding exactly `perms`; returns its cookie.
    pub async fn user_with(&self, admin: &str, email: &str, perms: &[&str]) -> String {
        let gid = self
            .group_with(&format!("group of {email}"), perms)
            .await
            .to_string();
        let form = [
            ("email", email),
            ("name", "Someone"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("group_id", gid.as_str()),
        ];
        let r = self.call("create_user", &form, Some(admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = self
            .call("login", &[("email", email), ("password", PASSWORD)], None)
            .await;
        r.session_cookie()
            .unwrap_or_else(|| panic!("{email} could not sign in: {} {}", r.status, r.body))
    }

    /// A new API key without an owner holding `perms`; returns the key itself.
    pub async fn api_key(&self, name: &str, perms: &[&str]) -> String {
        let key = app::server::api_keys::NewKey {
            name: name.into(),
            permissions: perms.iter().map(|p| p.to_string()).collect(),
            created_by_user_id: None,
            expires_at: None,
        };
        app::server::api_keys::create(&self.state.db, key, chrono::Utc::now())
            .await
            .unwrap()
            .1
    }

    /// The audit entries `label` made whose action starts with `prefix`, oldest first.
    pub async fn audit_by(&self, label: &str, prefix: &str) -> Vec<entity::audit_log::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::ActorLabel.eq(label))
            .filter(entity::audit_log::Column::Action.starts_with(prefix))
            .order_by_asc(entity::audit_log::Column::Id)
            .all(&self.state.db)
            .await
            .unwrap()
    }

    /// A REST call with `key` as its bearer and `body` as its JSON.
    pub async fn rest(&self, method: &str, path: &str, key: &str, body: Option<serde_json::Value>) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
            .unwrap();
        self.send(req).await
    }
}
