//! Every `/api/v1` route, the permission it needs and a well-formed request for it.
//! `{name}` placeholders are filled from the matrix world; reads first, deletes last.

use super::Need::{self, *};

pub struct RouteCase {
    pub method: &'static str,
    /// The OpenAPI path, e.g. `/api/v1/jobs/{id}`.
    pub path: &'static str,
    /// The path to call (placeholders filled from the world), with any query.
    pub call: &'static str,
    pub need: Need,
    pub body: Option<&'static str>,
}

const fn route(
    method: &'static str,
    path: &'static str,
    call: &'static str,
    need: Need,
    body: Option<&'static str>,
) -> RouteCase {
    RouteCase {
        method,
        path,
        call,
        need,
        body,
    }
}

#[rustfmt::skip]
pub const REST_ROUTES: &[RouteCase] = &[
    route("GET", "/api/v1/adapter-types", "/api/v1/adapter-types", AnyOf(&["sources:read", "destinations:read", "notifications:read"]), None),
    route("GET", "/api/v1/sources", "/api/v1/sources", Perm("sources:read"), None),
    route("GET", "/api/v1/sources/{id}", "/api/v1/sources/{source}", Perm("sources:read"), None),
    route("GET", "/api/v1/destinations", "/api/v1/destinations", Perm("destinations:read"), None),
    route("GET", "/api/v1/destinations/{id}", "/api/v1/destinations/{destination}", Perm("destinations:read"), None),
    route("GET", "/api/v1/jobs", "/api/v1/jobs", Perm("jobs:read"), None),
    route("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/{job}", Perm("jobs:read"), None),
    route("GET", "/api/v1/notification-channels", "/api/v1/notification-channels", Perm("notifications:read"), None),
    route("GET", "/api/v1/notification-channels/{id}", "/api/v1/notification-channels/{channel}", Perm("notifications:read"), None),
    route("GET", "/api/v1/notification-log", "/api/v1/notification-log?event=test&status=failed", Perm("notifications:read"), None),
    route("GET", "/api/v1/notification-log/{id}", "/api/v1/notification-log/{notification}", Perm("notifications:read"), None),
    route("GET", "/api/v1/audit", "/api/v1/audit", Perm("audit:read"), None),
    route("GET", "/api/v1/executions", "/api/v1/executions", Perm("executions:read"), None),
    route("GET", "/api/v1/executions/{id}", "/api/v1/executions/{execution}", Perm("executions:read"), None),
    route("GET", "/api/v1/encryption-profiles", "/api/v1/encryption-profiles", Perm("encryption:read"), None),
    route("GET", "/api/v1/encryption-profiles/{id}", "/api/v1/encryption-profiles/{profile}", Perm("encryption:read"), None),
    route("GET", "/api/v1/destinations/{id}/backups", "/api/v1/destinations/{destination}/backups", Perm("storage:read"), None),
    route("GET", "/api/v1/destinations/{id}/backups/download", "/api/v1/destinations/{destination}/backups/download?object={object}", Perm("storage:download"), None),
    route("POST", "/api/v1/sources/{id}/test", "/api/v1/sources/{source}/test", Perm("sources:write"), None),
    route("POST", "/api/v1/destinations/{id}/test", "/api/v1/destinations/{destination}/test", Perm("destinations:write"), None),
    route("POST", "/api/v1/notification-channels/{id}/test", "/api/v1/notification-channels/{channel}/test", Perm("notifications:write"), None),
    route("POST", "/api/v1/notification-channels", "/api/v1/notification-channels", Perm("notifications:write"), Some(r#"{"adapter_id": "slack", "name": "rest channel", "config": {"webhook_url": "http://127.0.0.1:9/services/rest"}}"#)),
    route("PUT", "/api/v1/notification-channels/{id}", "/api/v1/notification-channels/{channel}", Perm("notifications:write"), Some(r#"{"name": "rest renamed channel"}"#)),
    route("POST", "/api/v1/sources", "/api/v1/sources", Perm("sources:write"), Some(r#"{"adapter_id": "sqlite", "name": "rest source", "config": {"path": "{dir}/app.sqlite"}}"#)),
    route("POST", "/api/v1/destinations", "/api/v1/destinations", Perm("destinations:write"), Some(r#"{"adapter_id": "local", "name": "rest destination", "config": {"path": "{dir}/rest"}}"#)),
    route("PUT", "/api/v1/sources/{id}", "/api/v1/sources/{source}", Perm("sources:write"), Some(r#"{"name": "rest renamed source"}"#)),
    route("PUT", "/api/v1/destinations/{id}", "/api/v1/destinations/{destination}", Perm("destinations:write"), Some(r#"{"name": "rest renamed destination"}"#)),
    route("POST", "/api/v1/jobs", "/api/v1/jobs", Perm("jobs:write"), Some(r#"{"name": "rest job", "source_id": {source}, "destinations": [{destination}], "cron": "0 6 * * *", "enabled": false}"#)),
    route("PUT", "/api/v1/jobs/{id}", "/api/v1/jobs/{job}", Perm("jobs:write"), Some(r#"{"name": "rest renamed job", "source_id": {source}, "destinations": [{destination}], "cron": "0 7 * * *", "enabled": false}"#)),
    route("POST", "/api/v1/jobs/{id}/enable", "/api/v1/jobs/{job}/enable", Perm("jobs:write"), None),
    route("POST", "/api/v1/jobs/{id}/disable", "/api/v1/jobs/{job}/disable", Perm("jobs:write"), None),
    route("POST", "/api/v1/jobs/{id}/run", "/api/v1/jobs/{job}/run", Perm("jobs:execute"), None),
    route("POST", "/api/v1/executions/{id}/cancel", "/api/v1/executions/{execution}/cancel", Perm("executions:cancel"), None),
    route("POST", "/api/v1/destinations/{id}/backups/verify", "/api/v1/destinations/{destination}/backups/verify", Perm("storage:restore"), Some(r#"{"object": "{object}"}"#)),
    route("POST", "/api/v1/destinations/{id}/backups/restore", "/api/v1/destinations/{destination}/backups/restore", Perm("storage:restore"), Some(r#"{"object": "{object}", "source_id": {source}, "database": "rest-restored.sqlite"}"#)),
    route("POST", "/api/v1/encryption-profiles", "/api/v1/encryption-profiles", Perm("encryption:write"), Some(r#"{"name": "rest profile"}"#)),
    route("POST", "/api/v1/encryption-profiles/{id}/recipients", "/api/v1/encryption-profiles/{profile}/recipients", Perm("encryption:write"), Some(r#"{"recipient": "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"}"#)),
    route("DELETE", "/api/v1/encryption-profiles/{id}/recipients", "/api/v1/encryption-profiles/{profile}/recipients", Perm("encryption:write"), Some(r#"{"recipient": "{extra_recipient}"}"#)),
    route("DELETE", "/api/v1/destinations/{id}/backups", "/api/v1/destinations/{destination}/backups?object={object}", Perm("storage:delete"), None),
    route("DELETE", "/api/v1/jobs/{id}", "/api/v1/jobs/{job}", Perm("jobs:write"), None),
    route("DELETE", "/api/v1/encryption-profiles/{id}", "/api/v1/encryption-profiles/{profile}", Perm("encryption:write"), None),
    route("DELETE", "/api/v1/notification-channels/{id}", "/api/v1/notification-channels/{channel}", Perm("notifications:write"), None),
    route("DELETE", "/api/v1/sources/{id}", "/api/v1/sources/{source}", Perm("sources:write"), None),
    route("DELETE", "/api/v1/destinations/{id}", "/api/v1/destinations/{destination}", Perm("destinations:write"), None),
    route("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", Public, None),
];
