//! Every server function, the permission it needs and a well-formed request for it.
//! `{name}` placeholders are filled from the matrix world. Reads come first and
//! destructive calls last, so the secret scan can call them in order as the admin.

use super::Need::{self, *};

pub struct FnCase {
    pub endpoint: &'static str,
    pub need: Need,
    pub form: &'static [(&'static str, &'static str)],
}

const fn case(endpoint: &'static str, need: Need, form: &'static [(&'static str, &'static str)]) -> FnCase {
    FnCase { endpoint, need, form }
}

#[rustfmt::skip]
pub const SERVER_FNS: &[FnCase] = &[
    // Sign-in steps and the caller's own account.
    case("whoami", SignedIn, &[]),
    case("dashboard_tiles", SignedIn, &[]),
    case("setup_admin", Public, &[("email", "x@example.com"), ("name", "X"), ("password", "p"), ("password_confirm", "p")]),
    case("login", Public, &[("email", "nobody@example.com"), ("password", "wrong password")]),
    case("pending_login", Public, &[]),
    case("cancel_pending_login", Public, &[]),
    case("logout", Public, &[]),
    // Sources and destinations: one row per kind, as the permission follows the kind.
    case("adapter_types", Perm("sources:read"), &[("kind", "source")]),
    case("adapter_types", Perm("destinations:read"), &[("kind", "destination")]),
    case("list_adapters", Perm("sources:read"), &[("kind", "source")]),
    case("list_adapters", Perm("destinations:read"), &[("kind", "destination")]),
    case("adapter_health_log", Perm("sources:read"), &[("kind", "source"), ("id", "{source}")]),
    case("adapter_health_log", Perm("destinations:read"), &[("kind", "destination"), ("id", "{destination}")]),
    case("test_adapter", Perm("sources:write"), &[("kind", "source"), ("id", "{source}")]),
    case("test_adapter", Perm("destinations:write"), &[("kind", "destination"), ("id", "{destination}")]),
    case("test_adapter_form", Perm("sources:write"), &[("kind", "source"), ("adapter_id", "sqlite"), ("config[path]", "{dir}/app.sqlite")]),
    case("test_adapter_form", Perm("destinations:write"), &[("kind", "destination"), ("adapter_id", "local"), ("config[path]", "{dir}/backups")]),
    case("create_adapter", Perm("sources:write"), &[("kind", "source"), ("adapter_id", "sqlite"), ("name", "matrix new source"), ("config[path]", "{dir}/app.sqlite")]),
    case("create_adapter", Perm("destinations:write"), &[("kind", "destination"), ("adapter_id", "local"), ("name", "matrix new destination"), ("config[path]", "{dir}/other")]),
    case("update_adapter", Perm("sources:write"), &[("kind", "source"), ("id", "{source}"), ("name", "matrix renamed source"), ("config[path]", "{dir}/app.sqlite")]),
    case("update_adapter", Perm("destinations:write"), &[("kind", "destination"), ("id", "{destination}"), ("name", "matrix renamed destination"), ("config[path]", "{dir}/backups")]),
    // Jobs and executions.
    case("list_jobs", Perm("jobs:read"), &[]),
    case("job_choices", Perm("jobs:read"), &[]),
    case("cron_preview", Perm("jobs:read"), &[("cron", "0 3 * * *"), ("timezone", "UTC")]),
    case("list_source_databases", Perm("jobs:write"), &[("source_id", "{source}")]),
    case("retention_preview", Perm("jobs:write"), &[("job_name", "matrix job"), ("destination_id", "{destination}"), ("timezone", "UTC"), ("retention[kind]", "keep_last"), ("retention[keep_last]", "1")]),
    case("create_job", Perm("jobs:write"), &[("job[name]", "matrix second job"), ("job[source_id]", "{source}"), ("job[destinations][0]", "{destination}"), ("job[compression]", "zstd"), ("job[cron]", "0 4 * * *"), ("job[timezone]", "UTC"), ("job[retention][kind]", "keep_last"), ("job[retention][keep_last]", "1"), ("job[enabled]", "false")]),
    case("update_job", Perm("jobs:write"), &[("id", "{job}"), ("job[name]", "matrix job renamed"), ("job[source_id]", "{source}"), ("job[destinations][0]", "{destination}"), ("job[compression]", "gzip"), ("job[cron]", "0 5 * * *"), ("job[timezone]", "UTC"), ("job[retention][kind]", "keep_last"), ("job[retention][keep_last]", "1"), ("job[enabled]", "false")]),
    case("set_job_enabled", Perm("jobs:write"), &[("id", "{job}"), ("enabled", "true")]),
    case("run_job", Perm("jobs:execute"), &[("id", "{job}")]),
    case("list_executions", Perm("executions:read"), &[]),
    case("get_execution", Perm("executions:read"), &[("id", "{execution}")]),
    case("cancel_execution", Perm("executions:cancel"), &[("id", "{execution}")]),
    // Storage.
    case("storage_destinations", Perm("storage:read"), &[]),
    case("list_backups", Perm("storage:read"), &[("destination_id", "{destination}")]),
    case("verify_backup", Perm("storage:restore"), &[("destination_id", "{destination}"), ("object", "{object}")]),
    case("restore_backup", Perm("storage:restore"), &[("destination_id", "{destination}"), ("object", "{object}"), ("source_id", "{source}"), ("database", "restored.sqlite")]),
    // Encryption.
    case("list_encryption_profiles", Perm("encryption:read"), &[]),
    case("create_encryption_profile", Perm("encryption:write"), &[("name", "matrix second profile")]),
    case("add_extra_recipient", Perm("encryption:write"), &[("id", "{profile}"), ("recipient", "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")]),
    case("download_identity", Perm("encryption:write"), &[("id", "{profile}")]),
    // Settings, audit, API keys.
    case("get_settings", Perm("settings:read"), &[]),
    case("save_settings", Perm("settings:write"), &[("values[max_concurrent_jobs]", "3")]),
    case("get_system_notifications", Perm("settings:read"), &[]),
    case("save_system_notifications", Perm("settings:write"), &[("subs[backup_failure:{channel}]", "on")]),
    // Notification channels and their log.
    case("adapter_types", Perm("notifications:read"), &[("kind", "notification")]),
    case("list_adapters", Perm("notifications:read"), &[("kind", "notification")]),
    case("adapter_health_log", Perm("notifications:read"), &[("kind", "notification"), ("id", "{channel}")]),
    case("list_notification_log", Perm("notifications:read"), &[("event", "test"), ("status", "failed")]),
    case("notification_preview", Perm("notifications:read"), &[("id", "{notification}")]),
    case("test_adapter", Perm("notifications:write"), &[("kind", "notification"), ("id", "{channel}")]),
    case("test_adapter_form", Perm("notifications:write"), &[("kind", "notification"), ("adapter_id", "slack"), ("config[webhook_url]", "http://127.0.0.1:9/hook")]),
    case("create_adapter", Perm("notifications:write"), &[("kind", "notification"), ("adapter_id", "slack"), ("name", "matrix new channel"), ("config[webhook_url]", "http://127.0.0.1:9/hook")]),
    case("update_adapter", Perm("notifications:write"), &[("kind", "notification"), ("id", "{channel}"), ("name", "matrix renamed channel")]),
    case("list_audit", Perm("audit:read"), &[]),
    case("list_api_keys", Perm("api_keys:read"), &[]),
    case("create_api_key", Perm("api_keys:write"), &[("name", "matrix second key"), ("permissions[0]", "jobs:read")]),
    // Users and groups.
    case("list_users", Perm("users:read"), &[]),
    case("list_groups", Perm("groups:read"), &[]),
    case("create_user", Perm("users:write"), &[("email", "matrix.new@example.com"), ("name", "New"), ("password", "a sufficiently long password"), ("password_confirm", "a sufficiently long password"), ("group_id", "{group}")]),
    case("update_user", Perm("users:write"), &[("id", "{user}"), ("name", "Matrix Renamed"), ("group_id", "{group}")]),
    case("disable_user", Perm("users:write"), &[("id", "{user}")]),
    case("enable_user", Perm("users:write"), &[("id", "{user}")]),
    case("reset_user_password", Perm("users:write"), &[("id", "{user}"), ("password", "a reset password for matrix"), ("password_confirm", "a reset password for matrix")]),
    case("revoke_user_sessions", Perm("users:write"), &[("id", "{user}")]),
    case("list_group_rows", Perm("groups:read"), &[]),
    case("create_group", Perm("groups:write"), &[("name", "matrix new group"), ("description", "d"), ("permissions[0]", "jobs:read")]),
    case("update_group", Perm("groups:write"), &[("id", "{group}"), ("name", "matrix group renamed"), ("description", "d"), ("permissions[0]", "jobs:write")]),
    // Single sign-on providers.
    case("sso_login_options", Public, &[]),
    case("list_sso_providers", Perm("sso:read"), &[]),
    case("sso_group_choices", Perm("sso:read"), &[]),
    case("test_sso_discovery", Perm("sso:write"), &[("issuer_url", "http://127.0.0.1:9")]),
    case("save_sso_provider", Perm("sso:write"), &[("id", "{sso}"), ("slug", "matrix"), ("button_label", "Matrix renamed"), ("issuer_url", "http://127.0.0.1:9"), ("client_id", "matrix-client"), ("client_secret", "a replaced client secret"), ("enabled", "on")]),
    // The caller's own account: sessions, password, second factors.
    case("my_sessions", SignedIn, &[]),
    case("my_password_state", SignedIn, &[]),
    case("my_identity_check", SignedIn, &[]),
    case("confirm_identity", SignedIn, &[("password", "a sufficiently long password")]),
    case("totp_status", SignedIn, &[]),
    case("totp_begin", SignedIn, &[]),
    case("totp_confirm", SignedIn, &[("code", "123456")]),
    case("totp_disable", SignedIn, &[("code", "123456")]),
    case("list_passkeys", SignedIn, &[]),
    case("start_passkey_registration", SignedIn, &[("name", "Laptop")]),
    case("finish_passkey_registration", SignedIn, &[("ceremony", "x"), ("credential", "{}")]),
    case("rename_passkey", SignedIn, &[("id", "1"), ("name", "Phone")]),
    case("delete_passkey", SignedIn, &[("id", "1")]),
    case("revoke_my_session", SignedIn, &[("id", "1")]),
    case("change_my_password", SignedIn, &[("current_password", "a sufficiently long password"), ("password", "the matrix changed password"), ("password_confirm", "the matrix changed password")]),
    // Sign-in steps (public: they prove who the caller is).
    case("verify_totp_login", Public, &[("code", "123456")]),
    case("start_passkey_second_factor", Public, &[]),
    case("finish_passkey_second_factor", Public, &[("ceremony", "x"), ("credential", "{}")]),
    case("start_passkey_sign_in", Public, &[]),
    case("finish_passkey_sign_in", Public, &[("ceremony", "x"), ("credential", "{}")]),
    // Destructive calls last.
    case("delete_sso_provider", Perm("sso:write"), &[("id", "{sso}")]),
    case("remove_extra_recipient", Perm("encryption:write"), &[("id", "{profile}"), ("recipient", "{extra_recipient}")]),
    case("revoke_api_key", Perm("api_keys:write"), &[("id", "{key}")]),
    case("delete_backup", Perm("storage:delete"), &[("destination_id", "{destination}"), ("object", "{object}")]),
    case("delete_job", Perm("jobs:write"), &[("id", "{job}")]),
    case("delete_group", Perm("groups:write"), &[("id", "{spare_group}")]),
    case("delete_encryption_profile", Perm("encryption:write"), &[("id", "{profile}")]),
    case("delete_adapter", Perm("sources:write"), &[("kind", "source"), ("id", "{source}")]),
    case("delete_adapter", Perm("destinations:write"), &[("kind", "destination"), ("id", "{destination}")]),
    case("delete_adapter", Perm("notifications:write"), &[("kind", "notification"), ("id", "{channel}")]),
];
