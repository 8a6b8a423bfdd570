//! What one notification looked like where it arrived, drawn from the payload as sent:
//! Slack blocks, a Discord embed, a Teams Adaptive Card, an email in a sandboxed frame,
//! a Telegram message as text, anything else as pretty JSON; always with the raw payload.
//!
//! Every piece of the payload reaches the page as a text node or an attribute (escaped),
//! never as markup; the email's HTML only runs inside `<iframe sandbox="">`, without
//! scripts, forms or same-origin access.

use crate::api::notification_types::NotificationPreview;
use leptos::prelude::*;
use serde_json::Value;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// `url` if it is a web address: a payload must not smuggle a `javascript:` link.
fn web_link(url: &Value) -> Option<String> {
    let url = url.as_str()?.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_string())
}

fn link_or_text(url: &Value, label: String, class: &'static str) -> AnyView {
    match web_link(url) {
        Some(href) => {
            view! { <a class=class href=href target="_blank" rel="noopener noreferrer">{label}</a> }
                .into_any()
        }
        None => view! { <span class=class>{label}</span> }.into_any(),
    }
}

#[component]
pub fn SentPreview(preview: NotificationPreview) -> impl IntoView {
    let parsed: Option<Value> = serde_json::from_str(&preview.payload).ok();
    let drawn = if preview.payload.is_empty() && preview.html.is_none() {
        view! { <p class="muted">"Nothing was sent: the message could not be prepared."</p> }.into_any()
    } else {
        draw(&preview, parsed.as_ref())
    };
    let error = preview
        .error
        .clone()
        .map(|e| view! { <p class="health-error preview-error">{format!("Not delivered: {e}")}</p> });
    let source = preview.html.clone().map(|html| {
        view! { <details class="raw-payload"><summary>"HTML source"</summary><pre>{html}</pre></details> }
    });
    view! {
        <div class="notification-preview" data-channel=preview.channel.clone()>
            {error}
            {drawn}
            <details class="raw-payload">
                <summary>"Raw payload"</summary>
                <pre>{preview.payload.clone()}</pre>
            </details>
            {source}
        </div>
    }
    .into_any()
}

fn draw(preview: &NotificationPreview, parsed: Option<&Value>) -> AnyView {
    match (preview.channel.as_str(), parsed) {
        ("email", _) => email(preview),
        ("slack", Some(v)) if v["blocks"].is_array() => slack(&v["blocks"]),
        ("discord", Some(v)) if v["embeds"][0].is_object() => discord(v),
        ("teams", Some(v)) if adaptive_card(v).is_some() => teams(adaptive_card(v).unwrap_or(v)),
        ("telegram", Some(v)) if v["text"].is_string() => telegram(&v["text"]),
        (_, Some(v)) => json(v),
        (_, None) => view! { <pre class="payload-text">{preview.payload.clone()}</pre> }.into_any(),
    }
}

fn json(v: &Value) -> AnyView {
    let pretty = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    view! { <pre class="payload-json">{pretty}</pre> }.into_any()
}

fn email(preview: &NotificationPreview) -> AnyView {
    let frame = preview.html.clone().map(|html| {
        // No allow-* token: the HTML renders but cannot run scripts or reach the console.
        view! { <iframe class="email-frame" sandbox="" srcdoc=html title="The email as sent"></iframe> }
    });
    view! {
        <div class="email-preview">
            {frame}
            <details class="email-text"><summary>"Plain text"</summary><pre>{preview.payload.clone()}</pre></details>
        </div>
    }
    .into_any()
}

fn telegram(message: &Value) -> AnyView {
    // Telegram reads this as HTML; here it stays text, tags and all.
    view! { <pre class="telegram-text">{text(message)}</pre> }.into_any()
}

/// Slack's mrkdwn as text: its three escapes undone and `*bold*` spans in bold.
fn mrkdwn(raw: &Value) -> AnyView {
    let plain = text(raw)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let parts: Vec<String> = plain.split('*').map(str::to_string).collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired `*` is just a character.
        return plain.into_any();
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <strong>{part}</strong> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
        .into_any()
}

fn slack(blocks: &Value) -> AnyView {
    let drawn = list(blocks).iter().map(slack_block).collect_view();
    view! { <div class="slack-preview">{drawn}</div> }.into_any()
}

fn slack_block(block: &Value) -> AnyView {
    match block["type"].as_str().unwrap_or_default() {
        "header" => view! { <div class="slack-header"><strong>{text(&block["text"]["text"])}</strong></div> }
            .into_any(),
        "section" => {
            let main = block["text"].is_object().then(|| {
                let body = if block["text"]["type"] == "mrkdwn" {
                    mrkdwn(&block["text"]["text"])
                } else {
                    text(&block["text"]["text"]).into_any()
                };
                view! { <div class="slack-text">{body}</div> }
            });
            let fields = block["fields"].is_array().then(|| {
                let cells = list(&block["fields"])
                    .iter()
                    .map(|f| view! { <div class="slack-field">{mrkdwn(&f["text"])}</div> })
                    .collect_view();
                view! { <div class="slack-fields">{cells}</div> }
            });
            view! { <div class="slack-section">{main}{fields}</div> }.into_any()
        }
        "context" => {
            let parts = list(&block["elements"])
                .iter()
                .map(|e| view! { <span>{mrkdwn(&e["text"])}</span> })
                .collect_view();
            view! { <div class="slack-context">{parts}</div> }.into_any()
        }
        "actions" => {
            let buttons = list(&block["elements"])
                .iter()
                .map(|e| link_or_text(&e["url"], text(&e["text"]["text"]), "slack-button"))
                .collect_view();
            view! { <div class="slack-actions">{buttons}</div> }.into_any()
        }
        "divider" => view! { <hr class="slack-divider"/> }.into_any(),
        other => view! { <div class="slack-other muted">{format!("({other} block)")}</div> }.into_any(),
    }
}

/// `#rrggbb` of Discord's integer colour.
fn discord_colour(v: &Value) -> Option<String> {
    v.as_u64()
        .filter(|c| *c <= 0xFF_FF_FF)
        .map(|c| format!("#{c:06x}"))
}

fn discord(payload: &Value) -> AnyView {
    let embed = &payload["embeds"][0];
    let style = discord_colour(&embed["color"]).map(|c| format!("border-left-color: {c}"));
    let content = payload["content"]
        .is_string()
        .then(|| view! { <p class="discord-content">{text(&payload["content"])}</p> });
    let title = embed["title"]
        .is_string()
        .then(|| link_or_text(&embed["url"], text(&embed["title"]), "discord-title"));
    let description = embed["description"]
        .is_string()
        .then(|| view! { <p class="discord-description">{text(&embed["description"])}</p> });
    let fields = embed["fields"].is_array().then(|| {
        let cells = list(&embed["fields"])
            .iter()
            .map(|f| {
                let inline = f["inline"].as_bool().unwrap_or(false);
                view! {
                    <div class="discord-field" class:inline=inline>
                        <div class="discord-field-name">{text(&f["name"])}</div>
                        <div class="discord-field-value">{text(&f["value"])}</div>
                    </div>
                }
            })
            .collect_view();
        view! { <div class="discord-fields">{cells}</div> }
    });
    let footer: Vec<String> = [text(&embed["footer"]["text"]), text(&embed["timestamp"])]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let footer =
        (!footer.is_empty()).then(|| view! { <div class="discord-footer">{footer.join(" · ")}</div> });
    view! {
        {content}
        <div class="discord-embed" style=style>
            {title}
            {description}
            {fields}
            {footer}
        </div>
    }
    .into_any()
}

/// The Adaptive Card in a Teams payload: inside a message's attachment (workflows) or
/// the payload itself.
fn adaptive_card(payload: &Value) -> Option<&Value> {
    if payload["type"] == "AdaptiveCard" {
        return Some(payload);
    }
    list(&payload["attachments"])
        .iter()
        .map(|a| &a["content"])
        .find(|c| c["type"] == "AdaptiveCard")
}

fn teams(card: &Value) -> AnyView {
    let body = list(&card["body"]).iter().map(teams_element).collect_view();
    let actions = list(&card["actions"])
        .iter()
        .map(|a| link_or_text(&a["url"], text(&a["title"]), "teams-action"))
        .collect_view();
    view! {
        <div class="teams-card">
            {body}
            <div class="teams-actions">{actions}</div>
        </div>
    }
    .into_any()
}

fn teams_element(element: &Value) -> AnyView {
    match element["type"].as_str().unwrap_or_default() {
        "TextBlock" => {
            let bold = element["weight"]
                .as_str()
                .is_some_and(|w| w.eq_ignore_ascii_case("bolder"));
            let large = element["size"].as_str().is_some_and(|s| {
                ["medium", "large", "extralarge"].contains(&s.to_ascii_lowercase().as_str())
            });
            let subtle = element["isSubtle"].as_bool().unwrap_or(false);
            let colour = element["color"].as_str().map(str::to_ascii_lowercase);
            let class = format!(
                "teams-text teams-colour-{}",
                colour.as_deref().unwrap_or("default")
            );
            view! {
                <p class=class class:bold=bold class:large=large class:subtle=subtle>{text(&element["text"])}</p>
            }
            .into_any()
        }
        "FactSet" => {
            let facts = list(&element["facts"])
                .iter()
                .map(|f| view! { <dt>{text(&f["title"])}</dt><dd>{text(&f["value"])}</dd> })
                .collect_view();
            view! { <dl class="teams-facts">{facts}</dl> }.into_any()
        }
        "Container" => {
            let items = list(&element["items"]).iter().map(teams_element).collect_view();
            view! { <div class="teams-container">{items}</div> }.into_any()
        }
        "ColumnSet" => {
            let columns = list(&element["columns"])
                .iter()
                .map(|c| {
                    let items = list(&c["items"]).iter().map(teams_element).collect_view();
                    view! { <div class="teams-column">{items}</div> }
                })
                .collect_view();
            view! { <div class="teams-columns">{columns}</div> }.into_any()
        }
        other => view! { <p class="teams-other muted">{format!("({other})")}</p> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_web_links_are_linked() {
        assert_eq!(web_link(&json!("https://x/y")).as_deref(), Some("https://x/y"));
        assert_eq!(web_link(&json!("javascript:alert(1)")), None);
        assert_eq!(web_link(&json!(" JavaScript:alert(1)")), None);
        assert_eq!(web_link(&json!(7)), None);
    }

    #[test]
    fn discord_colours_are_hex() {
        assert_eq!(discord_colour(&json!(0xe01e5a)).as_deref(), Some("#e01e5a"));
        assert_eq!(discord_colour(&json!(255)).as_deref(), Some("#0000ff"));
        assert_eq!(discord_colour(&json!("red; background: url(x)")), None);
        assert_eq!(discord_colour(&json!(0x1_000_000)), None);
    }

    #[test]
    fn teams_cards_are_found_in_attachments_or_at_the_root() {
        let wrapped =
            json!({"type": "message", "attachments": [{"content": {"type": "AdaptiveCard", "body": []}}]});
        assert!(adaptive_card(&wrapped).is_some());
        assert!(adaptive_card(&json!({"type": "AdaptiveCard"})).is_some());
        assert!(adaptive_card(&json!({"text": "x"})).is_none());
    }
}
