//! The sidebar's entries, each with the permission needed to see it.

use crate::permissions::Permission;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
    pub needs: Option<Permission>,
}

pub const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Dashboard",
        icon: "◧",
        needs: None,
    },
    NavItem {
        href: "/jobs",
        label: "Jobs",
        icon: "↻",
        needs: Some(Permission::JobsRead),
    },
    NavItem {
        href: "/executions",
        label: "Executions",
        icon: "▶",
        needs: Some(Permission::ExecutionsRead),
    },
    NavItem {
        href: "/sources",
        label: "Sources",
        icon: "⛁",
        needs: Some(Permission::SourcesRead),
    },
    NavItem {
        href: "/destinations",
        label: "Destinations",
        icon: "⇪",
        needs: Some(Permission::DestinationsRead),
    },
    NavItem {
        href: "/notifications",
        label: "Notifications",
        icon: "✉",
        needs: Some(Permission::NotificationsRead),
    },
    NavItem {
        href: "/storage",
        label: "Storage",
        icon: "▤",
        needs: Some(Permission::StorageRead),
    },
    NavItem {
        href: "/encryption",
        label: "Encryption",
        icon: "✱",
        needs: Some(Permission::EncryptionRead),
    },
    NavItem {
        href: "/users",
        label: "Users & Groups",
        icon: "☺",
        needs: Some(Permission::UsersRead),
    },
    NavItem {
        href: "/sso",
        label: "Single sign-on",
        icon: "⇄",
        needs: Some(Permission::SsoRead),
    },
    NavItem {
        href: "/settings",
        label: "Settings",
        icon: "⚙",
        needs: Some(Permission::SettingsRead),
    },
    NavItem {
        href: "/api-keys",
        label: "API keys",
        icon: "⚷",
        needs: Some(Permission::ApiKeysRead),
    },
    NavItem {
        href: "/audit",
        label: "Audit log",
        icon: "☰",
        needs: Some(Permission::AuditRead),
    },
];
