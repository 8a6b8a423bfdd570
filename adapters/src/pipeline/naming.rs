//! Object names: `<dir>/<UTC timestamp>_<source>-<database>.<ext>[.zst|.gz|.br][.age]`.

use chrono::{DateTime, Utc};

/// Lowercases and keeps `[a-z0-9._-]`, so any database or job name makes a safe key.
pub fn slug(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches(|c| c == '_' || c == '.');
    if trimmed.is_empty() {
        "unnamed".into()
    } else {
        trimmed.to_string()
    }
}

pub struct ObjectName<'a> {
    pub dir: &'a str,
    pub created_at: DateTime<Utc>,
    pub source_kind: &'a str,
    pub database: &'a str,
    pub extension: &'a str,
    pub compression_suffix: &'a str,
    pub encryption_suffix: &'a str,
}

impl ObjectName<'_> {
    pub fn key(&self) -> String {
        let dir = self.dir.trim_matches('/');
        let file = format!(
            "{}_{}-{}.{}{}{}",
            self.created_at.format("%Y%m%dT%H%M%SZ"),
            slug(self.source_kind),
            slug(self.database),
            self.extension,
            self.compression_suffix,
            self.encryption_suffix
        );
        if dir.is_empty() {
            file
        } else {
            format!("{}/{file}", slug_path(dir))
        }
    }
}

fn slug_path(dir: &str) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(slug)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_are_predictable_and_safe() {
        let name = ObjectName {
            dir: "Nightly PG/",
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap(),
            source_kind: "postgres",
            database: "Shop DB/../x",
            extension: "dump",
            compression_suffix: ".zst",
            encryption_suffix: ".age",
        };
        assert_eq!(
            name.key(),
            "nightly_pg/20261122T030405Z_postgres-shop_db_.._x.dump.zst.age"
        );
        assert_eq!(slug("../.."), "unnamed");
        assert_eq!(slug("app_prod"), "app_prod");
        assert!(!name.key().contains("/../"));
    }
}
