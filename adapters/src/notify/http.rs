//! Posting to an HTTP receiver: one client per address policy, redirects never
//! followed, errors that say what the receiver answered in a few sanitised words and
//! never repeat the URL (webhook URLs and bot tokens are secrets).

use super::net::{self, PublicResolver, Targets};
use crate::error::{AdapterError, Result};
use reqwest::{Client, Method, RequestBuilder};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How much of a receiver's own error text a message quotes.
pub const REASON_MAX: usize = 120;
/// How much of a mail server's reply a message quotes.
pub const BODY_START: usize = 300;

fn build(targets: Targets) -> Client {
    let builder = Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("Bulwark/", env!("CARGO_PKG_VERSION")))
        // A redirect would take the request (and its token) somewhere the admin never
        // typed, past the address check.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    let builder = match targets {
        Targets::PublicOnly => builder.dns_resolver(Arc::new(PublicResolver)),
        Targets::AnyAddress => builder,
    };
    builder.build().expect("the HTTP client's settings are valid")
}

fn client(targets: Targets) -> &'static Client {
    static PUBLIC: OnceLock<Client> = OnceLock::new();
    static ANY: OnceLock<Client> = OnceLock::new();
    match targets {
        Targets::PublicOnly => PUBLIC.get_or_init(|| build(targets)),
        Targets::AnyAddress => ANY.get_or_init(|| build(targets)),
    }
}

/// A request to `url` under `targets`. A name is checked by the client's resolver when
/// it connects; an address written as such never reaches a resolver, so it is checked
/// here.
pub(crate) fn request(targets: Targets, method: Method, url: &url::Url) -> Result<RequestBuilder> {
    if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = url.host() {
        let host = url.host_str().unwrap_or_default();
        let ip = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| AdapterError::InvalidConfig("the URL's address is not valid".into()))?;
        net::check_ip(targets, host, ip)?;
    }
    Ok(client(targets).request(method, url.clone()))
}

pub(crate) fn post(targets: Targets, url: &url::Url) -> Result<RequestBuilder> {
    request(targets, Method::POST, url)
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
pub(crate) async fn post_json(targets: Targets, url: &url::Url, body: &str) -> Result<()> {
    send_json(post(targets, url)?, body, &origin(url.as_str())).await?;
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
    if status.is_redirection() {
        return Err(AdapterError::Rejected {
            status: status.as_u16(),
            body: "a redirect, which notifications do not follow; enter the final URL".into(),
        });
    }
    let text = response.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(text)
    } else {
        Err(AdapterError::Rejected {
            status: status.as_u16(),
            body: reason(status, &text),
        })
    }
}

/// What an error answer means, in a few words: the receiver's own error text when it is
/// short and plain (`invalid_token`, a JSON `message`/`description`/`error`), else only the
/// status's name. Never the body as such: "Send test" must not become a way to read what
/// a server answers.
pub(crate) fn reason(status: reqwest::StatusCode, text: &str) -> String {
    let named = status.canonical_reason().unwrap_or("error").to_string();
    let own = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            ["message", "description", "error", "errorDescription"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_string))
        })
        .or_else(|| Some(text.trim().to_string()));
    match own.map(|t| plain(&t)) {
        Some(Some(own)) if own != named => format!("{named} ({own})"),
        _ => named,
    }
}

/// `text` when it reads as a short error phrase: one line of words and punctuation,
/// nothing that looks like markup or a document.
fn plain(text: &str) -> Option<String> {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let ok = !one_line.is_empty()
        && one_line.chars().count() <= REASON_MAX
        && one_line
            .chars()
            .all(|c| c.is_alphanumeric() || " _-.,:;'()/#@!?".contains(c));
    ok.then_some(one_line)
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
    // The resolver's refusal comes back wrapped as a connect error: say it as it is.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(c) = cause {
        if let Some(AdapterError::NotAllowed(why)) = c.downcast_ref::<AdapterError>() {
            return AdapterError::NotAllowed(why.clone());
        }
        cause = c.source();
    }
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
    fn reasons_are_short_plain_phrases_or_just_the_status() {
        use reqwest::StatusCode as S;
        assert_eq!(reason(S::FORBIDDEN, "invalid_token"), "Forbidden (invalid_token)");
        assert_eq!(
            reason(
                S::BAD_REQUEST,
                r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#
            ),
            "Bad Request (Bad Request: chat not found)"
        );
        assert_eq!(
            reason(S::NOT_FOUND, r#"{"message": "Unknown Webhook", "code": 10015}"#),
            "Not Found (Unknown Webhook)"
        );
        // Documents, markup, long or multi-field bodies say nothing of themselves.
        assert_eq!(
            reason(S::NOT_FOUND, "<html><body>admin panel</body></html>"),
            "Not Found"
        );
        assert_eq!(
            reason(S::UNAUTHORIZED, r#"{"user":"root","hash":"$6$abc"}"#),
            "Unauthorized"
        );
        assert_eq!(
            reason(S::INTERNAL_SERVER_ERROR, &"word ".repeat(100)),
            "Internal Server Error"
        );
        assert_eq!(reason(S::INTERNAL_SERVER_ERROR, ""), "Internal Server Error");
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
