//! Everything a request could change: every table's rows and the destination's files.
//! Columns that change by themselves (heartbeats, "last seen" stamps) are left out.

use sea_orm::{DatabaseConnection, FromQueryResult, JsonValue, Statement};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub tables: BTreeMap<String, Vec<String>>,
    pub files: Vec<(String, u64)>,
}

/// Tables the background tasks write on their own schedule.
const MOVING_TABLES: &[&str] = &["instances", "seaql_migrations"];
/// Columns refreshed by reads or by time (a request that only reads touches them).
const MOVING_COLUMNS: &[&str] = &["last_seen_at", "expires_at", "last_used_at"];

pub async fn take(db: &DatabaseConnection, dir: &Path) -> Snapshot {
    let backend = db.get_database_backend();
    let list = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    let names: Vec<String> = JsonValue::find_by_statement(Statement::from_string(backend, list))
        .all(db)
        .await
        .expect("list tables")
        .into_iter()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .filter(|n| !MOVING_TABLES.contains(&n.as_str()))
        .collect();
    let mut tables = BTreeMap::new();
    for name in names {
        let rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{name}\""),
        ))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("read {name}: {e}"));
        let mut rows: Vec<String> = rows
            .into_iter()
            .map(|mut row| {
                if let Some(obj) = row.as_object_mut() {
                    obj.retain(|k, _| !MOVING_COLUMNS.contains(&k.as_str()));
                }
                row.to_string()
            })
            .collect();
        rows.sort();
        tables.insert(name, rows);
    }
    Snapshot {
        tables,
        files: files(dir),
    }
}

fn files(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                out.push((p.display().to_string(), len));
            }
        }
    }
    out.sort();
    out
}

/// The first difference between two snapshots, in words, or `None`.
pub fn difference(before: &Snapshot, after: &Snapshot) -> Option<String> {
    if before.files != after.files {
        return Some(format!("files changed: {:?} -> {:?}", before.files, after.files));
    }
    for (name, rows) in &after.tables {
        match before.tables.get(name) {
            None => return Some(format!("table {name} appeared")),
            Some(old) if old != rows => {
                let added: Vec<_> = rows.iter().filter(|r| !old.contains(r)).collect();
                let removed: Vec<_> = old.iter().filter(|r| !rows.contains(r)).collect();
                return Some(format!("{name} changed: added {added:?}, removed {removed:?}"));
            }
            Some(_) => {}
        }
    }
    None
}
