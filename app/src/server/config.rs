//! Configuration read from the environment at start.

use super::error::{Result, ServerError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `None` means the embedded SQLite file in `data_dir`.
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    /// The URL users reach the console at; decides the cookie's `Secure` flag,
    /// OIDC redirects and the WebAuthn origin.
    pub public_url: String,
    pub encryption_key: KeySource,
    /// Where the built site (wasm, JS, CSS) is served from.
    pub site_root: PathBuf,
    /// `BULWARK_DISABLE_PASSWORD_LOGIN=true`: only SSO signs in (while a provider is enabled).
    pub disable_password_login: bool,
    /// `BULWARK_TOOL_DIRS` (`:`-separated): where a tool path set on a source must point.
    pub tool_dirs: Vec<PathBuf>,
    /// `BULWARK_FILE_ROOTS` (`:`-separated): where file sources and local destinations may
    /// point; empty allows any path outside the data folder.
    pub file_roots: Vec<PathBuf>,
}

/// Where the stock client tools live on Debian and in the image.
pub const DEFAULT_TOOL_DIRS: &str = "/usr/bin:/usr/local/bin:/usr/lib/postgresql";

fn path_list(text: &str) -> Vec<PathBuf> {
    text.split(':')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect()
}

#[derive(Debug, Clone)]
pub enum KeySource {
    /// `BULWARK_ENCRYPTION_KEY`: 64 hex characters.
    Inline(String),
    /// `BULWARK_ENCRYPTION_KEY_FILE`: a file holding the 64 hex characters.
    File(PathBuf),
    /// Neither given: `<data_dir>/master.key`, generated on first run.
    Generated(PathBuf),
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

impl Config {
    /// Reads `BULWARK_*` and `DATABASE_URL` through `get`, so tests need not touch
    /// the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(get("BULWARK_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let listen_raw = get("BULWARK_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen: SocketAddr = listen_raw.parse().map_err(|_| {
            ServerError::Config(format!(
                "BULWARK_LISTEN={listen_raw:?} is not an address like 127.0.0.1:3000"
            ))
        })?;
        let public_url = get("BULWARK_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ServerError::Config(format!(
                "BULWARK_PUBLIC_URL={public_url:?} must start with http:// or https://"
            )));
        }
        let encryption_key = match (get("BULWARK_ENCRYPTION_KEY"), get("BULWARK_ENCRYPTION_KEY_FILE")) {
            (Some(_), Some(_)) => {
                return Err(ServerError::Config(
                    "set BULWARK_ENCRYPTION_KEY or BULWARK_ENCRYPTION_KEY_FILE, not both".into(),
                ));
            }
            (Some(k), None) => KeySource::Inline(k),
            (None, Some(f)) => KeySource::File(f.into()),
            (None, None) => KeySource::Generated(data_dir.join("master.key")),
        };
        let database_url = get("DATABASE_URL");
        if let Some(url) = &database_url
            && !["postgres://", "postgresql://", "sqlite:"]
                .iter()
                .any(|p| url.starts_with(p))
        {
            return Err(ServerError::Config(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite:".into(),
            ));
        }
        let site_root = get("BULWARK_SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(default_site_root);
        let disable_password_login = get("BULWARK_DISABLE_PASSWORD_LOGIN")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"));
        let tool_dirs = path_list(&get("BULWARK_TOOL_DIRS").unwrap_or_else(|| DEFAULT_TOOL_DIRS.into()));
        let file_roots = path_list(&get("BULWARK_FILE_ROOTS").unwrap_or_default());
        for (var, list) in [
            ("BULWARK_TOOL_DIRS", &tool_dirs),
            ("BULWARK_FILE_ROOTS", &file_roots),
        ] {
            if let Some(relative) = list.iter().find(|p| !p.is_absolute()) {
                return Err(ServerError::Config(format!(
                    "{var}: {} is not an absolute path",
                    relative.display()
                )));
            }
        }
        Ok(Config {
            tool_dirs,
            file_roots,
            disable_password_login,
            data_dir,
            database_url,
            listen,
            public_url,
            encryption_key,
            site_root,
        })
    }

    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("bulwark.db")
    }
}

/// The site is built next to the binary (`<exe dir>/site`), which is where `make build`
/// and the Dockerfile put it; `./site` is the fallback.
fn default_site_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("site")))
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| Path::new("site").to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert!(!c.secure_cookies());
        assert!(c.database_url.is_none());
        assert!(matches!(c.encryption_key, KeySource::Generated(ref p) if p.ends_with("master.key")));
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = config(&[("BULWARK_PUBLIC_URL", "https://backup.example.com/")]).unwrap();
        assert_eq!(c.public_url, "https://backup.example.com");
        assert!(c.secure_cookies());
    }

    #[test]
    fn bad_values_are_explained() {
        let e = config(&[("BULWARK_LISTEN", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("BULWARK_LISTEN"), "{e}");
        let e = config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().to_string();
        assert!(e.contains("DATABASE_URL"), "{e}");
        let e = config(&[
            ("BULWARK_ENCRYPTION_KEY", "a"),
            ("BULWARK_ENCRYPTION_KEY_FILE", "b"),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("not both"), "{e}");
    }

    #[test]
    fn password_login_switch() {
        let off = |vars: &[(&str, &str)]| config(vars).unwrap().disable_password_login;
        assert!(!off(&[]));
        assert!(off(&[("BULWARK_DISABLE_PASSWORD_LOGIN", "true")]));
        assert!(!off(&[("BULWARK_DISABLE_PASSWORD_LOGIN", "false")]));
    }
}
