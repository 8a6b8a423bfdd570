//! Adapter fields that reach the Bulwark host itself (finding 9 of docs/SECURITY.md).
//! A tool path runs a program as Bulwark, so only a SuperAdmin sets one, and only to
//! something under `BULWARK_TOOL_DIRS`. A file source or local destination never points
//! into the data folder (its database and master key) or at the key file, nor outside
//! `BULWARK_FILE_ROOTS` when that is set. A switch that lends an adapter the host's own
//! cloud identity is a SuperAdmin's to turn on (finding 10).

use super::config::{Config, KeySource};
use super::error::Result;
use crate::api::error::ApiError;
use adapters::ConfigField;
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// Who is saving or testing an adapter, and the host's limits.
pub struct HostAccess<'a> {
    pub superadmin: bool,
    pub config: &'a Config,
}

impl<'a> HostAccess<'a> {
    pub fn new(config: &'a Config, superadmin: bool) -> Self {
        HostAccess { superadmin, config }
    }
}

/// Checks `config` (replacing `before`, if any) against the host's limits. A program
/// field is only checked when it changes, so older configs keep working until edited.
pub fn check(
    access: &HostAccess,
    schema: &[ConfigField],
    before: Option<&Value>,
    config: &Value,
) -> Result<()> {
    for field in schema {
        let now = text(config, field);
        if field.program
            && let Some(program) = now
            && before.and_then(|b| text(b, field)) != Some(program)
        {
            if !access.superadmin {
                return Err(ApiError::Forbidden {
                    permission: format!(
                        "SuperAdmin: only a SuperAdmin may set {} (it runs a program on the Bulwark host)",
                        field.label
                    ),
                }
                .into());
            }
            check_program(access.config, field, program)?;
        }
        if field.superadmin_only
            && truthy(config, field)
            && !before.is_some_and(|b| truthy(b, field))
            && !access.superadmin
        {
            return Err(ApiError::Forbidden {
                permission: format!("SuperAdmin: only a SuperAdmin may switch on “{}”", field.label),
            }
            .into());
        }
        if field.host_path
            && let Some(path) = now
        {
            check_host_path(access.config, field, path)?;
        }
    }
    Ok(())
}

fn truthy(config: &Value, field: &ConfigField) -> bool {
    match config.get(field.name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.trim(), "true" | "on" | "1" | "yes"),
        _ => false,
    }
}

fn text<'v>(config: &'v Value, field: &ConfigField) -> Option<&'v str> {
    config
        .get(field.name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A bare name is looked up on `PATH`; a path must resolve under a tool directory.
fn check_program(config: &Config, field: &ConfigField, program: &str) -> Result<()> {
    if !program.contains('/') && field.name != "tool_dir" {
        return Ok(());
    }
    let invalid = |why: String| -> super::error::ServerError { ApiError::invalid(why).into() };
    let resolved = std::fs::canonicalize(program)
        .map_err(|e| invalid(format!("{} {program} cannot be used: {e}.", field.label)))?;
    let allowed = canonical_all(&config.tool_dirs);
    if !allowed.iter().any(|dir| resolved.starts_with(dir)) {
        return Err(invalid(format!(
            "{} {program} is not under a tool directory (BULWARK_TOOL_DIRS: {}).",
            field.label,
            list(&config.tool_dirs)
        )));
    }
    Ok(())
}

fn check_host_path(config: &Config, field: &ConfigField, path: &str) -> Result<()> {
    let invalid = |why: String| -> super::error::ServerError { ApiError::invalid(why).into() };
    let resolved = resolve(Path::new(path));
    let data_dir = resolve(&config.data_dir);
    let key_file = match &config.encryption_key {
        KeySource::File(f) => Some(resolve(f)),
        _ => None,
    };
    if resolved.starts_with(&data_dir) || key_file.as_ref() == Some(&resolved) {
        return Err(invalid(format!(
            "{} {path} is inside Bulwark's data folder, which keeps its database and master key; choose another path.",
            field.label
        )));
    }
    if !config.file_roots.is_empty()
        && !canonical_all(&config.file_roots)
            .iter()
            .any(|r| resolved.starts_with(r))
    {
        return Err(invalid(format!(
            "{} {path} is outside the folders Bulwark may use (BULWARK_FILE_ROOTS: {}).",
            field.label,
            list(&config.file_roots)
        )));
    }
    Ok(())
}

/// `path` with symlinks of its existing part resolved and `.`/`..` of the rest applied,
/// then resolved again (a folder created on the way may lead through a link), so a link
/// or `..` cannot lead into the data folder unseen.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let parts: Vec<Component> = absolute.components().collect();
    for cut in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..cut].iter().collect();
        let Ok(mut out) = std::fs::canonicalize(&prefix) else {
            continue;
        };
        let rest = &parts[cut..];
        let climbs = rest.contains(&Component::ParentDir);
        for part in rest {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                _ => {}
            }
        }
        return if climbs { resolve(&out) } else { out };
    }
    absolute
}

fn canonical_all(dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect()
}

fn list(dirs: &[PathBuf]) -> String {
    if dirs.is_empty() {
        return "none".into();
    }
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_dots_are_resolved() {
        let dir = std::env::temp_dir().join(format!("bulwark-resolve-{}", std::process::id()));
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        let link = dir.join("innocent");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&data, &link).unwrap();
        let data = std::fs::canonicalize(&data).unwrap();
        assert!(resolve(&link.join("bulwark.db")).starts_with(&data));
        assert!(resolve(&dir.join("elsewhere/../data/x")).starts_with(&data));
        assert!(!resolve(&dir.join("data2/x")).starts_with(&data));
        assert!(resolve(&dir.join("missing/../innocent/new/x")).starts_with(&data));
        std::fs::remove_dir_all(dir).ok();
    }
}
