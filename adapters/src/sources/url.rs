//! Parsing `scheme://user:pass@host:port/db?key=value` into a source's config.

use crate::error::{AdapterError, Result};
use serde_json::{Map, Value};

pub(crate) struct ServerUrl {
    /// host, port, username, password and every query pair, as config keys.
    pub config: Map<String, Value>,
    /// The selected databases: empty means all (no path, or `*`); `a,b` selects two.
    pub databases: Vec<String>,
}

pub(crate) fn parse_server_url(text: &str, schemes: &[&str]) -> Result<ServerUrl> {
    let invalid = |why: &str| AdapterError::InvalidConfig(format!("{why}: {}", redact(text)));
    let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
    if !schemes.contains(&url.scheme()) {
        return Err(invalid(&format!("the URL must start with {}://", schemes[0])));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("no host"))?;
    let mut config = Map::new();
    config.insert(
        "host".into(),
        host.trim_start_matches('[').trim_end_matches(']').into(),
    );
    if let Some(port) = url.port() {
        config.insert("port".into(), port.into());
    }
    if !url.username().is_empty() {
        config.insert("username".into(), percent_decode(url.username())?.into());
    }
    if let Some(password) = url.password() {
        config.insert("password".into(), percent_decode(password)?.into());
    }
    for (key, value) in url.query_pairs() {
        config.insert(key.into_owned(), value.into_owned().into());
    }
    let path = percent_decode(url.path().trim_start_matches('/'))?;
    let databases = match path.as_str() {
        "" | "*" => Vec::new(),
        list => list
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect(),
    };
    Ok(ServerUrl { config, databases })
}

pub(crate) fn percent_decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(|| {
                AdapterError::InvalidConfig(format!("bad percent-escape in URL part `{}`", redact(text)))
            })?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| AdapterError::InvalidConfig("a URL part is not UTF-8".into()))
}

/// The URL without its password, for error messages.
fn redact(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(url) => url.to_string(),
        Err(_) => "(unparsable URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credentials_host_port_and_databases() {
        let u = parse_server_url(
            "postgres://us%40er:p%3Ass%2Fw@db.local:6543/a,b?sslmode=require",
            &["postgres"],
        )
        .unwrap();
        assert_eq!(u.config["host"], "db.local");
        assert_eq!(u.config["port"], 6543);
        assert_eq!(u.config["username"], "us@er");
        assert_eq!(u.config["password"], "p:ss/w");
        assert_eq!(u.config["sslmode"], "require");
        assert_eq!(u.databases, vec!["a", "b"]);
    }

    #[test]
    fn no_database_or_a_star_means_all() {
        for text in ["mysql://root@h", "mysql://root@h/", "mysql://root@h/*"] {
            let u = parse_server_url(text, &["mysql"]).unwrap();
            assert!(u.databases.is_empty(), "{text}");
            assert!(!u.config.contains_key("port"));
            assert!(!u.config.contains_key("password"));
        }
    }

    #[test]
    fn ipv6_hosts_lose_their_brackets() {
        let u = parse_server_url("postgres://u@[::1]:5432/x", &["postgres"]).unwrap();
        assert_eq!(u.config["host"], "::1");
    }

    #[test]
    fn errors_never_show_the_password() {
        let e = parse_server_url("http://u:secret@h/x", &["postgres"])
            .err()
            .unwrap()
            .to_string();
        assert!(!e.contains("secret") && e.contains("postgres://"), "{e}");
        assert!(parse_server_url("postgres:///x", &["postgres"]).is_err());
        assert!(percent_decode("%zz").is_err());
    }
}
