//! Posting to an HTTP receiver: one shared client, errors that say what the receiver
//! answered and never repeat the URL (webhook URLs and bot tokens are secrets).

use crate::error::{AdapterError, Result};
use reqwest::{Client, RequestBuilder};
use std::sync::OnceLock;
use std::time::Duration;

/// How much of an error response the message quotes.
pub const BODY_START: usize = 300;

pub(crate) fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Bulwark/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's settings are valid")
    })
}

/// `scheme://host:port` of a URL: what an error may name without leaking a token.
pub(crate) fn origin(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => "the configured URL".to_string(),
    }
}

/// Parses a configured URL, refusing anything but http(s).
pub(crate) fn parse_url(what: &str, raw: &str) -> Result<url::Url> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| AdapterError::InvalidConfig(format!("{what} is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AdapterError::InvalidConfig(format!(
            "{what} must start with http:// or https://"
        )));
    }
    Ok(url)
}

/// POSTs `body` as JSON to `url`, a URL that may hold a credential (errors name only
/// its origin).
pub(crate) async fn post_json(url: &url::Url, body: &str) -> Result<()> {
    send_json(client().post(url.clone()), body, &origin(url.as_str())).await?;
    Ok(())
}

/// Sends `request` with `body` as JSON and returns the response body on a 2xx answer.
pub(crate) async fn send_json(request: RequestBuilder, body: &str, target: &str) -> Result<String> {
    let response = request
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| transport_error(e, target))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(text)
    } else {
        Err(AdapterError::Rejected {
            status: status.as_u16(),
            body: body_start(&text),
        })
    }
}

/// The start of a response body on one line.
pub(crate) fn body_start(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        "(empty body)".to_string()
    } else {
        super::clip(&one_line, BODY_START)
    }
}

fn transport_error(e: reqwest::Error, target: &str) -> AdapterError {
    let (timeout, connect) = (e.is_timeout(), e.is_connect());
    let detail = e.without_url().to_string();
    if timeout {
        AdapterError::TimedOut(format!("{target}: {detail}"))
    } else if connect {
        AdapterError::HostUnreachable(format!("{target}: {detail}"))
    } else {
        AdapterError::Other(format!("{target}: {detail}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_hides_paths_and_queries() {
        assert_eq!(
            origin("https://hooks.slack.com/services/T0/B0/SECRET?x=1"),
            "https://hooks.slack.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:8080/bot123:abc/sendMessage"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin("not a url"), "the configured URL");
    }

    #[test]
    fn body_start_is_one_short_line() {
        assert_eq!(body_start("  a\n b  "), "a b");
        assert_eq!(body_start(""), "(empty body)");
        assert_eq!(body_start(&"x".repeat(1000)).chars().count(), BODY_START);
    }

    #[test]
    fn only_web_urls_are_accepted() {
        assert!(parse_url("Webhook URL", "https://example.com/hook").is_ok());
        let err = parse_url("Webhook URL", "ftp://example.com").unwrap_err();
        assert!(err.to_string().contains("http:// or https://"), "{err}");
        assert!(parse_url("Webhook URL", "example.com").is_err());
    }
}
