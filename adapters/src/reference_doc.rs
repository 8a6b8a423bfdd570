//! `docs/adapters.md`, written from the registry: every adapter's settings as its schema
//! declares them (the same schema that draws the console form, validates input and
//! documents the REST API), a destination's capabilities and command-line URL. A test
//! fails when the file is stale; `BULWARK_WRITE_DOCS=1 cargo test --workspace --lib
//! reference_doc` rewrites it.

use crate::registry::{ADAPTERS, AdapterInfo, Kind};
use crate::schema::{ConfigField, FieldType};
use std::fmt::Write;

pub fn markdown() -> String {
    let mut out = String::from(
        "# Adapters\n\nGenerated from the adapter registry (`adapters/src/reference_doc.rs`); do not edit by hand.\n\
         Each adapter's settings are its schema: the console draws its form from it, the server\n\
         validates input with it and the REST API documents it. Secret fields are encrypted at\n\
         rest and never sent back.\n",
    );
    for (kind, title) in [
        (Kind::Source, "Sources"),
        (Kind::Destination, "Destinations"),
        (Kind::Notification, "Notification channels"),
    ] {
        let _ = write!(out, "\n## {title}\n");
        for a in ADAPTERS.iter().filter(|a| a.kind() == kind) {
            adapter(&mut out, a);
        }
    }
    out
}

fn adapter(out: &mut String, a: &AdapterInfo) {
    let _ = write!(out, "\n### {} (`{}`)\n\n", a.label, a.id);
    if let Some(caps) = a.capabilities() {
        let _ = writeln!(out, "Capabilities: {}.\n", caps.describe().join("; "));
    }
    if let Some(urls) = a.urls() {
        let _ = writeln!(out, "On the command line: `{}`.\n", urls.example);
    }
    if let Some(urls) = a.source_urls() {
        let schemes: Vec<String> = urls.schemes.iter().map(|s| format!("`{s}://`")).collect();
        let _ = writeln!(out, "On the command line: {}.\n", schemes.join(" or "));
    }
    if !a.presets().is_empty() {
        out.push_str("Presets (the form fills these in):\n\n");
        for p in a.presets() {
            let values: Vec<String> = p
                .values
                .iter()
                .map(|(k, v)| {
                    if v.is_empty() {
                        format!("`{k}` empty")
                    } else {
                        format!("`{k}` = `{v}`")
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "- **{}** (`{}`): {}. {}",
                p.label,
                p.id,
                values.join(", "),
                p.note
            );
        }
        out.push('\n');
    }
    out.push_str("| setting | type | required | default | notes |\n|---|---|---|---|---|\n");
    for f in (a.schema)() {
        let _ = writeln!(
            out,
            "| `{}` ({}) | {} | {} | {} | {} |",
            f.name,
            f.label,
            type_name(&f),
            if f.required { "yes" } else { "" },
            f.default.as_ref().map(|d| format!("`{d}`")).unwrap_or_default(),
            notes(&f).replace('|', "\\|"),
        );
    }
}

fn type_name(f: &ConfigField) -> String {
    match f.field_type {
        FieldType::Select => format!(
            "one of {}",
            f.options
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        t => format!("{t:?}").to_lowercase(),
    }
}

fn notes(f: &ConfigField) -> String {
    let mut notes: Vec<&str> = Vec::new();
    if f.secret {
        notes.push("secret");
    }
    if f.endpoint {
        notes.push("changing it asks for the secrets again");
    }
    if f.program {
        notes.push("a program run on the Bulwark host");
    }
    if f.host_path {
        notes.push("a path on the Bulwark host");
    }
    if f.superadmin_only {
        notes.push("only a SuperAdmin may switch it on");
    }
    let mut text = notes.join("; ");
    if let Some(help) = f.help {
        if !text.is_empty() {
            text.push_str(". ");
        }
        text.push_str(help);
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_adapters_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/adapters.md");
        let want = super::markdown();
        if std::env::var_os("BULWARK_WRITE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/adapters.md is stale: run `BULWARK_WRITE_DOCS=1 cargo test --workspace --lib reference_doc` and commit it"
        );
    }
}
