//! The SuperAdmin protections and the no-escalation rules, as pure decisions over
//! facts the callers gather (inside a transaction, so the facts hold while they act).

use crate::api::error::ApiError;
use crate::permissions::{self, Permission};

/// What an administrator is about to do to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    /// Name, password, sessions: the user stays where they are.
    Edit,
    /// Move to another group; `into_superadmin` when that group is the protected one.
    Move {
        into_superadmin: bool,
    },
    Disable,
    Enable,
    /// A new user created straight into a group.
    Create {
        into_superadmin: bool,
    },
}

/// The facts about the caller and the user that the rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct UserFacts {
    pub caller_superadmin: bool,
    /// The user is a member of the SuperAdmin group now.
    pub target_superadmin: bool,
    pub target_disabled: bool,
    /// Enabled SuperAdmin members other than this user.
    pub other_enabled_superadmins: u64,
}

const ONLY_SUPERADMINS: &str = "only a SuperAdmin may change SuperAdmin members or add users to that group";

/// Whether `change` may happen; the error says why not in words to act on.
pub fn check_user_change(change: UserChange, facts: UserFacts) -> Result<(), ApiError> {
    let touches_superadmin = facts.target_superadmin
        || matches!(
            change,
            UserChange::Move {
                into_superadmin: true
            } | UserChange::Create {
                into_superadmin: true
            }
        );
    if touches_superadmin && !facts.caller_superadmin {
        return Err(ApiError::Forbidden {
            permission: ONLY_SUPERADMINS.into(),
        });
    }
    let removes_last = facts.target_superadmin
        && !facts.target_disabled
        && facts.other_enabled_superadmins == 0
        && matches!(
            change,
            UserChange::Disable
                | UserChange::Move {
                    into_superadmin: false
                }
        );
    if removes_last {
        let what = if change == UserChange::Disable {
            "disabled"
        } else {
            "moved to another group"
        };
        return Err(ApiError::Conflict(format!(
            "This is the last enabled member of the SuperAdmin group, so it cannot be {what}. \
             Add or enable another SuperAdmin first."
        )));
    }
    Ok(())
}

/// Nobody manages a user whose group holds permissions they lack, nor puts a user in
/// such a group: a password reset or a move would otherwise be a way to gain them.
pub fn check_within_reach(
    caller_permissions: &[String],
    caller_superadmin: bool,
    group_permissions: &[String],
) -> Result<(), ApiError> {
    if caller_superadmin {
        return Ok(());
    }
    for p in group_permissions {
        let held = match Permission::parse(p) {
            Some(perm) => permissions::grants(caller_permissions, false, perm),
            None => p != permissions::ALL || caller_permissions.iter().any(|c| c == permissions::ALL),
        };
        if !held {
            return Err(ApiError::Forbidden {
                permission: format!("{p} (the group holds permissions you do not)"),
            });
        }
    }
    Ok(())
}

/// What a group editor is about to do to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    Update {
        renamed: bool,
        permissions_changed: bool,
    },
    Delete {
        members: u64,
    },
}

/// The protected group keeps its name and its "*", and stays; a group with members
/// stays too, so no user is left without one.
pub fn check_group_change(
    protected: bool,
    caller_superadmin: bool,
    change: &GroupChange,
) -> Result<(), ApiError> {
    match change {
        GroupChange::Update { .. } | GroupChange::Delete { .. } if protected && !caller_superadmin => {
            Err(ApiError::Forbidden {
                permission: "only a SuperAdmin may edit the SuperAdmin group".into(),
            })
        }
        GroupChange::Delete { .. } if protected => Err(ApiError::Conflict(
            "The SuperAdmin group is built in and cannot be deleted.".into(),
        )),
        GroupChange::Update { renamed: true, .. } if protected => Err(ApiError::Conflict(
            "The SuperAdmin group is built in and cannot be renamed.".into(),
        )),
        GroupChange::Update {
            permissions_changed: true,
            ..
        } if protected => Err(ApiError::Conflict(
            "The SuperAdmin group always holds every permission; its permissions cannot be changed.".into(),
        )),
        GroupChange::Delete { members } if *members > 0 => Err(ApiError::Conflict(format!(
            "This group still has {members} member{}; move {} to another group before deleting it.",
            if *members == 1 { "" } else { "s" },
            if *members == 1 { "that user" } else { "them" },
        ))),
        _ => Ok(()),
    }
}

/// The permissions a group editor asked for, as known permission strings, sorted.
/// Permissions the group gains must be held by the editor: nobody hands out more than
/// they hold (like API keys). `*` is never grantable: only the protected group has it.
pub fn grantable_group_permissions(
    caller_permissions: &[String],
    caller_superadmin: bool,
    before: &[String],
    requested: &[String],
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for p in requested.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if p == permissions::ALL {
            return Err(ApiError::invalid(
                "Only the built-in SuperAdmin group holds all permissions; choose them one by one.",
            ));
        }
        let Some(perm) = Permission::parse(p) else {
            return Err(ApiError::Invalid(format!("Unknown permission `{p}`.")));
        };
        let gained = !before.iter().any(|b| b == p);
        if gained && !permissions::grants(caller_permissions, caller_superadmin, perm) {
            return Err(ApiError::Forbidden {
                permission: perm.as_str().to_string(),
            });
        }
        out.push(perm.as_str().to_string());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// "added jobs:read; removed jobs:write", or "" when nothing changed.
pub fn permission_diff(before: &[String], after: &[String]) -> String {
    let added: Vec<&str> = after
        .iter()
        .filter(|p| !before.contains(p))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = before
        .iter()
        .filter(|p| !after.contains(p))
        .map(String::as_str)
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_table() {
        let held = |ps: &[&str]| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let cases: &[(&[&str], bool, &[&str], bool)] = &[
            (&["users:write"], false, &[], true),
            (&["users:write", "jobs:read"], false, &["jobs:read"], true),
            (&["users:write"], false, &["jobs:read"], false),
            (&["users:write"], false, &["*"], false),
            (&["*"], false, &["*", "jobs:read"], true),
            (&[], true, &["*"], true),
            (&["users:write"], false, &["retired:permission"], true),
        ];
        for (caller, superadmin, group, allowed) in cases {
            assert_eq!(
                check_within_reach(&held(caller), *superadmin, &held(group)).is_ok(),
                *allowed,
                "caller {caller:?} superadmin={superadmin} group {group:?}"
            );
        }
    }

    fn facts(caller_sa: bool, target_sa: bool, disabled: bool, others: u64) -> UserFacts {
        UserFacts {
            caller_superadmin: caller_sa,
            target_superadmin: target_sa,
            target_disabled: disabled,
            other_enabled_superadmins: others,
        }
    }

    #[test]
    fn user_change_table() {
        use UserChange::*;
        // (change, facts, expected: None = allowed, Some(status))
        let cases: &[(UserChange, UserFacts, Option<u16>)] = &[
            (Edit, facts(false, false, false, 0), None),
            (Disable, facts(false, false, false, 0), None),
            (
                Move {
                    into_superadmin: false,
                },
                facts(false, false, false, 0),
                None,
            ),
            // Escalation: a non-SuperAdmin cannot add to, or touch members of, the group.
            (
                Move {
                    into_superadmin: true,
                },
                facts(false, false, false, 1),
                Some(403),
            ),
            (
                Create {
                    into_superadmin: true,
                },
                facts(false, false, false, 1),
                Some(403),
            ),
            (Edit, facts(false, true, false, 1), Some(403)),
            (Disable, facts(false, true, false, 1), Some(403)),
            (Enable, facts(false, true, true, 1), Some(403)),
            (
                Move {
                    into_superadmin: true,
                },
                facts(true, false, false, 1),
                None,
            ),
            (
                Create {
                    into_superadmin: true,
                },
                facts(true, false, false, 0),
                None,
            ),
            // The last enabled SuperAdmin stays enabled and in the group.
            (Disable, facts(true, true, false, 0), Some(409)),
            (
                Move {
                    into_superadmin: false,
                },
                facts(true, true, false, 0),
                Some(409),
            ),
            (Disable, facts(true, true, false, 1), None),
            (
                Move {
                    into_superadmin: false,
                },
                facts(true, true, false, 1),
                None,
            ),
            (
                Move {
                    into_superadmin: false,
                },
                facts(true, true, true, 0),
                None,
            ),
            (
                Move {
                    into_superadmin: true,
                },
                facts(true, true, false, 0),
                None,
            ),
            (Edit, facts(true, true, false, 0), None),
            (Enable, facts(true, true, true, 0), None),
        ];
        for (change, f, expected) in cases {
            let got = check_user_change(*change, *f).err().map(|e| e.status());
            assert_eq!(got, *expected, "{change:?} {f:?}");
        }
    }

    #[test]
    fn group_change_table() {
        let upd = |renamed, permissions_changed| GroupChange::Update {
            renamed,
            permissions_changed,
        };
        let cases: &[(bool, bool, GroupChange, Option<u16>)] = &[
            (false, false, upd(true, true), None),
            (false, false, GroupChange::Delete { members: 0 }, None),
            (false, true, GroupChange::Delete { members: 2 }, Some(409)),
            (true, false, upd(false, false), Some(403)),
            (true, false, GroupChange::Delete { members: 0 }, Some(403)),
            (true, true, GroupChange::Delete { members: 0 }, Some(409)),
            (true, true, upd(true, false), Some(409)),
            (true, true, upd(false, true), Some(409)),
            (true, true, upd(false, false), None),
        ];
        for (protected, caller_sa, change, expected) in cases {
            let got = check_group_change(*protected, *caller_sa, change)
                .err()
                .map(|e| e.status());
            assert_eq!(
                got, *expected,
                "protected={protected} caller_sa={caller_sa} {change:?}"
            );
        }
        let msg = check_group_change(false, true, &GroupChange::Delete { members: 1 })
            .unwrap_err()
            .to_string();
        assert!(msg.contains("1 member;"), "{msg}");
    }

    #[test]
    fn editors_grant_only_what_they_hold() {
        let s = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let mine = s(&["groups:write", "jobs:read"]);
        assert_eq!(
            grantable_group_permissions(&mine, false, &[], &s(&["jobs:read", " jobs:read"])).unwrap(),
            vec!["jobs:read"]
        );
        assert_eq!(
            grantable_group_permissions(&mine, false, &[], &s(&["jobs:write"])).unwrap_err(),
            ApiError::Forbidden {
                permission: "jobs:write".into()
            }
        );
        // Keeping a permission the group already had is no grant.
        assert_eq!(
            grantable_group_permissions(&mine, false, &s(&["jobs:write"]), &s(&["jobs:write"])).unwrap(),
            vec!["jobs:write"]
        );
        assert!(matches!(
            grantable_group_permissions(&mine, true, &[], &s(&["*"])),
            Err(ApiError::Invalid(_))
        ));
        assert!(matches!(
            grantable_group_permissions(&mine, true, &[], &s(&["jobs:fly"])),
            Err(ApiError::Invalid(_))
        ));
        assert_eq!(
            grantable_group_permissions(&[], true, &[], &s(&["sso:write"])).unwrap(),
            vec!["sso:write"]
        );
        assert_eq!(
            permission_diff(&s(&["a", "b"]), &s(&["b", "c"])),
            "added c; removed a"
        );
        assert_eq!(permission_diff(&s(&["a"]), &s(&["a"])), "");
    }
}
