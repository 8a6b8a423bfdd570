//! Sources, destinations and encryption profiles through the real router: write-only
//! secrets, validation, test connection and health, permissions, refused deletes and
//! the one-time identity download. On SQLite and on PostgreSQL.

use crate::common;

use common::{Harness, fresh_pg_database, harness};
use entity::{audit_log, job, job_destination};
use http::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

const DB_PASSWORD: &str = "pg-Secret-7f3a9c";

async fn ok(h: &Harness, endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint} {form:?}: {}", r.body);
    r.json()
}

fn stored_config(h: &Harness, sealed: &str) -> Value {
    app::server::secrets::open(&h.state.master_key, sealed).unwrap()
}

async fn scenario(h: Harness) {
    let admin = h.setup_admin().await;

    // The form of every adapter comes from its schema.
    let types = ok(&h, "adapter_types", &[("kind", "source")], &admin).await;
    let pg = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "postgres")
        .expect("postgres is a source type");
    let password_field = pg["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "password")
        .unwrap();
    assert_eq!(password_field["secret"], true);
    assert_eq!(password_field["kind"], "password");
    let dest_types = ok(&h, "adapter_types", &[("kind", "destination")], &admin).await;
    assert!(dest_types.as_array().unwrap().iter().any(|t| t["id"] == "local"));
    let s3 = dest_types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "s3")
        .unwrap();
    assert!(
        s3["capabilities"].to_string().contains("uploads in parts"),
        "{s3}"
    );
    let presets: Vec<_> = s3["presets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        presets,
        ["aws", "r2", "b2", "hetzner", "wasabi", "minio", "garage"]
    );
    assert_eq!(s3["presets"][2]["values"]["region"], "us-west-004");
    assert_eq!(
        types.as_array().unwrap()[0]["capabilities"],
        serde_json::json!([])
    );
    assert!(
        !dest_types
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "postgres")
    );

    // Create a PostgreSQL source with a password; nothing sent back holds it.
    let source_form = |password: &'static str| {
        vec![
            ("kind", "source"),
            ("adapter_id", "postgres"),
            ("name", "main-db"),
            ("config[host]", "127.0.0.1"),
            ("config[port]", "1"),
            ("config[username]", "backup"),
            ("config[password]", password),
            ("config[format]", "custom"),
            ("config[sslmode]", "disable"),
        ]
    };
    let r = h
        .call("create_adapter", &source_form(DB_PASSWORD), Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains(DB_PASSWORD));
    let source_id = r.json().as_i64().unwrap();
    let source_id_s = source_id.to_string();
    let r = h.call("list_adapters", &[("kind", "source")], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains(DB_PASSWORD),
        "the list leaked the password: {}",
        r.body
    );
    let rows = r.json();
    assert_eq!(rows[0]["name"], "main-db");
    assert_eq!(rows[0]["health"], "unknown");
    assert_eq!(rows[0]["secrets_set"], json!(["password"]));
    assert!(rows[0]["values"].to_string().contains("127.0.0.1"));
    let page = h.get("/sources", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("main-db"), "{}", page.body);
    assert!(!page.body.contains(DB_PASSWORD), "the page leaked the password");
    assert!(
        page.body.contains(r#"name="config[password]""#),
        "the add form is rendered from the schema: {}",
        page.body
    );

    // A duplicate name is a conflict.
    let r = h.call("create_adapter", &source_form("x"), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("A source named main-db already exists."),
        "{}",
        r.body
    );

    // Editing without the password keeps it (read back from the sealed config).
    // (The browser's edit form also sends the fixed adapter_id; it is ignored.)
    let mut edit = source_form("");
    edit.push(("id", &source_id_s));
    edit.iter_mut().find(|(k, _)| *k == "config[username]").unwrap().1 = "backup2";
    ok(&h, "update_adapter", &edit, &admin).await;
    let stored = entity::adapter_config::Entity::find_by_id(source_id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.config_encrypted.contains(DB_PASSWORD));
    let config = stored_config(&h, &stored.config_encrypted);
    assert_eq!(
        config["password"], DB_PASSWORD,
        "an empty secret keeps the stored one"
    );
    assert_eq!(config["username"], "backup2");
    assert_eq!(config["port"], 1);
    assert_eq!(stored.metadata["password"], "set");

    // Validation: the schema's and the adapter's own.
    let r = h
        .call(
            "create_adapter",
            &[
                ("kind", "destination"),
                ("adapter_id", "local"),
                ("name", "rel"),
                ("config[path]", "relative/dir"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("absolute path"), "{}", r.body);
    let r = h
        .call(
            "create_adapter",
            &[("kind", "destination"), ("adapter_id", "local"), ("name", "rel")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Directory is required"), "{}", r.body);
    let r = h
        .call(
            "create_adapter",
            &[
                ("kind", "destination"),
                ("adapter_id", "postgres"),
                ("name", "x"),
                ("config[host]", "h"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a source is no destination: {}",
        r.body
    );

    // Test connection against a closed port: "host unreachable", DEGRADED, then OFFLINE.
    for (n, expected) in [(1, "degraded"), (2, "degraded"), (3, "offline")] {
        let report = ok(
            &h,
            "test_adapter",
            &[("kind", "source"), ("id", &source_id_s)],
            &admin,
        )
        .await;
        assert_eq!(report["ok"], false, "{report}");
        assert!(
            report["message"]
                .as_str()
                .unwrap()
                .starts_with("host unreachable"),
            "{report}"
        );
        assert_eq!(report["health"], expected, "after {n} failures");
    }
    let rows = ok(&h, "list_adapters", &[("kind", "source")], &admin).await;
    assert_eq!(rows[0]["health"], "offline");
    assert!(
        rows[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("host unreachable")
    );
    assert!(rows[0]["last_check_at"].is_string());

    // A local destination tests ONLINE; the unsaved form can be tested too.
    let dir = h.data_dir.with_extension("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let dir_s = dir.display().to_string();
    let dest_form = [
        ("kind", "destination"),
        ("adapter_id", "local"),
        ("name", "disk"),
        ("config[path]", dir_s.as_str()),
    ];
    let report = ok(&h, "test_adapter_form", &dest_form, &admin).await;
    assert_eq!(report["ok"], true, "{report}");
    let dest_id = ok(&h, "create_adapter", &dest_form, &admin)
        .await
        .as_i64()
        .unwrap();
    let dest_id_s = dest_id.to_string();
    let report = ok(
        &h,
        "test_adapter",
        &[("kind", "destination"), ("id", &dest_id_s)],
        &admin,
    )
    .await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["message"], "Connection OK");
    assert_eq!(report["health"], "online");
    // The form test of a stored source uses its stored password when left empty.
    let mut form_test = source_form("");
    form_test.push(("id", &source_id_s));
    let report = ok(&h, "test_adapter_form", &form_test, &admin).await;
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .starts_with("host unreachable")
    );

    // A user without the write permissions is refused and nothing changes.
    let viewer = h
        .user_with(
            &admin,
            "viewer@example.com",
            &["sources:read", "destinations:read", "encryption:read"],
        )
        .await;
    assert_eq!(
        ok(&h, "list_adapters", &[("kind", "source")], &viewer).await[0]["name"],
        "main-db"
    );
    let refused: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "create_adapter",
            dest_form
                .iter()
                .map(|(k, v)| (*k, if *k == "name" { "other" } else { *v }))
                .collect(),
        ),
        (
            "update_adapter",
            edit.iter()
                .map(|(k, v)| (*k, if *k == "name" { "renamed" } else { *v }))
                .collect(),
        ),
        (
            "delete_adapter",
            vec![("kind", "destination"), ("id", &dest_id_s)],
        ),
        ("test_adapter", vec![("kind", "source"), ("id", &source_id_s)]),
        ("create_encryption_profile", vec![("name", "sneaky")]),
    ];
    for (endpoint, form) in &refused {
        let r = h.call(endpoint, form, Some(&viewer)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{endpoint}: {}", r.body);
    }
    let sources = ok(&h, "list_adapters", &[("kind", "source")], &admin).await;
    assert_eq!(sources.as_array().unwrap().len(), 1);
    assert_eq!(sources[0]["name"], "main-db");
    assert_eq!(
        sources[0]["health"], "offline",
        "the refused test recorded nothing"
    );
    assert_eq!(
        ok(&h, "list_adapters", &[("kind", "destination")], &admin)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Encryption profile: created with a fresh identity; only the recipient is shown.
    let profile = ok(
        &h,
        "create_encryption_profile",
        &[("name", "offsite"), ("description", "")],
        &admin,
    )
    .await;
    let recipient = profile["recipient"].as_str().unwrap().to_string();
    assert!(recipient.starts_with("age1"), "{profile}");
    let profile_id = profile["id"].as_i64().unwrap().to_string();
    let r = h.call("list_encryption_profiles", &[], Some(&viewer)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("AGE-SECRET-KEY"), "{}", r.body);
    assert!(r.json()[0]["identity_downloaded_at"].is_null());
    let r = h
        .call(
            "add_extra_recipient",
            &[("id", &profile_id), ("recipient", "age1nope")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let (_, recovery) = adapters::pipeline::encrypt::keygen();
    ok(
        &h,
        "add_extra_recipient",
        &[("id", &profile_id), ("recipient", &recovery)],
        &admin,
    )
    .await;
    let r = h
        .call(
            "add_extra_recipient",
            &[("id", &profile_id), ("recipient", &recovery)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let listed = ok(&h, "list_encryption_profiles", &[], &admin).await;
    assert_eq!(listed[0]["extra_recipients"], json!([recovery]));

    // The identity downloads once, for a writer only.
    let r = h
        .call("download_identity", &[("id", &profile_id)], Some(&viewer))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let file = ok(&h, "download_identity", &[("id", &profile_id)], &admin).await;
    let contents = file["contents"].as_str().unwrap();
    let secret_line = contents
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("an age identity");
    let identity: age::x25519::Identity = secret_line.parse().unwrap();
    assert_eq!(identity.to_public().to_string(), recipient);
    let r = h
        .call("download_identity", &[("id", &profile_id)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("already downloaded"), "{}", r.body);
    let listed = ok(&h, "list_encryption_profiles", &[], &viewer).await;
    assert!(listed[0]["identity_downloaded_at"].is_string());

    // A job that uses the source, the destination and the profile blocks their deletes.
    let now = chrono::Utc::now();
    let nightly = job::ActiveModel {
        name: Set("nightly".into()),
        description: Set(None),
        cron: Set("0 3 * * *".into()),
        timezone: Set("UTC".into()),
        enabled: Set(false),
        compression: Set(entity::enums::Compression::Zstd),
        compression_level: Set(None),
        retention: Set(json!({"keep_last": 7})),
        source_id: Set(source_id),
        databases: Set(json!(["app"])),
        encryption_profile_id: Set(Some(profile["id"].as_i64().unwrap())),
        last_run_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap();
    job_destination::ActiveModel {
        job_id: Set(nightly.id),
        destination_id: Set(dest_id),
        priority: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&h.state.db)
    .await
    .unwrap();
    for (endpoint, form, message) in [
        (
            "delete_adapter",
            vec![("kind", "destination"), ("id", dest_id_s.as_str())],
            "The destination disk is used by job(s) nightly",
        ),
        (
            "delete_adapter",
            vec![("kind", "source"), ("id", source_id_s.as_str())],
            "The source main-db is used by job(s) nightly",
        ),
        (
            "delete_encryption_profile",
            vec![("id", profile_id.as_str())],
            "The encryption profile offsite is used by job(s) nightly",
        ),
    ] {
        let r = h.call(endpoint, &form, Some(&admin)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{endpoint}: {}", r.body);
        assert!(r.body.contains(message), "{endpoint}: {}", r.body);
    }
    // Once the job is gone they delete.
    job::Entity::delete_by_id(nightly.id)
        .exec(&h.state.db)
        .await
        .unwrap();
    ok(
        &h,
        "delete_adapter",
        &[("kind", "destination"), ("id", &dest_id_s)],
        &admin,
    )
    .await;
    ok(&h, "delete_encryption_profile", &[("id", &profile_id)], &admin).await;
    let r = h
        .call(
            "delete_adapter",
            &[("kind", "destination"), ("id", &source_id_s)],
            Some(&admin),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a source is not deleted as a destination"
    );

    // Every change is audited, without a secret.
    let entries = audit_log::Entity::find().all(&h.state.db).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "source.create",
        "source.update",
        "destination.create",
        "destination.delete",
        "encryption_profile.create",
        "encryption_profile.add_recipient",
        "encryption_profile.download_identity",
        "encryption_profile.delete",
    ] {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    let dump = format!("{entries:?}");
    assert!(
        !dump.contains(DB_PASSWORD) && !dump.contains("AGE-SECRET-KEY"),
        "a secret reached the audit log"
    );
    std::fs::remove_dir_all(&h.data_dir).ok();
}

#[tokio::test]
async fn adapters_api_on_sqlite() {
    scenario(harness(None).await).await;
}

#[tokio::test]
async fn adapters_api_on_postgres() {
    let Some(url) = fresh_pg_database("adapters").await else {
        return;
    };
    scenario(harness(Some(url)).await).await;
}
