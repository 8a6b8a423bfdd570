//! The permission vocabulary: every permission string Bulwark knows, defined once.
//!
//! Compiled for both the server (which enforces) and the browser (which hides what a
//! user may not do). Groups store these strings; the protected SuperAdmin group holds
//! the wildcard `*`, which grants everything.

use serde::{Deserialize, Serialize};

/// The wildcard held by the SuperAdmin group.
pub const ALL: &str = "*";

macro_rules! permissions {
    ($($variant:ident => $value:literal, $area:literal, $label:literal;)*) => {
        /// One thing a user or API key may be allowed to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Permission { $($variant,)* }

        impl Permission {
            /// Every permission, in display order.
            pub const EVERY: &'static [Permission] = &[$(Permission::$variant,)*];

            /// The stored string, e.g. `jobs:execute`.
            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $value,)* }
            }

            /// The console area the permission belongs to, for grouping checkboxes.
            pub fn area(self) -> &'static str {
                match self { $(Permission::$variant => $area,)* }
            }

            /// A short human description.
            pub fn label(self) -> &'static str {
                match self { $(Permission::$variant => $label,)* }
            }

            /// Parses a stored string; unknown strings give `None`.
            pub fn parse(value: &str) -> Option<Permission> {
                match value { $($value => Some(Permission::$variant),)* _ => None }
            }
        }
    };
}

permissions! {
    UsersRead => "users:read", "Users", "View users";
    UsersWrite => "users:write", "Users", "Create, edit, disable users and reset passwords";
    GroupsRead => "groups:read", "Groups", "View groups";
    GroupsWrite => "groups:write", "Groups", "Create, edit and delete groups";
    SourcesRead => "sources:read", "Sources", "View sources";
    SourcesWrite => "sources:write", "Sources", "Create, edit and delete sources";
    DestinationsRead => "destinations:read", "Destinations", "View destinations";
    DestinationsWrite => "destinations:write", "Destinations", "Create, edit and delete destinations";
    NotificationsRead => "notifications:read", "Notifications", "View channels and the notification log";
    NotificationsWrite => "notifications:write", "Notifications", "Create, edit and delete channels";
    JobsRead => "jobs:read", "Jobs", "View jobs";
    JobsWrite => "jobs:write", "Jobs", "Create, edit, enable and delete jobs";
    JobsExecute => "jobs:execute", "Jobs", "Run jobs now";
    ExecutionsRead => "executions:read", "Executions", "View executions and their logs";
    ExecutionsCancel => "executions:cancel", "Executions", "Cancel running executions";
    StorageRead => "storage:read", "Storage", "List backups in destinations";
    StorageDownload => "storage:download", "Storage", "Download backups";
    StorageRestore => "storage:restore", "Storage", "Restore and verify backups";
    StorageDelete => "storage:delete", "Storage", "Delete backups";
    EncryptionRead => "encryption:read", "Encryption", "View encryption profiles";
    EncryptionWrite => "encryption:write", "Encryption", "Create profiles and download identities";
    SettingsRead => "settings:read", "Settings", "View system settings";
    SettingsWrite => "settings:write", "Settings", "Change system settings";
    AuditRead => "audit:read", "Audit", "View the audit log";
    ApiKeysRead => "api_keys:read", "API keys", "View API keys";
    ApiKeysWrite => "api_keys:write", "API keys", "Create and revoke API keys";
    SsoRead => "sso:read", "Single sign-on", "View SSO providers";
    SsoWrite => "sso:write", "Single sign-on", "Configure SSO providers";
}

/// Whether a holder of `held` permission strings may do `needed`.
///
/// `protected` marks the built-in SuperAdmin group, which holds everything whatever
/// its stored list says, so it can never be locked out by an edit.
pub fn grants<S: AsRef<str>>(held: &[S], protected: bool, needed: Permission) -> bool {
    protected
        || held
            .iter()
            .any(|p| p.as_ref() == ALL || p.as_ref() == needed.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::EVERY {
            assert_eq!(Permission::parse(p.as_str()), Some(*p));
            assert!(seen.insert(p.as_str()), "duplicate {}", p.as_str());
            assert!(p.as_str().contains(':'));
        }
        assert_eq!(Permission::parse("jobs:fly"), None);
    }

    #[test]
    fn grants_table() {
        let cases: &[(&[&str], bool, Permission, bool)] = &[
            (&[], false, Permission::JobsRead, false),
            (&["jobs:read"], false, Permission::JobsRead, true),
            (&["jobs:read"], false, Permission::JobsWrite, false),
            (&["jobs:read"], false, Permission::JobsExecute, false),
            (&["*"], false, Permission::UsersWrite, true),
            (&[], true, Permission::SettingsWrite, true),
            (&["jobs"], false, Permission::JobsRead, false),
            (&["JOBS:READ"], false, Permission::JobsRead, false),
        ];
        for (held, protected, needed, expected) in cases {
            assert_eq!(
                grants(held, *protected, *needed),
                *expected,
                "held={held:?} protected={protected} needed={needed:?}"
            );
        }
    }
}
