//! Turns a failed tool's stderr into the error an admin can act on.

use crate::error::AdapterError;

/// Classifies a tool that exited with `code`. Only messages that clearly name a cause
/// are promoted (wrong credentials, unreachable server, missing database); anything
/// else stays `ToolFailed` with the stderr tail.
pub fn classify_failure(tool: &str, code: i32, stderr: &str) -> AdapterError {
    let find = |matches: fn(&str) -> bool| stderr.lines().map(str::trim).find(|l| matches(l));
    if let Some(line) = find(denied_database) {
        return AdapterError::PermissionDenied(line.to_string());
    }
    if let Some(line) = find(authentication) {
        return AdapterError::AuthenticationFailed(line.to_string());
    }
    if let Some(line) = find(missing_database) {
        return AdapterError::NotFound(line.to_string());
    }
    if let Some(line) = find(unreachable) {
        return AdapterError::HostUnreachable(line.to_string());
    }
    AdapterError::ToolFailed {
        tool: tool.to_string(),
        code,
        stderr_tail: stderr.to_string(),
    }
}

fn authentication(line: &str) -> bool {
    line.contains("authentication failed")
        || line.contains("no password supplied")
        || line.contains("Access denied for user")
        // PostgreSQL refuses an unknown login role at connection time.
        || (line.contains("FATAL") && line.contains("role \"") && line.contains("does not exist"))
}

/// MariaDB: the login worked but the user may not use that database.
fn denied_database(line: &str) -> bool {
    line.contains("Access denied for user") && line.contains("to database")
}

fn missing_database(line: &str) -> bool {
    (line.contains("database \"") && line.contains("does not exist")) || line.contains("Unknown database")
}

fn unreachable(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains("could not connect")
        || lower.contains("connection refused")
        || lower.contains("can't connect")
        || lower.contains("could not translate host name")
        || lower.contains("unknown server host")
        || lower.contains("no route to host")
        || lower.contains("network is unreachable")
        || lower.contains("timeout expired")
        // A bare "timeout" also appears in statement and lock timeouts, which are no
        // connection problem.
        || (lower.contains("connect") && (lower.contains("timeout") || lower.contains("timed out")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(stderr: &str) -> String {
        match classify_failure("tool", 1, stderr) {
            AdapterError::AuthenticationFailed(_) => "auth",
            AdapterError::HostUnreachable(_) => "unreachable",
            AdapterError::NotFound(_) => "not found",
            AdapterError::PermissionDenied(_) => "denied",
            AdapterError::ToolFailed { .. } => "failed",
            other => panic!("unexpected {other:?}"),
        }
        .to_string()
    }

    #[test]
    fn postgres_messages() {
        let prefix = "pg_dump: error: connection to server at \"127.0.0.1\", port 5432 failed: ";
        assert_eq!(
            kind(&format!(
                "{prefix}FATAL:  password authentication failed for user \"x\""
            )),
            "auth"
        );
        assert_eq!(
            kind(&format!("{prefix}fe_sendauth: no password supplied")),
            "auth"
        );
        assert_eq!(
            kind(&format!("{prefix}FATAL:  role \"nobody\" does not exist")),
            "auth"
        );
        assert_eq!(
            kind(&format!("{prefix}FATAL:  database \"nope\" does not exist")),
            "not found"
        );
        assert_eq!(
            kind(&format!(
                "{prefix}Connection refused\n\tIs the server running on that host?"
            )),
            "unreachable"
        );
        assert_eq!(kind(&format!("{prefix}timeout expired")), "unreachable");
        assert_eq!(
            kind(
                "psql: error: could not translate host name \"db.invalid\" to address: Name or service not known"
            ),
            "unreachable"
        );
        assert_eq!(
            kind("pg_restore: error: could not read input file: end of file"),
            "failed"
        );
    }

    #[test]
    fn restore_errors_are_not_mistaken_for_connection_problems() {
        assert_eq!(
            kind("psql:<stdin>:12: ERROR:  relation \"t\" does not exist"),
            "failed"
        );
        assert_eq!(
            kind("psql:<stdin>:9: ERROR:  role \"app\" does not exist"),
            "failed"
        );
        assert_eq!(
            kind("ERROR:  canceling statement due to statement timeout"),
            "failed"
        );
    }

    #[test]
    fn mariadb_messages() {
        assert_eq!(
            kind("ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1' (using password: YES)"),
            "auth"
        );
        assert_eq!(
            kind("mariadb-dump: Got error: 1044: \"Access denied for user 'u'@'%' to database 'x'\""),
            "denied"
        );
        assert_eq!(
            kind("ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)"),
            "unreachable"
        );
        assert_eq!(
            kind("ERROR 2005 (HY000): Unknown server host 'db.invalid' (-2)"),
            "unreachable"
        );
        assert_eq!(
            kind("mariadb-dump: Got error: 1049: \"Unknown database 'nope'\" when selecting the database"),
            "not found"
        );
        assert_eq!(
            kind("ERROR 1064 (42000) at line 3: You have an error in your SQL syntax"),
            "failed"
        );
    }

    #[test]
    fn the_tail_is_kept_for_unclassified_failures() {
        let e = classify_failure("pg_restore", 1, "pg_restore: error: did not find magic string");
        assert!(
            matches!(&e, AdapterError::ToolFailed { tool, code: 1, stderr_tail }
                if tool == "pg_restore" && stderr_tail.contains("magic string")),
            "{e:?}"
        );
    }
}
