//! The WebAuthn relying party: derived once from `BULWARK_PUBLIC_URL`, plus the
//! ceremonies waiting between their start and finish calls.

use super::error::{Result, ServerError};
use super::passkey_ceremonies::Ceremonies;
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// What the passkey server functions share through `AppState`.
pub struct RelyingParty {
    /// `Err` keeps the reason when the public URL cannot be a WebAuthn origin (say, a
    /// bare IP address the builder refuses): only passkeys are unavailable then.
    webauthn: std::result::Result<Webauthn, String>,
    pub ceremonies: Ceremonies,
    /// The secret the user handles are derived from, read once from the database.
    pub handle_key: tokio::sync::OnceCell<[u8; 32]>,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty")
            .field("usable", &self.webauthn.is_ok())
            .finish_non_exhaustive()
    }
}

impl RelyingParty {
    pub fn new(public_url: &str) -> Self {
        RelyingParty {
            webauthn: build(public_url),
            ceremonies: Ceremonies::default(),
            handle_key: tokio::sync::OnceCell::new(),
        }
    }

    pub fn webauthn(&self) -> Result<&Webauthn> {
        self.webauthn
            .as_ref()
            .map_err(|why| ServerError::Config(format!("passkeys are unavailable: {why}")))
    }
}

/// The relying party id (the host of the public URL) and the origin browsers report
/// (scheme, host and port; no path).
pub fn rp_id_and_origin(public_url: &str) -> std::result::Result<(String, Url), String> {
    let url = Url::parse(public_url).map_err(|e| format!("BULWARK_PUBLIC_URL {public_url:?}: {e}"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("BULWARK_PUBLIC_URL {public_url:?} has no host"))?
        .to_string();
    let origin = Url::parse(&url.origin().ascii_serialization())
        .map_err(|e| format!("BULWARK_PUBLIC_URL {public_url:?}: {e}"))?;
    Ok((host, origin))
}

fn build(public_url: &str) -> std::result::Result<Webauthn, String> {
    let (rp_id, origin) = rp_id_and_origin(public_url)?;
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| b.rp_name("Bulwark").build())
        .map_err(|e| format!("relying party {rp_id} at {origin}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rp_id_is_the_host_and_origin_keeps_scheme_and_port() {
        let (id, origin) = rp_id_and_origin("http://localhost:43127").unwrap();
        assert_eq!(id, "localhost");
        assert_eq!(origin.as_str(), "http://localhost:43127/");
        let (id, origin) = rp_id_and_origin("https://backup.example.com").unwrap();
        assert_eq!(id, "backup.example.com");
        assert_eq!(origin.as_str(), "https://backup.example.com/");
        // The default port is implied; a path is not part of the origin.
        let (id, origin) = rp_id_and_origin("https://Backup.Example.com:443/console").unwrap();
        assert_eq!(id, "backup.example.com");
        assert_eq!(origin.as_str(), "https://backup.example.com/");
        let (_, origin) = rp_id_and_origin("https://backup.example.com:8443").unwrap();
        assert_eq!(origin.as_str(), "https://backup.example.com:8443/");
    }

    #[test]
    fn unusable_urls_are_explained() {
        assert!(
            rp_id_and_origin("not a url")
                .unwrap_err()
                .contains("BULWARK_PUBLIC_URL")
        );
    }

    #[test]
    fn localhost_and_domains_build() {
        assert!(RelyingParty::new("http://localhost:3000").webauthn().is_ok());
        assert!(RelyingParty::new("https://backup.example.com").webauthn().is_ok());
    }
}
