//! Object names: `<dir>/<UTC timestamp>_<source>-<database>.<ext>[.zst|.gz|.br][.age]`.
//!
//! The timestamp has milliseconds (`20261122T030405.123Z`): two runs of one job within
//! the same second would otherwise get the same name and the second would replace the
//! first. Names from before (`20261122T030405Z`) still parse.

use chrono::{DateTime, NaiveDateTime, Utc};

const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";

/// A backup key's creation time and group (what follows the timestamp: source kind,
/// database and extensions), or `None` for a key that is not named like a backup.
pub fn split_key(key: &str) -> Option<(DateTime<Utc>, &str)> {
    let file = key.rsplit('/').next()?;
    let (stamp, group) = file.split_once('_')?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP)
        .or_else(|_| NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ"))
        .ok()?;
    Some((at.and_utc(), group))
}

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
            self.created_at.format(STAMP),
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
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap()
                + chrono::Duration::milliseconds(67),
            source_kind: "postgres",
            database: "Shop DB/../x",
            extension: "dump",
            compression_suffix: ".zst",
            encryption_suffix: ".age",
        };
        assert_eq!(
            name.key(),
            "nightly_pg/20261122T030405.067Z_postgres-shop_db_.._x.dump.zst.age"
        );
        assert_eq!(slug("../.."), "unnamed");
        assert_eq!(slug("app_prod"), "app_prod");
        assert!(!name.key().contains("/../"));
    }

    #[test]
    fn keys_give_their_time_and_group_in_both_stamp_forms() {
        let (at, group) = split_key("nightly/20261122T030405.067Z_sqlite-app.sqlite.zst").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-22T03:04:05.067+00:00");
        assert_eq!(group, "sqlite-app.sqlite.zst");
        let (at, group) = split_key("nightly/20261122T030405Z_sqlite-app.sqlite.zst.age").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-22T03:04:05+00:00");
        assert_eq!(group, "sqlite-app.sqlite.zst.age");
        assert_eq!(split_key("nightly/notes.txt"), None);
        assert_eq!(split_key("nightly/2026_x.dump"), None);
    }

    #[test]
    fn runs_within_one_second_get_different_names() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 3, 4, 5).unwrap();
        let name = |created_at| {
            ObjectName {
                dir: "job",
                created_at,
                source_kind: "postgres",
                database: "shop",
                extension: "dump",
                compression_suffix: "",
                encryption_suffix: "",
            }
            .key()
        };
        assert_ne!(name(at), name(at + chrono::Duration::milliseconds(300)));
    }
}
