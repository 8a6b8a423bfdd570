//! Building console links with query strings, the same way for every page.

/// Percent-encodes a path or query value, keeping unreserved characters and `/`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path?k=v&…` (just `path` without pairs), every value escaped.
pub fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", escape(v))).collect();
    format!("{path}?{}", q.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_empty_queries_dropped() {
        assert_eq!(with_query("/audit", &[]), "/audit");
        assert_eq!(
            with_query("/x", &[("actor", "a b&c@d".into()), ("before", "7".into())]),
            "/x?actor=a%20b%26c%40d&before=7"
        );
        assert_eq!(escape("job/a+b.dump"), "job/a%2Bb.dump");
    }
}
