//! Email over SMTP: a multipart/alternative message, plain text and an HTML part built
//! from tables with inline styles (what mail clients render reliably), sent with STARTTLS,
//! implicit TLS or, for a relay next door, in the clear.
//! <https://www.rfc-editor.org/rfc/rfc5321>, <https://www.rfc-editor.org/rfc/rfc8314>

use super::http::body_start;
use super::net::{self, Targets};
use super::{Message, Rendered};
use crate::config::Config;
use crate::error::{AdapterError, Result};
use crate::registry::AdapterInfo;
use crate::schema::{ConfigField, FieldType};
use crate::traits::Notifier;
use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{self, AsyncSmtpTransportBuilder};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::Value;
use std::error::Error as _;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Each SMTP connection and command gives up after this long.
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    StartTls,
    Tls,
    None,
}

pub struct EmailNotifier {
    /// Cloned and built per send: a transport's connection pool belongs to the runtime
    /// that built it, and channels are built per delivery anyway.
    transport: AsyncSmtpTransportBuilder,
    /// `host:port`, what errors name.
    target: String,
    host: String,
    port: u16,
    security: Security,
    /// Kept only to scrub it from error messages.
    password: Option<String>,
    from: Mailbox,
    to: Vec<Mailbox>,
    subject_prefix: String,
}

impl EmailNotifier {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("host", "SMTP host", FieldType::Text)
                .endpoint()
                .required(),
            ConfigField::new("port", "Port", FieldType::Number)
                .endpoint()
                .default(587),
            ConfigField::new("security", "Security", FieldType::Select)
                .options(&["starttls", "tls", "none"])
                .default("starttls")
                .help(
                    "starttls: upgrade the connection (usually port 587) and refuse to continue \
                     unencrypted; tls: implicit TLS, usually port 465; none: plain text, only for a \
                     relay on the same host or network",
                ),
            ConfigField::new("username", "Username", FieldType::Text)
                .help("Leave empty when the server does not ask for authentication"),
            ConfigField::new("password", "Password", FieldType::Password).help("Used only with a username"),
            ConfigField::new("from", "From", FieldType::Text)
                .required()
                .help("The sender, e.g. Bulwark <backup@example.com>"),
            ConfigField::new("to", "To", FieldType::List)
                .required()
                .help("One recipient per line, e.g. ops@example.com or Ops <ops@example.com>"),
            ConfigField::new("subject_prefix", "Subject prefix", FieldType::Text).default("[Bulwark]"),
        ]
    }

    pub fn from_config(config: &Value) -> Result<Self> {
        let parsed = Config::parse(&Self::schema(), config)?;
        let host = parsed.required("host")?.trim().to_string();
        let port = parsed.port("port", 587)?;
        let security = match parsed.string("security").as_deref().unwrap_or("starttls") {
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            "none" => Security::None,
            other => {
                return Err(AdapterError::InvalidConfig(format!(
                    "Security must be starttls, tls or none, not {other}"
                )));
            }
        };
        let from = mailbox("From", &parsed.required("from")?)?;
        let to = recipients(config.get("to"))?;
        let subject_prefix = parsed
            .string("subject_prefix")
            .unwrap_or_else(|| "[Bulwark]".to_string());

        let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(port)
            .timeout(Some(TIMEOUT));
        if security != Security::None {
            let parameters = TlsParameters::new(host.clone()).map_err(|e| {
                AdapterError::InvalidConfig(format!("SMTP host `{host}` cannot be used for TLS: {e}"))
            })?;
            transport = transport.tls(match security {
                Security::Tls => Tls::Wrapper(parameters),
                _ => Tls::Required(parameters),
            });
        }
        let password = parsed.string("password");
        if let Some(username) = parsed.string("username") {
            transport =
                transport.credentials(Credentials::new(username, password.clone().unwrap_or_default()));
        }
        Ok(EmailNotifier {
            transport,
            target: format!("{host}:{port}"),
            host: host.clone(),
            port,
            security,
            password,
            from,
            to,
            subject_prefix,
        })
    }

    /// Turns lettre's error into the admin's words, naming the server but never the password.
    fn error(&self, e: smtp::Error) -> AdapterError {
        let target = &self.target;
        let detail = self.scrub(&root_cause(&e));
        if let Some(code) = e.status() {
            let status = u16::from(code);
            let text = e.source().map(|s| self.scrub(&s.to_string())).unwrap_or_default();
            return match status {
                535 | 534 => AdapterError::AuthenticationFailed(format!(
                    "the SMTP server refused the username or password: {status} {}",
                    body_start(&text)
                )),
                530 => AdapterError::AuthenticationFailed(format!(
                    "the SMTP server requires a username and password: {status} {}",
                    body_start(&text)
                )),
                _ => AdapterError::SmtpRejected {
                    code: status,
                    text: body_start(&text),
                },
            };
        }
        if e.is_timeout() {
            return AdapterError::TimedOut(format!("{target}: {detail}"));
        }
        if e.is_client() && detail.contains("STARTTLS") {
            return AdapterError::Other(format!(
                "{target} does not support STARTTLS, so nothing was sent; choose \"tls\" if it takes \
                 implicit TLS (usually port 465), or \"none\" only for a relay on the same host or network"
            ));
        }
        match io_kind(&e) {
            Some(
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::AddrNotAvailable,
            ) => AdapterError::HostUnreachable(format!("{target}: {detail}")),
            _ if detail.contains("lookup address") => {
                AdapterError::HostUnreachable(format!("{target}: {detail}"))
            }
            Some(io::ErrorKind::InvalidData) if self.security == Security::Tls => {
                AdapterError::Other(format!(
                    "{target}: the TLS connection failed ({detail}); implicit TLS usually listens on port 465, \
                     port 587 wants \"starttls\""
                ))
            }
            _ => AdapterError::Other(format!("{target}: {detail}")),
        }
    }

    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(p) if !p.is_empty() => text.replace(p.as_str(), "…"),
            _ => text.to_string(),
        }
    }

    fn email(&self, rendered: &Rendered) -> Result<lettre::Message> {
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .subject(rendered.subject.clone().unwrap_or_default())
            .date_now()
            .message_id(Some(format!(
                "<{}@{}>",
                uuid::Uuid::new_v4().simple(),
                self.from.email.domain()
            )));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        let built = match &rendered.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                rendered.payload.clone(),
                html.clone(),
            )),
            None => builder.singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(rendered.payload.clone()),
            ),
        };
        built.map_err(|e| AdapterError::Other(format!("cannot build the email: {e}")))
    }
}

fn mailbox(label: &str, raw: &str) -> Result<Mailbox> {
    raw.trim().parse().map_err(|e| {
        AdapterError::InvalidConfig(format!(
            "{label}: `{raw}` is not a valid email address (address@example.com or Name <address@example.com>): {e}"
        ))
    })
}

fn recipients(value: Option<&Value>) -> Result<Vec<Mailbox>> {
    let raw: Vec<&str> = match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| AdapterError::InvalidConfig("To must be a list of addresses".into()))
            })
            .collect::<Result<_>>()?,
        Some(Value::String(s)) => s.lines().collect(),
        _ => Vec::new(),
    };
    let to: Vec<Mailbox> = raw
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| mailbox("To", s))
        .collect::<Result<_>>()?;
    if to.is_empty() {
        return Err(AdapterError::InvalidConfig(
            "To needs at least one recipient".into(),
        ));
    }
    Ok(to)
}

/// The innermost error's words: lettre's own layers only repeat "Connection error".
fn root_cause(e: &smtp::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// The kind of the first I/O error behind `e`, if any.
fn io_kind(e: &smtp::Error) -> Option<io::ErrorKind> {
    let mut source = e.source();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = err.source();
    }
    None
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link worth a button: only web addresses, never `javascript:` and the like.
fn web_link(message: &Message) -> Option<&str> {
    message
        .link
        .as_deref()
        .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
}

fn footer(message: &Message) -> String {
    format!(
        "Bulwark · {} · {}",
        message.event,
        message.timestamp.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

pub fn plain_text(message: &Message) -> String {
    let mut out = format!("{}\n\n{}\n", message.title, message.summary);
    if !message.fields.is_empty() {
        out.push('\n');
        for f in &message.fields {
            out.push_str(&format!("{}: {}\n", f.name, f.value));
        }
    }
    if let Some(link) = &message.link {
        out.push_str(&format!("\nView in Bulwark: {link}\n"));
    }
    out.push_str(&format!("\n-- \n{}\n", footer(message)));
    out
}

pub fn html(message: &Message) -> String {
    let colour = message.severity.hex();
    let title = escape(&message.title);
    let summary = escape(&message.summary).replace('\n', "<br>");
    let cell = "padding:8px 12px 8px 0;border-top:1px solid #e5e7eb;vertical-align:top;";
    let mut rows = String::new();
    for f in &message.fields {
        rows.push_str(&format!(
            "<tr><th align=\"left\" style=\"{cell}color:#57606a;font-weight:600;white-space:nowrap;\">{}</th>\
             <td style=\"{cell}\">{}</td></tr>\n",
            escape(&f.name),
            escape(&f.value)
        ));
    }
    let fields = if rows.is_empty() {
        String::new()
    } else {
        format!(
            "<tr><td style=\"padding:0 28px 16px 28px;\">\
             <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
             style=\"border-collapse:collapse;font-size:14px;line-height:20px;\">\n{rows}</table></td></tr>\n"
        )
    };
    let button = match web_link(message) {
        Some(link) => format!(
            "<tr><td style=\"padding:8px 28px 24px 28px;\">\
             <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>\
             <td style=\"border-radius:4px;background-color:{colour};\">\
             <a href=\"{}\" style=\"display:inline-block;padding:10px 18px;font-size:14px;font-weight:600;\
             color:#ffffff;text-decoration:none;\">View in Bulwark</a></td></tr></table></td></tr>\n",
            escape(link)
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\n\
         <body style=\"margin:0;padding:0;background-color:#f4f5f7;\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"background-color:#f4f5f7;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n\
         <table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"max-width:600px;width:100%;background-color:#ffffff;border-radius:6px;\
         font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;\">\n\
         <tr><td style=\"height:6px;background-color:{colour};font-size:0;line-height:0;\">&nbsp;</td></tr>\n\
         <tr><td style=\"padding:24px 28px 8px 28px;\">\
         <h1 style=\"margin:0;font-size:20px;line-height:28px;color:{colour};\">{title}</h1></td></tr>\n\
         <tr><td style=\"padding:8px 28px 16px 28px;font-size:15px;line-height:22px;\">{summary}</td></tr>\n\
         {fields}{button}\
         <tr><td style=\"padding:12px 28px 20px 28px;font-size:12px;color:#8c959f;\
         border-top:1px solid #eef0f2;\">{footer}</td></tr>\n\
         </table>\n</td></tr></table>\n</body>\n</html>\n",
        footer = escape(&footer(message)),
    )
}

#[async_trait]
impl Notifier for EmailNotifier {
    fn kind(&self) -> &'static str {
        "email"
    }

    fn render(&self, message: &Message) -> Result<Rendered> {
        // A line break in a header would end it; the title is one line anyway.
        let title = message.title.replace(['\r', '\n'], " ");
        let subject = if self.subject_prefix.trim().is_empty() {
            title
        } else {
            format!("{} {title}", self.subject_prefix.trim())
        };
        Ok(Rendered {
            payload: plain_text(message),
            html: Some(html(message)),
            subject: Some(subject),
        })
    }

    async fn send(&self, rendered: &Rendered, targets: Targets) -> Result<()> {
        let email = self.email(rendered)?;
        // lettre resolves the name again when it connects; a name that changes its
        // answer between the two is the one gap left (HTTP channels have none).
        net::resolve(targets, &self.host, self.port).await?;
        let transport: AsyncSmtpTransport<Tokio1Executor> = self.transport.clone().build();
        transport.send(email).await.map_err(|e| self.error(e))?;
        Ok(())
    }
}

/// Its registry entry.
pub static ADAPTER: AdapterInfo =
    AdapterInfo::notifier("email", "Email (SMTP)", EmailNotifier::schema, |c| {
        Ok(Arc::new(EmailNotifier::from_config(c)?))
    });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{Field, Severity};
    use serde_json::json;

    fn message(title: &str) -> Message {
        Message {
            event: "backup_failure".into(),
            title: title.into(),
            summary: "pg_dump exited with code 1 & more".into(),
            fields: vec![Field::new("Job", "nightly <db>"), Field::new("Duration", "12 s")],
            severity: Severity::Failure,
            link: Some("http://localhost:3000/executions/7?a=1&b=2".into()),
            timestamp: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    fn config() -> Value {
        json!({"host": "mail.example.com", "from": "Bulwark <backup@example.com>", "to": ["ops@example.com"]})
    }

    #[test]
    fn html_escapes_every_text_and_uses_the_severity_colour() {
        let notifier = EmailNotifier::from_config(&config()).unwrap();
        let rendered = notifier
            .render(&message("Backup failed: <script>alert(1)</script>"))
            .unwrap();
        let html = rendered.html.unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("Backup failed: &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("pg_dump exited with code 1 &amp; more"));
        assert!(html.contains(">Job</th>") && html.contains("nightly &lt;db&gt;"));
        assert!(html.contains("href=\"http://localhost:3000/executions/7?a=1&amp;b=2\""));
        assert!(html.contains(&Severity::Failure.hex()));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn the_plain_part_has_title_summary_fields_and_link() {
        let notifier = EmailNotifier::from_config(&config()).unwrap();
        let rendered = notifier.render(&message("Backup failed: nightly")).unwrap();
        assert_eq!(
            rendered.subject.as_deref(),
            Some("[Bulwark] Backup failed: nightly")
        );
        let text = rendered.payload;
        assert!(text.starts_with("Backup failed: nightly\n\npg_dump exited with code 1 & more\n"));
        assert!(text.contains("\nJob: nightly <db>\nDuration: 12 s\n"), "{text}");
        assert!(text.contains("View in Bulwark: http://localhost:3000/executions/7?a=1&b=2"));
    }

    #[test]
    fn only_web_links_get_a_button() {
        let mut m = message("x");
        m.link = Some("javascript:alert(1)".into());
        assert!(!html(&m).contains("javascript:"));
        m.link = None;
        assert!(!html(&m).contains("View in Bulwark"));
    }

    #[test]
    fn the_subject_prefix_is_configurable_and_headers_stay_one_line() {
        let mut c = config();
        c["subject_prefix"] = json!("[Backups]");
        let notifier = EmailNotifier::from_config(&c).unwrap();
        let rendered = notifier.render(&message("a\r\nBcc: x@example.com")).unwrap();
        assert_eq!(
            rendered.subject.as_deref(),
            Some("[Backups] a  Bcc: x@example.com")
        );
    }

    #[test]
    fn addresses_are_checked_and_named() {
        let mut c = config();
        c["from"] = json!("not an address");
        let e = EmailNotifier::from_config(&c).err().unwrap().to_string();
        assert!(e.contains("From: `not an address`"), "{e}");
        let mut c = config();
        c["to"] = json!(["ops@example.com", "nope@"]);
        let e = EmailNotifier::from_config(&c).err().unwrap().to_string();
        assert!(e.contains("To: `nope@`"), "{e}");
        let mut c = config();
        c["to"] = json!([]);
        assert!(EmailNotifier::from_config(&c).is_err());
        let mut c = config();
        c["security"] = json!("ssl");
        assert!(EmailNotifier::from_config(&c).is_err());
    }

    #[test]
    fn defaults_are_port_587_and_starttls() {
        let n = EmailNotifier::from_config(&config()).unwrap();
        assert_eq!(n.target, "mail.example.com:587");
        assert_eq!(n.security, Security::StartTls);
        assert_eq!(n.subject_prefix, "[Bulwark]");
    }
}
