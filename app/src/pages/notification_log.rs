//! The notification log: every delivery, newest first, filtered by event, status and
//! channel in the URL, with keyset pages ("Older →" carries the last id shown) and a
//! preview of what each one sent. Also the "Channels | Delivery log" tabs.

use crate::api::adapter_types::{AdapterKind, AdapterRow};
use crate::api::adapters::list_adapters;
use crate::api::auth::{Me, whoami};
use crate::api::execution_types::short_time;
use crate::api::notification_types::{NotificationLogPage, NotificationLogRow, NotifyEvent};
use crate::api::notifications::{list_notification_log, notification_preview};
use crate::components::notification_preview::SentPreview;
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/notifications/log";

/// The "Channels | Delivery log" tabs at the top of both notification pages.
#[component]
pub fn NotificationTabs(current: &'static str) -> impl IntoView {
    let class = move |tab: &str| if tab == current { "tab active" } else { "tab" };
    // Shown only to those who may read what they list (the server refuses anyway).
    let me = Resource::new(|| (), |_| whoami());
    let can = move || {
        me.get()
            .and_then(|r| r.ok())
            .is_some_and(|me: Me| me.can(Permission::NotificationsRead))
    };
    view! {
        <nav class="tabs notification-tabs" aria-label="Notifications">
            <Transition fallback=|| ()>
                <Show when=can>
                    <a href="/notifications" class=class("channels") aria-current=(current == "channels").then_some("page")>
                        "Channels"
                    </a>
                    <a href=PATH class=class("log") aria-current=(current == "log").then_some("page")>"Delivery log"</a>
                </Show>
            </Transition>
        </nav>
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct LogQuery {
    event: Option<String>,
    status: Option<String>,
    channel_id: Option<i64>,
    before_id: Option<i64>,
}

impl LogQuery {
    fn from_params(q: &leptos_router::params::ParamsMap) -> Self {
        let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        LogQuery {
            event: text("event"),
            status: text("status"),
            channel_id: text("channel").and_then(|v| v.parse().ok()),
            before_id: text("before").and_then(|v| v.parse().ok()),
        }
    }

    fn link(&self, before: Option<i64>) -> String {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(e) = &self.event {
            q.push(("event", e.clone()));
        }
        if let Some(s) = &self.status {
            q.push(("status", s.clone()));
        }
        if let Some(c) = self.channel_id {
            q.push(("channel", c.to_string()));
        }
        if let Some(b) = before {
            q.push(("before", b.to_string()));
        }
        crate::url::with_query(PATH, &q)
    }
}

#[component]
pub fn NotificationLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(LogQuery::from_params));
    let page = Resource::new(
        move || filter.get(),
        |f| list_notification_log(f.event, f.status, f.channel_id, f.before_id),
    );
    let channels = Resource::new(|| (), |_| list_adapters(AdapterKind::Notification));
    view! {
        <Title text="Notification log"/>
        <h1>"Notifications"</h1>
        <NotificationTabs current="log"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let channels = channels.get().and_then(|r| r.ok()).unwrap_or_default();
                page.get().map(|r| match r {
                    Ok(p) => view! { <Listing page=p filter=filter.get_untracked() channels/> }.into_any(),
                    Err(e) => view! {
                        <FilterForm filter=filter.get_untracked() channels/>
                        <p class="form-error" role="alert">{e.to_string()}</p>
                    }
                    .into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn Listing(page: NotificationLogPage, filter: LogQuery, channels: Vec<AdapterRow>) -> impl IntoView {
    let older = page.next_before.map(|b| filter.link(Some(b)));
    let newest = filter.before_id.is_some().then(|| filter.link(None));
    let empty = page.rows.is_empty();
    view! {
        <FilterForm filter=filter.clone() channels/>
        {if empty {
            view! { <p class="muted empty-note">"No notifications match."</p> }.into_any()
        } else {
            view! { <LogTable rows=page.rows/> }.into_any()
        }}
        <nav class="pager">
            {newest.map(|href| view! { <a class="button small" id="notification-log-newest" href=href>"← Newest"</a> })}
            {older.map(|href| view! { <a class="button small" id="notification-log-older" href=href>"Older →"</a> })}
        </nav>
    }
    .into_any()
}

fn option(value: String, label: String, current: Option<&str>) -> AnyView {
    let selected = current == Some(value.as_str());
    view! { <option value=value selected=selected>{label}</option> }.into_any()
}

#[component]
fn FilterForm(filter: LogQuery, channels: Vec<AdapterRow>) -> impl IntoView {
    let event = filter.event.as_deref();
    let events = NotifyEvent::SUBSCRIBABLE
        .into_iter()
        .chain([NotifyEvent::Test])
        .map(|e| option(e.as_str().into(), e.label().into(), event))
        .collect_view();
    let status = filter.status.as_deref();
    let statuses = [("sent", "Sent"), ("failed", "Failed")]
        .into_iter()
        .map(|(v, l)| option(v.into(), l.into(), status))
        .collect_view();
    let channel = filter.channel_id.map(|c| c.to_string());
    let channel_options = channels
        .into_iter()
        .map(|c| {
            option(
                c.id.to_string(),
                format!("{} ({})", c.name, c.adapter_label),
                channel.as_deref(),
            )
        })
        .collect_view();
    view! {
        <form class="filters" id="notification-log-filter" method="get" action=PATH>
            <label>"Event"
                <select name="event"><option value="">"Any"</option>{events}</select>
            </label>
            <label>"Status"
                <select name="status"><option value="">"Any"</option>{statuses}</select>
            </label>
            <label>"Channel"
                <select name="channel"><option value="">"Any"</option>{channel_options}</select>
            </label>
            <button type="submit" class="button small">"Filter"</button>
            <a class="button small secondary" href=PATH>"Clear"</a>
        </form>
    }
    .into_any()
}

#[component]
fn LogTable(rows: Vec<NotificationLogRow>) -> impl IntoView {
    view! {
        <table class="table notification-log-table" id="notification-log-table">
            <thead><tr>
                <th>"Time (UTC)"</th><th>"Event"</th><th>"Channel"</th><th>"Title"</th>
                <th>"Status"</th><th>"Execution"</th><th></th>
            </tr></thead>
            <tbody>{rows.into_iter().map(|row| view! { <LogRow row/> }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

const COLUMNS: u32 = 7;

fn channel_cell(r: &NotificationLogRow) -> AnyView {
    match &r.channel_name {
        Some(name) => view! {
            <td class="log-channel">
                <span class="adapter-name">{name.clone()}</span>
                " "<span class="muted">{r.channel.clone()}</span>
            </td>
        }
        .into_any(),
        None => view! {
            <td class="log-channel">
                <span>{r.channel.clone()}</span>" "<span class="muted">"(deleted channel)"</span>
            </td>
        }
        .into_any(),
    }
}

fn status_cell(r: &NotificationLogRow) -> AnyView {
    let (class, word) = if r.sent {
        ("badge outcome outcome-success", "sent")
    } else {
        ("badge outcome outcome-failure", "failed")
    };
    let attempts = match r.attempts {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    view! {
        <td class="log-status">
            <span class=class>{word}</span>
            " "<span class="muted log-attempts">{attempts}</span>
            {r.error.clone().map(|e| view! { <p class="health-error log-error">{e}</p> })}
        </td>
    }
    .into_any()
}

#[component]
fn LogRow(row: NotificationLogRow) -> impl IntoView {
    let id = row.id;
    let open = RwSignal::new(false);
    let execution = row.execution_id.map(|e| {
        view! { <a href=format!("/executions/{e}")>{format!("#{e}")}</a> }
    });
    view! {
        <tr data-id=id.to_string() data-event=row.event.clone() class:failed=!row.sent>
            <td class="log-time" title=row.created_at.clone()>{short_time(&row.created_at)}</td>
            <td title=row.event.clone()>{row.event_label.clone()}</td>
            {channel_cell(&row)}
            <td class="log-title">{row.title.clone()}</td>
            {status_cell(&row)}
            <td>{execution}</td>
            <td>
                <button
                    type="button"
                    class="button small preview-toggle"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if open.get() { "Hide preview" } else { "Preview" }}
                </button>
            </td>
        </tr>
        <Show when=move || open.get()>
            <tr class="preview-row" data-preview-of=id.to_string()>
                <td colspan=COLUMNS.to_string()><PreviewLoader id/></td>
            </tr>
        </Show>
    }
    .into_any()
}

#[component]
fn PreviewLoader(id: i64) -> impl IntoView {
    let preview = Resource::new(|| (), move |_| notification_preview(id));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || preview.get().map(|r| match r {
                Ok(p) => view! { <SentPreview preview=p/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}
