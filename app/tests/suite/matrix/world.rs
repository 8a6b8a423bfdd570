//! Real objects for the matrix's requests to act on: a source, a destination holding a
//! real backup, a job, an encryption profile, an API key, a user, a group and an
//! execution. A request that wrongly got through would change one of them.

use crate::common::{Harness, PASSWORD};
use crate::engine_fixtures::{self, JobSpec};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;

/// The client secret of the world's SSO provider (for the secret scan).
pub const SSO_CLIENT_SECRET: &str = "matrix-sso-client-secret-3f9d2c";
/// The path of the matrix channel's webhook URL: a credential, like Slack's.
pub const WEBHOOK_TOKEN: &str = "T0MATRIX/B0MATRIX/webhook-token-8c1e";

pub struct World {
    pub dir: PathBuf,
    pub destination_dir: PathBuf,
    values: HashMap<&'static str, String>,
}

impl World {
    /// Replaces `{source}`, `{job}`… in a request template with this world's ids.
    pub fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (name, value) in &self.values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    pub fn set(&mut self, name: &'static str, value: impl ToString) {
        self.values.insert(name, value.to_string());
    }

    pub fn get(&self, name: &str) -> &str {
        self.values
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("the matrix world has no {name}"))
    }
}

/// Builds the world as the admin; `admin` is the admin's session cookie.
pub async fn build(h: &Harness, admin: &str) -> World {
    let state = &h.state;
    let dir = engine_fixtures::temp_dir("matrix");
    let db_file = dir.join("app.sqlite");
    engine_fixtures::make_sqlite(&db_file, 50).await;
    let destination_dir = dir.join("backups");
    std::fs::create_dir_all(&destination_dir).unwrap();
    let source = engine_fixtures::sqlite_source(state, "matrix source", &db_file).await;
    let destination = engine_fixtures::local_destination(state, "matrix destination", &destination_dir).await;
    let profile = engine_fixtures::encryption_profile(state, "matrix profile").await;
    let destinations = [destination];
    let mut spec = JobSpec::new("matrix job", source, &destinations);
    spec.encryption_profile_id = Some(profile);
    let job = engine_fixtures::create_job(state, spec).await;

    state.engine.start().await.expect("start the engine");
    let run = h.call("run_job", &[("id", &job.to_string())], Some(admin)).await;
    assert_eq!(run.status, http::StatusCode::OK, "run_job: {}", run.body);
    let execution: i64 = serde_json::from_str(&run.body).expect("run_job returns the execution id");
    let finished = engine_fixtures::wait_finished(&state.db, execution).await;
    assert!(
        matches!(finished.status, entity::enums::ExecutionStatus::Success),
        "the matrix backup failed: {:?}",
        finished.error
    );
    let object = engine_fixtures::files(&destination_dir)
        .into_iter()
        .find(|f| !f.ends_with(".manifest.json"))
        .expect("the backup object");

    let key = h
        .call(
            "create_api_key",
            &[("name", "matrix key"), ("permissions[0]", "jobs:read")],
            Some(admin),
        )
        .await;
    assert_eq!(key.status, http::StatusCode::OK, "create_api_key: {}", key.body);
    let key_id = {
        use sea_orm::EntityTrait;
        entity::api_key::Entity::find()
            .all(&state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.id)
            .max()
            .unwrap()
    };

    let group = {
        use sea_orm::{ActiveModelTrait, Set};
        let now = chrono::Utc::now();
        entity::group::ActiveModel {
            name: Set("matrix group".into()),
            description: Set(None),
            permissions: Set(serde_json::json!(["jobs:read"])),
            protected: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&state.db)
        .await
        .unwrap()
        .id
    };
    let user = h
        .call(
            "create_user",
            &[
                ("email", "matrix.user@example.com"),
                ("name", "Matrix User"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("group_id", &group.to_string()),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(user.status, http::StatusCode::OK, "create_user: {}", user.body);

    let spare_group = h
        .call("create_group", &[("name", "matrix spare group")], Some(admin))
        .await;
    assert_eq!(
        spare_group.status,
        http::StatusCode::OK,
        "create_group: {}",
        spare_group.body
    );
    let sso = h
        .call(
            "save_sso_provider",
            &[
                ("slug", "matrix"),
                ("button_label", "Matrix"),
                ("issuer_url", "http://127.0.0.1:9"),
                ("client_id", "matrix-client"),
                ("client_secret", SSO_CLIENT_SECRET),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(
        sso.status,
        http::StatusCode::OK,
        "save_sso_provider: {}",
        sso.body
    );

    let mut world = World {
        dir: dir.clone(),
        destination_dir: destination_dir.clone(),
        values: HashMap::new(),
    };
    world.set("source", source);
    world.set("destination", destination);
    world.set("profile", profile);
    world.set("job", job);
    world.set("execution", execution);
    world.set("object", &object);
    world.set("key", key_id);
    world.set("group", group);
    world.set("user", user.body.trim());
    world.set("dir", dir.display());
    world.set("spare_group", spare_group.body.trim());
    world.set("sso", sso.json()["id"].as_i64().expect("the provider's id"));
    let extra = {
        use sea_orm::EntityTrait;
        entity::encryption_profile::Entity::find_by_id(profile)
            .one(&state.db)
            .await
            .unwrap()
            .unwrap()
            .extra_recipients
    };
    world.set(
        "extra_recipient",
        extra[0].as_str().expect("the profile's extra recipient"),
    );

    // A Slack channel whose receiver refuses connections, and its logged "Send test".
    let hook = json!({"webhook_url": format!("http://127.0.0.1:9/services/{WEBHOOK_TOKEN}")});
    let channel = engine_fixtures::channel(state, "slack", "matrix channel", hook).await;
    let sent = h
        .call(
            "test_adapter",
            &[("kind", "notification"), ("id", &channel.to_string())],
            Some(admin),
        )
        .await;
    assert_eq!(sent.status, http::StatusCode::OK, "test_adapter: {}", sent.body);
    let logged = {
        use sea_orm::EntityTrait;
        entity::notification_log::Entity::find()
            .all(&state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .max()
            .expect("the test message is logged")
    };
    world.set("channel", channel);
    world.set("notification", logged);
    world
}
