//! Users and groups administration through the real router: edit, disable/enable,
//! password reset, sign out everywhere, the SuperAdmin protections, no privilege
//! escalation, group CRUD, read-only callers, and the audit trail. On SQLite and, with
//! `TEST_PG_URL`, on PostgreSQL.

use crate::common;

use common::{Harness, PASSWORD};
use entity::{audit_log, group, user};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

on_both_backends!(users_are_edited_disabled_reset_and_signed_out, user_lifecycle);
on_both_backends!(
    superadmin_group_and_last_member_are_protected,
    superadmin_protections
);
on_both_backends!(nobody_grants_more_than_they_hold, escalation_refused);
on_both_backends!(groups_are_created_edited_and_deleted, group_crud);
on_both_backends!(read_only_callers_change_nothing, read_only);

const NEW_PASSWORD: &str = "another long enough password";

/// An endpoint, its form, and the permission its refusal names.
type Write<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

async fn ok(h: &Harness, endpoint: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint} {form:?}: {}", r.body);
    r.json()
}

/// Calls `endpoint`, expects `status` and a message containing `says`, and checks that
/// the users and groups tables are exactly as before.
async fn refused(
    h: &Harness,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: &str,
    status: StatusCode,
    says: &str,
) {
    let before = snapshot(h).await;
    let r = h.call(endpoint, form, Some(cookie)).await;
    assert_eq!(r.status, status, "{endpoint} {form:?}: {}", r.body);
    assert!(r.body.contains(says), "{endpoint}: {} should say {says}", r.body);
    assert_eq!(snapshot(h).await, before, "{endpoint} {form:?} changed something");
}

async fn snapshot(h: &Harness) -> String {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap();
    let groups = group::Entity::find()
        .order_by_asc(group::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap();
    let users: Vec<_> = users
        .into_iter()
        .map(|u| (u.id, u.name, u.group_id, u.disabled, u.password_hash))
        .collect();
    let groups: Vec<_> = groups
        .into_iter()
        .map(|g| (g.id, g.name, g.description, g.permissions.to_string()))
        .collect();
    format!("{users:?} {groups:?}")
}

async fn user_by_email(h: &Harness, email: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

async fn audit_rows(h: &Harness, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .order_by_asc(audit_log::Column::Id)
        .all(&h.state.db)
        .await
        .unwrap()
}

async fn login(h: &Harness, email: &str, password: &str) -> Option<String> {
    h.call("login", &[("email", email), ("password", password)], None)
        .await
        .session_cookie()
}

async fn signed_in(h: &Harness, cookie: &str) -> bool {
    let r = h.call("whoami", &[], Some(cookie)).await;
    match r.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("whoami answered {other}: {}", r.body),
    }
}

async fn create_group(h: &Harness, admin: &str, name: &str, perms: &[&str]) -> i64 {
    let mut form = vec![("name", name), ("description", "made by a test")];
    form.extend(perms.iter().map(|p| ("permissions[]", *p)));
    ok(h, "create_group", &form, admin).await.as_i64().unwrap()
}

async fn create_user(h: &Harness, admin: &str, email: &str, group_id: i64) -> i64 {
    let gid = group_id.to_string();
    let form = [
        ("email", email),
        ("name", "Someone"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("group_id", gid.as_str()),
    ];
    ok(h, "create_user", &form, admin).await.as_i64().unwrap()
}

async fn user_lifecycle(h: &Harness) {
    let admin = h.setup_admin().await;
    let operators = create_group(h, &admin, "Operators", &["jobs:read", "executions:read"]).await;
    let viewers = create_group(h, &admin, "Viewers", &["jobs:read"]).await;
    let bob_id = create_user(h, &admin, "bob@example.com", operators).await;
    let bob = login(h, "bob@example.com", PASSWORD).await.expect("bob signs in");
    let id = bob_id.to_string();

    // Edit: name and group.
    let (v, o) = (viewers.to_string(), operators.to_string());
    ok(
        h,
        "update_user",
        &[("id", &id), ("name", " Bobby "), ("group_id", &v)],
        &admin,
    )
    .await;
    let stored = user_by_email(h, "bob@example.com").await;
    assert_eq!((stored.name.as_str(), stored.group_id), ("Bobby", viewers));
    let audit = audit_rows(h, "user.update").await;
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].summary.contains("Operators → Viewers"),
        "{}",
        audit[0].summary
    );
    let list = ok(h, "list_users", &[], &admin).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bob@example.com")
        .unwrap();
    assert_eq!(row["group"], "Viewers");
    assert_eq!(row["superadmin"], false);
    ok(
        h,
        "update_user",
        &[("id", &id), ("name", "Bobby"), ("group_id", &o)],
        &admin,
    )
    .await;

    refused(
        h,
        "update_user",
        &[("id", &id), ("name", " "), ("group_id", &o)],
        &admin,
        StatusCode::BAD_REQUEST,
        "Enter a name",
    )
    .await;
    refused(
        h,
        "update_user",
        &[("id", "9999"), ("name", "X"), ("group_id", &o)],
        &admin,
        StatusCode::NOT_FOUND,
        "no user #9999",
    )
    .await;
    refused(
        h,
        "update_user",
        &[("id", &id), ("name", "X"), ("group_id", "9999")],
        &admin,
        StatusCode::BAD_REQUEST,
        "group does not exist",
    )
    .await;

    // Disable: the existing session stops working and sign-in is refused; enable again.
    assert!(signed_in(h, &bob).await);
    ok(h, "disable_user", &[("id", &id)], &admin).await;
    assert!(
        !signed_in(h, &bob).await,
        "a disabled user's session must stop working"
    );
    assert!(login(h, "bob@example.com", PASSWORD).await.is_none());
    assert_eq!(h.get("/jobs", Some(&bob)).await.location(), Some("/login"));
    refused(
        h,
        "disable_user",
        &[("id", &id)],
        &admin,
        StatusCode::CONFLICT,
        "already disabled",
    )
    .await;
    ok(h, "enable_user", &[("id", &id)], &admin).await;
    let bob = login(h, "bob@example.com", PASSWORD)
        .await
        .expect("enabled again");
    assert_eq!(audit_rows(h, "user.disable").await.len(), 1);
    assert_eq!(audit_rows(h, "user.enable").await.len(), 1);

    // Reset the password: old sessions end, the old password fails, the new one works.
    let bob2 = login(h, "bob@example.com", PASSWORD).await.unwrap();
    refused(
        h,
        "reset_user_password",
        &[("id", &id), ("password", "short"), ("password_confirm", "short")],
        &admin,
        StatusCode::BAD_REQUEST,
        "at least 12",
    )
    .await;
    let form = [
        ("id", id.as_str()),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    ok(h, "reset_user_password", &form, &admin).await;
    assert!(!signed_in(h, &bob).await && !signed_in(h, &bob2).await);
    assert!(login(h, "bob@example.com", PASSWORD).await.is_none());
    let bob = login(h, "bob@example.com", NEW_PASSWORD)
        .await
        .expect("new password works");
    assert!(signed_in(h, &admin).await, "the admin's own session is untouched");
    let reset = audit_rows(h, "user.password_reset").await;
    assert_eq!(reset.len(), 1);
    assert!(
        reset[0].summary.contains("ended 2 session(s)"),
        "{}",
        reset[0].summary
    );
    assert!(!reset[0].summary.contains(NEW_PASSWORD));

    // Sign out everywhere.
    let bob2 = login(h, "bob@example.com", NEW_PASSWORD).await.unwrap();
    let ended = ok(h, "revoke_user_sessions", &[("id", &id)], &admin).await;
    assert_eq!(ended, 2);
    assert!(!signed_in(h, &bob).await && !signed_in(h, &bob2).await);
    assert_eq!(audit_rows(h, "user.sessions_revoke").await.len(), 1);

    // No audit row holds a password.
    let all = audit_log::Entity::find().all(&h.state.db).await.unwrap();
    for row in all {
        assert!(
            !row.summary.contains(PASSWORD) && !row.summary.contains(NEW_PASSWORD),
            "{}",
            row.summary
        );
    }
}

async fn superadmin_protections(h: &Harness) {
    let admin = h.setup_admin().await;
    let sa = h.superadmin_group_id().await;
    let others = create_group(h, &admin, "Others", &["jobs:read"]).await;
    let admin_id = user_by_email(h, "admin@example.com").await.id.to_string();
    let (sa_s, others_s) = (sa.to_string(), others.to_string());

    // The last enabled SuperAdmin can be neither disabled nor moved out.
    let last = "last enabled member of the SuperAdmin group";
    refused(
        h,
        "disable_user",
        &[("id", &admin_id)],
        &admin,
        StatusCode::CONFLICT,
        last,
    )
    .await;
    refused(
        h,
        "update_user",
        &[("id", &admin_id), ("name", "Ada"), ("group_id", &others_s)],
        &admin,
        StatusCode::CONFLICT,
        last,
    )
    .await;

    // The group itself: not deleted, renamed or stripped.
    refused(
        h,
        "delete_group",
        &[("id", &sa_s)],
        &admin,
        StatusCode::CONFLICT,
        "cannot be deleted",
    )
    .await;
    refused(
        h,
        "update_group",
        &[("id", &sa_s), ("name", "Admins")],
        &admin,
        StatusCode::CONFLICT,
        "cannot be renamed",
    )
    .await;
    refused(
        h,
        "update_group",
        &[
            ("id", &sa_s),
            ("name", "SuperAdmin"),
            ("permissions[]", "jobs:read"),
        ],
        &admin,
        StatusCode::CONFLICT,
        "permissions cannot be changed",
    )
    .await;
    // Its description may change.
    ok(
        h,
        "update_group",
        &[("id", &sa_s), ("name", "SuperAdmin"), ("description", "root")],
        &admin,
    )
    .await;

    // With a second enabled SuperAdmin, one of them may go; then the other is last again.
    let second = create_user(h, &admin, "root2@example.com", sa).await.to_string();
    ok(h, "disable_user", &[("id", &second)], &admin).await;
    refused(
        h,
        "disable_user",
        &[("id", &admin_id)],
        &admin,
        StatusCode::CONFLICT,
        last,
    )
    .await;
    ok(h, "enable_user", &[("id", &second)], &admin).await;
    ok(
        h,
        "update_user",
        &[("id", &second), ("name", "R2"), ("group_id", &others_s)],
        &admin,
    )
    .await;
    refused(
        h,
        "update_user",
        &[("id", &admin_id), ("name", "Ada"), ("group_id", &others_s)],
        &admin,
        StatusCode::CONFLICT,
        last,
    )
    .await;
    assert!(signed_in(h, &admin).await);
}

async fn escalation_refused(h: &Harness) {
    let admin = h.setup_admin().await;
    let sa = h.superadmin_group_id().await.to_string();
    let plain = create_group(h, &admin, "Plain", &["jobs:read"]).await;
    let carol = create_user(h, &admin, "carol@example.com", plain)
        .await
        .to_string();
    let admin_id = user_by_email(h, "admin@example.com").await.id.to_string();
    let manager = h
        .user_with(
            &admin,
            "manager@example.com",
            &["users:read", "users:write", "groups:read", "jobs:read"],
        )
        .await;
    let only = "only a SuperAdmin";

    // A user manager cannot add anyone to the SuperAdmin group, nor touch its members.
    let form = [
        ("email", "sneaky@example.com"),
        ("name", "Sneaky"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("group_id", sa.as_str()),
    ];
    refused(h, "create_user", &form, &manager, StatusCode::FORBIDDEN, only).await;
    refused(
        h,
        "update_user",
        &[("id", &carol), ("name", "C"), ("group_id", &sa)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    let mgr_id = user_by_email(h, "manager@example.com").await.id.to_string();
    refused(
        h,
        "update_user",
        &[("id", &mgr_id), ("name", "M"), ("group_id", &sa)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    let plain_s = plain.to_string();
    refused(
        h,
        "update_user",
        &[("id", &admin_id), ("name", "A"), ("group_id", &plain_s)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    refused(
        h,
        "update_user",
        &[("id", &admin_id), ("name", "Renamed"), ("group_id", &sa)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    refused(
        h,
        "disable_user",
        &[("id", &admin_id)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    let reset = [
        ("id", admin_id.as_str()),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    refused(
        h,
        "reset_user_password",
        &reset,
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    refused(
        h,
        "revoke_user_sessions",
        &[("id", &admin_id)],
        &manager,
        StatusCode::FORBIDDEN,
        only,
    )
    .await;
    assert!(signed_in(h, &admin).await);
    // Ordinary users are theirs to manage.
    ok(
        h,
        "update_user",
        &[("id", &carol), ("name", "Carol"), ("group_id", &plain_s)],
        &manager,
    )
    .await;
    ok(h, "disable_user", &[("id", &carol)], &manager).await;

    // Nor can they reach into a group holding more than they do: no password reset, move
    // or new member there (each would be a way to gain settings:write).
    let strong_group = create_group(h, &admin, "Operators", &["jobs:read", "settings:write"]).await;
    let strong_s = strong_group.to_string();
    let dave = create_user(h, &admin, "dave@example.com", strong_group)
        .await
        .to_string();
    let beyond = "the group holds permissions you do not";
    let reset_dave = [
        ("id", dave.as_str()),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    refused(
        h,
        "reset_user_password",
        &reset_dave,
        &manager,
        StatusCode::FORBIDDEN,
        beyond,
    )
    .await;
    refused(
        h,
        "disable_user",
        &[("id", &dave)],
        &manager,
        StatusCode::FORBIDDEN,
        beyond,
    )
    .await;
    let move_carol = [
        ("id", carol.as_str()),
        ("name", "Carol"),
        ("group_id", strong_s.as_str()),
    ];
    refused(
        h,
        "update_user",
        &move_carol,
        &manager,
        StatusCode::FORBIDDEN,
        beyond,
    )
    .await;
    let mgr_into_strong = [
        ("id", mgr_id.as_str()),
        ("name", "M"),
        ("group_id", strong_s.as_str()),
    ];
    refused(
        h,
        "update_user",
        &mgr_into_strong,
        &manager,
        StatusCode::FORBIDDEN,
        beyond,
    )
    .await;
    let new_in_strong = [
        ("email", "eve@example.com"),
        ("name", "Eve"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("group_id", strong_s.as_str()),
    ];
    refused(
        h,
        "create_user",
        &new_in_strong,
        &manager,
        StatusCode::FORBIDDEN,
        beyond,
    )
    .await;

    // A group editor grants only what they hold, and never touches the SuperAdmin group.
    let editor = h
        .user_with(
            &admin,
            "editor@example.com",
            &["groups:read", "groups:write", "jobs:read"],
        )
        .await;
    refused(
        h,
        "create_group",
        &[
            ("name", "Mine"),
            ("permissions[]", "jobs:read"),
            ("permissions[]", "settings:write"),
        ],
        &editor,
        StatusCode::FORBIDDEN,
        "settings:write",
    )
    .await;
    refused(
        h,
        "create_group",
        &[("name", "All"), ("permissions[]", "*")],
        &editor,
        StatusCode::BAD_REQUEST,
        "one by one",
    )
    .await;
    let mine = create_group(h, &editor, "Mine", &["jobs:read"]).await.to_string();
    refused(
        h,
        "update_group",
        &[
            ("id", &mine),
            ("name", "Mine"),
            ("permissions[]", "jobs:read"),
            ("permissions[]", "users:write"),
        ],
        &editor,
        StatusCode::FORBIDDEN,
        "users:write",
    )
    .await;
    // Its own group (which holds groups:write) may not gain users:write either.
    let own = user_by_email(h, "editor@example.com").await.group_id.to_string();
    refused(
        h,
        "update_group",
        &[
            ("id", &own),
            ("name", "group of editor@example.com"),
            ("permissions[]", "groups:read"),
            ("permissions[]", "groups:write"),
            ("permissions[]", "jobs:read"),
            ("permissions[]", "users:write"),
        ],
        &editor,
        StatusCode::FORBIDDEN,
        "users:write",
    )
    .await;
    refused(
        h,
        "update_group",
        &[("id", &sa), ("name", "SuperAdmin"), ("description", "mine now")],
        &editor,
        StatusCode::FORBIDDEN,
        "only a SuperAdmin",
    )
    .await;
    refused(
        h,
        "delete_group",
        &[("id", &sa)],
        &editor,
        StatusCode::FORBIDDEN,
        "only a SuperAdmin",
    )
    .await;
    // Keeping a permission the editor lacks is no grant: renaming such a group works.
    let strong = create_group(h, &admin, "Strong", &["settings:write"])
        .await
        .to_string();
    ok(
        h,
        "update_group",
        &[
            ("id", &strong),
            ("name", "Stronger"),
            ("permissions[]", "settings:write"),
        ],
        &editor,
    )
    .await;
}

async fn group_crud(h: &Harness) {
    let admin = h.setup_admin().await;
    let id = create_group(h, &admin, "Operators", &["jobs:read", "jobs:write"]).await;
    let ids = id.to_string();
    refused(
        h,
        "create_group",
        &[("name", " Operators ")],
        &admin,
        StatusCode::CONFLICT,
        "already exists",
    )
    .await;
    refused(
        h,
        "create_group",
        &[("name", " ")],
        &admin,
        StatusCode::BAD_REQUEST,
        "Give the group a name",
    )
    .await;
    refused(
        h,
        "create_group",
        &[("name", "X"), ("permissions[]", "jobs:fly")],
        &admin,
        StatusCode::BAD_REQUEST,
        "Unknown permission",
    )
    .await;
    let created = audit_rows(h, "group.create").await;
    assert!(
        created[0].summary.contains("jobs:read, jobs:write"),
        "{}",
        created[0].summary
    );

    ok(
        h,
        "update_group",
        &[
            ("id", &ids),
            ("name", "Operations"),
            ("description", "Runs jobs"),
            ("permissions[]", "jobs:read"),
            ("permissions[]", "jobs:execute"),
        ],
        &admin,
    )
    .await;
    let stored = group::Entity::find_by_id(id)
        .one(&h.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Operations");
    assert_eq!(stored.description.as_deref(), Some("Runs jobs"));
    assert_eq!(
        stored.permissions,
        serde_json::json!(["jobs:execute", "jobs:read"])
    );
    let updated = audit_rows(h, "group.update").await;
    assert_eq!(updated.len(), 1);
    let s = &updated[0].summary;
    assert!(
        s.contains("renamed Operators → Operations")
            && s.contains("added jobs:execute")
            && s.contains("removed jobs:write"),
        "{s}"
    );
    refused(
        h,
        "update_group",
        &[("id", "9999"), ("name", "X")],
        &admin,
        StatusCode::NOT_FOUND,
        "no group #9999",
    )
    .await;

    // A group with members stays; emptied, it goes.
    let user = create_user(h, &admin, "dave@example.com", id).await.to_string();
    let list = ok(h, "list_group_rows", &[], &admin).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Operations")
        .unwrap();
    assert_eq!(row["members"], 1);
    let sa_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["protected"] == true)
        .unwrap();
    assert_eq!(sa_row["members"], 1);
    refused(
        h,
        "delete_group",
        &[("id", &ids)],
        &admin,
        StatusCode::CONFLICT,
        "still has 1 member",
    )
    .await;
    let spare = create_group(h, &admin, "Spare", &[]).await.to_string();
    ok(
        h,
        "update_user",
        &[("id", &user), ("name", "Dave"), ("group_id", &spare)],
        &admin,
    )
    .await;
    ok(h, "delete_group", &[("id", &ids)], &admin).await;
    assert!(
        group::Entity::find_by_id(id)
            .one(&h.state.db)
            .await
            .unwrap()
            .is_none()
    );
    let deleted = audit_rows(h, "group.delete").await;
    assert_eq!(deleted.len(), 1);
    assert!(
        deleted[0].summary.contains("Operations"),
        "{}",
        deleted[0].summary
    );
    refused(
        h,
        "delete_group",
        &[("id", &ids)],
        &admin,
        StatusCode::NOT_FOUND,
        "no group",
    )
    .await;
}

async fn read_only(h: &Harness) {
    let admin = h.setup_admin().await;
    let plain = create_group(h, &admin, "Plain", &["jobs:read"]).await.to_string();
    let erin = create_user(h, &admin, "erin@example.com", plain.parse().unwrap())
        .await
        .to_string();
    let reader = h
        .user_with(&admin, "reader@example.com", &["users:read", "groups:read"])
        .await;
    assert_eq!(
        ok(h, "list_users", &[], &reader).await.as_array().unwrap().len(),
        3
    );
    assert!(
        ok(h, "list_group_rows", &[], &reader)
            .await
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let cases: &[Write] = &[
        (
            "create_user",
            &[
                ("email", "x@example.com"),
                ("name", "X"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("group_id", &plain),
            ],
            "users:write",
        ),
        (
            "update_user",
            &[("id", &erin), ("name", "E"), ("group_id", &plain)],
            "users:write",
        ),
        ("disable_user", &[("id", &erin)], "users:write"),
        ("enable_user", &[("id", &erin)], "users:write"),
        (
            "reset_user_password",
            &[
                ("id", &erin),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
            "users:write",
        ),
        ("revoke_user_sessions", &[("id", &erin)], "users:write"),
        ("create_group", &[("name", "New")], "groups:write"),
        (
            "update_group",
            &[("id", &plain), ("name", "Renamed")],
            "groups:write",
        ),
        ("delete_group", &[("id", &plain)], "groups:write"),
    ];
    for (endpoint, form, permission) in cases {
        refused(h, endpoint, form, &reader, StatusCode::FORBIDDEN, permission).await;
    }
    // Without groups:read, no group list.
    let no_groups = h.user_with(&admin, "nogroups@example.com", &["users:read"]).await;
    let r = h.call("list_group_rows", &[], Some(&no_groups)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
