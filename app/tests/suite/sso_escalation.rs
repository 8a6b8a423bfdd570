//! Finding 2 of docs/SECURITY.md (the default-group part): a user who may edit SSO
//! providers cannot make one place new accounts in a group holding permissions they lack
//! (the SuperAdmin group above all), by creating a provider, by editing one, or by
//! switching on one a SuperAdmin left off. Finding 2, the linking and MFA part: only a
//! SuperAdmin may let a provider sign in to existing accounts by email or stand in for
//! their second factor, or repoint such a provider. Finding 5, SSO part: a new issuer URL
//! does not get the stored client secret. SQLite and PostgreSQL.

use crate::common;

use common::Harness;
use entity::sso_provider;
use http::StatusCode;
use sea_orm::EntityTrait;

on_both_backends!(sso_write_grants_no_more_than_it_holds, scenario, with_backend);
on_both_backends!(sso_trust_flags_are_superadmin_only, trust_flags, with_backend);

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

async fn trust_flags(h: &Harness, backend: &str) {
    let admin = h.setup_admin().await;
    let editor = h
        .user_with(&admin, "sso-editor@example.com", &["sso:read", "sso:write"])
        .await;
    let readers = h.group_with("SSO readers", &["sso:read"]).await.to_string();

    for flag in ["link_by_email", "mfa_by_provider"] {
        let r = h
            .call(
                "save_sso_provider",
                &form("mine", &readers, &[(flag, "on")]),
                Some(&editor),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend} {flag}: {}", r.body);
        assert!(
            r.body.contains("only a SuperAdmin"),
            "{backend} {flag}: {}",
            r.body
        );
    }
    let r = h
        .call("save_sso_provider", &form("mine", &readers, &[]), Some(&editor))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let mine = r.json()["id"].as_i64().unwrap().to_string();
    let r = h
        .call(
            "save_sso_provider",
            &form("mine", &readers, &[("id", &mine), ("link_by_email", "on")]),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}: {}", r.body);

    // A SuperAdmin trusts a provider; the editor may relabel it but not repoint it.
    let r = h
        .call(
            "save_sso_provider",
            &form(
                "trusted",
                &readers,
                &[("link_by_email", "on"), ("mfa_by_provider", "on")],
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    let trusted = r.json()["id"].as_i64().unwrap().to_string();
    let keep = [("link_by_email", "on"), ("mfa_by_provider", "on")];
    let relabel: Vec<_> = [("id", trusted.as_str()), ("button_label", "Renamed")]
        .into_iter()
        .chain(keep)
        .collect();
    let r = h
        .call(
            "save_sso_provider",
            &form("trusted", &readers, &relabel),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
    for (field, value) in [("issuer_url", "http://127.0.0.1:10"), ("client_id", "other")] {
        let f: Vec<_> = [("id", trusted.as_str()), (field, value)]
            .into_iter()
            .chain(keep)
            .collect();
        let r = h
            .call("save_sso_provider", &form("trusted", &readers, &f), Some(&editor))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend} {field}: {}", r.body);
        assert!(
            r.body.contains("only a SuperAdmin"),
            "{backend} {field}: {}",
            r.body
        );
    }
    let stored = sso_provider::Entity::find_by_id(trusted.parse::<i64>().unwrap())
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.issuer_url, "http://127.0.0.1:9", "{backend}");
    assert!(stored.link_by_email && stored.mfa_by_provider, "{backend}");

    // Finding 5: a new issuer without the secret typed again is refused, even for a
    // SuperAdmin; with it, the change saves.
    let moved = [
        ("id", mine.as_str()),
        ("issuer_url", "http://127.0.0.1:10"),
        ("client_secret", ""),
    ];
    let r = h
        .call("save_sso_provider", &form("mine", &readers, &moved), Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
    assert!(
        r.body.contains("enter the client secret again"),
        "{backend}: {}",
        r.body
    );
    let moved = [
        ("id", mine.as_str()),
        ("issuer_url", "http://127.0.0.1:10"),
        ("client_secret", "s2"),
    ];
    let r = h
        .call(
            "save_sso_provider",
            &form("mine", &readers, &moved),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
}
