//! Issue 14: the whole console over REST. Every use case in `app/src/core` is called by
//! a REST handler, or is listed below with the reason it is not; a new use case without a
//! route fails this test until it gets one or a reason.

use super::one_core::rust_files;
use std::collections::BTreeSet;
use std::path::Path;

/// `module::function` pairs that have no REST route, and why.
const NOT_ROUTED: &[(&str, &str)] = &[
    // The console's shapes of data the REST API serves in its own: the same use case
    // behind another view.
    (
        "dashboard::tiles",
        "counts of what GET /jobs, /executions and the adapter lists return",
    ),
    (
        "executions::page",
        "the console's execution list; REST: GET /executions (executions::models)",
    ),
    (
        "executions::detail",
        "the console's execution page; REST: GET /executions/{id} (executions::model)",
    ),
    (
        "executions::follow",
        "the console's live log over server-sent events; REST clients poll GET /executions/{id}",
    ),
    ("groups::options", "the console's group picker; REST: GET /groups"),
    (
        "jobs::rows",
        "the console's job list with last runs; REST: GET /jobs and GET /executions?job_id=",
    ),
    (
        "jobs::choices",
        "the job form's pickers; REST: GET /sources, /destinations, /encryption-profiles, /notification-channels",
    ),
    (
        "sso::group_choices",
        "the SSO form's group picker; REST: GET /groups",
    ),
    (
        "storage::destinations",
        "the storage page's destination picker; REST: GET /destinations",
    ),
    // Deliberately kept out of reach of API keys.
    (
        "encryption::take_identity",
        "the secret key is handed out once, to a signed-in person in the console, never to a key",
    ),
    (
        "api_keys::list",
        "keys are managed by people signed in to the console (or the CLI on the host)",
    ),
    (
        "api_keys::create",
        "a key minting keys could outlive its own expiry; people mint them in the console",
    ),
    (
        "api_keys::revoke",
        "managed with the other key operations, in the console",
    ),
];

/// Functions of `core` that are not use cases: checks a surface runs before parsing, and
/// the audit writer every use case calls.
fn is_helper(module: &str, function: &str) -> bool {
    function.starts_with("may_") || module == "audit_event" || module == "actor" || module == "mod"
}

/// Every `module::function` that takes an `Actor`, from the source of `core`.
fn use_cases(core: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(core, &mut files);
    let mut out = BTreeSet::new();
    for file in files {
        let module = file.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        for start in text.match_indices("\npub ").map(|(i, _)| i + 1) {
            let rest = &text[start..];
            let Some(name_at) = rest.find("fn ") else { continue };
            let header = &rest[..rest.find('{').unwrap_or(rest.len())];
            if !rest[..name_at].trim_start_matches("pub ").trim().is_empty()
                && rest[..name_at].trim() != "pub async"
            {
                continue;
            }
            let name: String = rest[name_at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if header.contains("actor: &Actor") && !is_helper(&module, &name) {
                out.insert(format!("{module}::{name}"));
            }
        }
    }
    out
}

/// The names a REST file calls `core::module` by: the path itself and any alias.
fn aliases(text: &str, module: &str) -> Vec<String> {
    let mut names = vec![format!("core::{module}")];
    if text.contains(&format!("use crate::core::{module};")) {
        names.push(module.to_string());
    }
    let renamed = format!("use crate::core::{module}::{{self as ");
    if let Some(at) = text.find(&renamed) {
        let alias: String = text[at + renamed.len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        names.push(alias);
    }
    names
}

fn routed(rest: &Path, use_case: &str) -> bool {
    let (module, function) = use_case.split_once("::").unwrap();
    let mut files = Vec::new();
    rust_files(rest, &mut files);
    files.iter().any(|file| {
        let text = std::fs::read_to_string(file).unwrap();
        aliases(&text, module)
            .iter()
            .any(|alias| text.contains(&format!("{alias}::{function}(")))
    })
}

#[test]
fn every_use_case_has_a_rest_route_or_a_reason() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = use_cases(&src.join("core"));
    assert!(all.len() > 50, "found only {} use cases: {all:?}", all.len());
    assert!(all.contains("groups::create") && all.contains("storage::restore"));
    let exempt: BTreeSet<&str> = NOT_ROUTED.iter().map(|(name, _)| *name).collect();
    let rest = src.join("server/rest");
    let missing: Vec<&String> = all
        .iter()
        .filter(|u| !exempt.contains(u.as_str()) && !routed(&rest, u))
        .collect();
    assert!(
        missing.is_empty(),
        "use cases with no REST route and no reason: {missing:?}"
    );
    // A reason for something that is routed after all, or is gone, is stale.
    for (name, _) in NOT_ROUTED {
        assert!(all.contains(*name), "{name} is not a use case (any more)");
        assert!(!routed(&rest, name), "{name} has a route now: drop its reason");
    }
}

#[test]
fn the_scan_sees_a_call_through_an_alias() {
    let text = "use crate::core::adapters::{self as uc, Config};\nlet x = uc::list(&ctx, &a).await;";
    assert!(aliases(text, "adapters").contains(&"uc".to_string()));
    let direct = "crate::core::audit::list(&ctx, &actor)";
    assert!(
        aliases(direct, "audit")
            .iter()
            .any(|a| direct.contains(&format!("{a}::list(")))
    );
}
