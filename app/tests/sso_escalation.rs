//! Finding 2 of docs/SECURITY.md (the default-group part): a user who may edit SSO
//! providers cannot make one place new accounts in a group holding permissions they lack
//! (the SuperAdmin group above all), by creating a provider, by editing one, or by
//! switching on one a SuperAdmin left off. SQLite and PostgreSQL.

#[macro_use]
mod common;

use common::Harness;
use entity::sso_provider;
use http::StatusCode;
use sea_orm::EntityTrait;

on_both_backends!(sso_write_grants_no_more_than_it_holds, scenario, with_backend);

fn form<'a>(slug: &'a str, group: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("slug", slug),
        ("button_label", "Their IdP"),
        ("issuer_url", "http://127.0.0.1:9"),
        ("client_id", "c"),
        ("client_secret", "s"),
        ("allow_provisioning", "on"),
        ("default_group_id", group),
        ("enabled", "on"),
    ];
    for (k, v) in extra {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

async fn scenario(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(&admin, "sso-editor@example.com", &["sso:read", "sso:write"])
        .await;
    let superadmins = h.superadmin_group_id().await.to_string();
    let operators = h.group_with("Operators", &["jobs:write"]).await.to_string();
    let readers = h.group_with("SSO readers", &["sso:read"]).await.to_string();

    for (group, why) in [(&superadmins, "*"), (&operators, "jobs:write")] {
        let r = h
            .call("save_sso_provider", &form("mine", group, &[]), Some(&editor))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);
        assert!(r.body.contains(why), "{backend}: {}", r.body);
        assert!(
            r.body.contains("the group holds permissions you do not"),
            "{backend}: {}",
            r.body
        );
    }
    assert!(
        sso_provider::Entity::find()
            .all(&h.state.db)
            .await
            .unwrap()
            .is_empty(),
        "{backend}: nothing was saved"
    );

    // A group within the editor's own permissions is fine.
    let r = h
        .call("save_sso_provider", &form("mine", &readers, &[]), Some(&editor))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let mine = r.json()["id"].as_i64().unwrap().to_string();
    // Editing it into the SuperAdmin group is refused too.
    let r = h
        .call(
            "save_sso_provider",
            &form("mine", &superadmins, &[("id", &mine)]),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);

    // A SuperAdmin's disabled provider into SuperAdmin: the editor may relabel it, not
    // switch it on or turn its provisioning on.
    let r = h
        .call(
            "save_sso_provider",
            &form("admins", &superadmins, &[("enabled", "")]),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let theirs = r.json()["id"].as_i64().unwrap().to_string();
    let r = h
        .call(
            "save_sso_provider",
            &form(
                "admins",
                &superadmins,
                &[("id", &theirs), ("enabled", ""), ("button_label", "Renamed")],
            ),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let r = h
        .call(
            "save_sso_provider",
            &form("admins", &superadmins, &[("id", &theirs)]),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);
    let stored = sso_provider::Entity::find_by_id(theirs.parse::<i64>().unwrap())
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.enabled, "{backend}: still off");
}
