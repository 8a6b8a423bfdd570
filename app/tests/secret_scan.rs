//! No secret in any response, log line or audit entry. The test plants one secret of each
//! kind (the admin's password, a PostgreSQL password, an S3 secret key, an age identity,
//! an API key), then calls every server function (as the admin, with the matrix's
//! requests), every `/api/v1` route (with an all-permissions key) and every console page,
//! and scans everything captured: bodies and headers, the audit log, and the log lines.

#[path = "suite/common/mod.rs"]
mod common;
#[path = "suite/engine_fixtures/mod.rs"]
mod engine_fixtures;
#[path = "suite/matrix/mod.rs"]
mod matrix;

use app::server::api_keys::{self, NewKey};
use axum::body::Body;
use common::{Harness, PASSWORD};
use http::{Request, header};
use matrix::rest_routes::REST_ROUTES;
use matrix::server_fns::SERVER_FNS;
use sea_orm::{EntityTrait, FromQueryResult, JsonValue, Statement};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Responses that hand a secret to its owner on purpose: the identity download (an
/// explicit, audited export needing encryption:write). TOTP enrolment shows its secret
/// too, but only until confirmed, which happens before the sweep.
const DELIBERATE: &[(&str, &str)] = &[
    ("download_identity", "age identity"),
    ("totp_begin", "TOTP secret"),
];

#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Captured {
    what: String,
    text: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_secret_in_any_response_log_line_or_audit_entry() {
    let logs = LogCapture::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .init();
    let sqlite = common::harness(None).await;
    scan(&sqlite, &logs).await;
    sqlite.state.engine.shutdown().await;
    std::fs::remove_dir_all(&sqlite.data_dir).ok();
    if let Some(url) = common::fresh_pg_database("secret_scan").await {
        let pg = common::harness(Some(url)).await;
        scan(&pg, &logs).await;
        pg.state.engine.shutdown().await;
        std::fs::remove_dir_all(&pg.data_dir).ok();
    }
}

async fn scan(h: &Harness, logs: &LogCapture) {
    let admin = h.setup_admin().await;
    let mut world = matrix::world::build(h, &admin).await;
    let mut secrets: Vec<(&'static str, String)> = vec![("password", PASSWORD.to_string())];
    let tag = uuid::Uuid::new_v4().simple().to_string();

    let pg_password = format!("pg-password-{tag}");
    let s3_secret = format!("s3-secret-{tag}");
    let created = [
        (
            "source",
            "postgres",
            vec![
                ("host", "127.0.0.1"),
                ("port", "1"),
                ("username", "u"),
                ("password", pg_password.as_str()),
            ],
        ),
        (
            "destination",
            "s3",
            vec![
                ("endpoint", "http://127.0.0.1:1"),
                ("bucket", "b"),
                ("access_key_id", "AKIDSCAN"),
                ("secret_access_key", s3_secret.as_str()),
            ],
        ),
    ];
    for (kind, adapter, config) in created {
        let mut form = vec![
            ("kind".to_string(), kind.to_string()),
            ("adapter_id".into(), adapter.into()),
            ("name".into(), format!("secret {kind}")),
        ];
        form.extend(
            config
                .iter()
                .map(|(k, v)| (format!("config[{k}]"), v.to_string())),
        );
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = h.call("create_adapter", &pairs, Some(&admin)).await;
        assert!(r.status.is_success(), "create {adapter}: {}", r.body);
    }
    secrets.push(("PostgreSQL password", pg_password));
    secrets.push(("S3 secret key", s3_secret));
    let profile =
        entity::encryption_profile::Entity::find_by_id(world.get("profile").parse::<i64>().unwrap())
            .one(&h.state.db)
            .await
            .unwrap()
            .unwrap();
    let identity = String::from_utf8(h.state.master_key.open(&profile.identity_encrypted).unwrap()).unwrap();
    assert!(identity.starts_with("AGE-SECRET-KEY-"));
    secrets.push(("age identity", identity));
    let (_, token) = api_keys::create(
        &h.state.db,
        NewKey {
            name: "scan key".into(),
            permissions: vec!["*".into()],
            created_by_user_id: None,
            expires_at: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    secrets.push(("API key", token.clone()));
    world.set("token", &token);

    let mut captured: Vec<Captured> = Vec::new();
    // TOTP enrolment: the secret is shown once, then confirmed with a computed code.
    let begin = h.call("totp_begin", &[], Some(&admin)).await;
    assert!(begin.status.is_success(), "totp_begin: {}", begin.body);
    let totp_secret = begin.json()["secret"]
        .as_str()
        .expect("the TOTP secret")
        .to_string();
    let code = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&totp_secret).unwrap())
        .build()
        .unwrap()
        .generate_current()
        .to_string();
    let confirm = h.call("totp_confirm", &[("code", &code)], Some(&admin)).await;
    assert!(confirm.status.is_success(), "totp_confirm: {}", confirm.body);
    let backup_codes: Vec<String> = serde_json::from_str(&confirm.body).expect("the backup codes");
    assert_eq!(backup_codes.len(), 10);
    secrets.push(("TOTP secret", totp_secret));
    secrets.extend(backup_codes.into_iter().map(|c| ("backup code", c)));
    secrets.push(("SSO client secret", matrix::world::SSO_CLIENT_SECRET.to_string()));
    secrets.push(("webhook URL token", matrix::world::WEBHOOK_TOKEN.to_string()));
    // Passwords the sweep itself sets.
    secrets.push(("changed password", "the matrix changed password".to_string()));
    secrets.push(("reset password", "a reset password for matrix".to_string()));

    for case in SERVER_FNS {
        // Signing out would end the admin's session for the rest of the sweep.
        if matches!(case.endpoint, "logout" | "cancel_pending_login") {
            continue;
        }
        let filled: Vec<(String, String)> = case
            .form
            .iter()
            .map(|(k, v)| (k.to_string(), world.fill(v)))
            .collect();
        let pairs: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = h.call(case.endpoint, &pairs, Some(&admin)).await;
        captured.push(Captured {
            what: format!("server function {}", case.endpoint),
            text: format!("{:?}\n{}", r.headers, r.body),
        });
    }
    for route in REST_ROUTES {
        let mut b = Request::builder()
            .method(route.method)
            .uri(world.fill(route.call))
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match route.body {
            Some(text) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(world.fill(text))
            }
            None => Body::empty(),
        };
        let r = h.send(b.body(body).unwrap()).await;
        captured.push(Captured {
            what: format!("{} {}", route.method, route.path),
            text: format!("{:?}\n{}", r.headers, r.body),
        });
    }
    for page in page_paths(&world) {
        let r = h.get(&page, Some(&admin)).await;
        captured.push(Captured {
            what: format!("page {page}"),
            text: format!("{:?}\n{}", r.headers, r.body),
        });
    }
    assert!(captured.len() > 100, "only {} responses captured", captured.len());

    for c in &captured {
        for (kind, secret) in &secrets {
            let deliberate = DELIBERATE
                .iter()
                .any(|(endpoint, k)| c.what == format!("server function {endpoint}") && k == kind);
            assert!(
                deliberate || !c.text.contains(secret.as_str()),
                "{} contains the {kind}",
                c.what
            );
        }
    }
    let audit = JsonValue::find_by_statement(Statement::from_string(
        h.state.db.get_database_backend(),
        "SELECT * FROM audit_logs",
    ))
    .all(&h.state.db)
    .await
    .unwrap();
    assert!(audit.len() > 20, "only {} audit entries", audit.len());
    for row in audit {
        for (kind, secret) in &secrets {
            assert!(
                !row.to_string().contains(secret.as_str()),
                "audit entry {row} contains the {kind}"
            );
        }
    }
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(log.lines().count() > 10, "the log capture caught nothing");
    for (kind, secret) in &secrets {
        assert!(!log.contains(secret.as_str()), "a log line contains the {kind}");
    }
}

/// Every console page, with its parameters taken from the world.
fn page_paths(world: &matrix::world::World) -> Vec<String> {
    leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| r.path().to_string())
        .map(|p| {
            p.replace(
                ":id",
                match p.as_str() {
                    p if p.starts_with("/executions") => world.get("execution"),
                    p if p.starts_with("/storage") => world.get("destination"),
                    _ => "1",
                },
            )
        })
        .collect()
}
