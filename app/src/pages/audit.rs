//! The audit log: every change, sign-in and refusal, newest first, with filters in the
//! URL and keyset pages ("Older entries →" carries the last id shown).

use crate::api::audit::list_audit;
use crate::api::audit_types::{AuditFilter, AuditPage, AuditRow, OUTCOMES};
use crate::api::execution_types::short_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn filter_from(q: &leptos_router::params::ParamsMap) -> AuditFilter {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    AuditFilter {
        actor: text("actor"),
        action: text("action"),
        resource_type: text("resource_type"),
        outcome: text("outcome"),
        from: text("from"),
        to: text("to"),
        before: text("before").and_then(|v| v.parse().ok()),
        limit: text("limit").and_then(|v| v.parse().ok()),
    }
}

fn link(filter: &AuditFilter, before: Option<i64>) -> String {
    let mut q = filter.query();
    if let Some(b) = before {
        q.push(("before", b.to_string()));
    }
    crate::url::with_query("/audit", &q)
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from));
    let page = Resource::new(move || filter.get(), list_audit);
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <Listing page=p filter=filter.get_untracked()/> }.into_any(),
                Err(e) => view! {
                    <FilterForm filter=filter.get_untracked()/>
                    <p class="form-error" role="alert">{e.to_string()}</p>
                }
                .into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Listing(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    let older = page.next_before.map(|b| link(&filter, Some(b)));
    let newest = filter.before.is_some().then(|| link(&filter, None));
    let empty = page.rows.is_empty();
    view! {
        <FilterForm filter=filter.clone()/>
        {if empty {
            view! { <p class="muted empty-note">"No audit entries match."</p> }.into_any()
        } else {
            view! { <AuditTable rows=page.rows/> }.into_any()
        }}
        <nav class="pager">
            {newest.map(|href| view! { <a class="button small" id="audit-newest" href=href>"← Newest"</a> })}
            {older.map(|href| view! { <a class="button small" id="audit-older" href=href>"Older entries →"</a> })}
        </nav>
    }
    .into_any()
}

fn outcome_options(current: Option<String>) -> AnyView {
    OUTCOMES
        .iter()
        .map(|c| {
            let selected = current.as_deref() == Some(*c);
            view! { <option value=*c selected=selected>{*c}</option> }
        })
        .collect_view()
        .into_any()
}

fn text_field(label: &'static str, name: &'static str, value: Option<String>, hint: &'static str) -> AnyView {
    view! {
        <label>{label}
            <input type="text" name=name value=value.unwrap_or_default() placeholder=hint/>
        </label>
    }
    .into_any()
}

#[component]
fn FilterForm(filter: AuditFilter) -> impl IntoView {
    let limit = filter
        .limit
        .map(|l| view! { <input type="hidden" name="limit" value=l.to_string()/> });
    view! {
        <form class="filters" id="audit-filter" method="get" action="/audit">
            {text_field("Actor", "actor", filter.actor.clone(), "email or part of it")}
            {text_field("Action", "action", filter.action.clone(), "job. or job.create")}
            {text_field("Resource", "resource_type", filter.resource_type.clone(), "job, user…")}
            <label>"Outcome"
                <select name="outcome"><option value="">"Any"</option>{outcome_options(filter.outcome.clone())}</select>
            </label>
            <label>"From" <input type="date" name="from" value=filter.from.clone().unwrap_or_default()/></label>
            <label>"To" <input type="date" name="to" value=filter.to.clone().unwrap_or_default()/></label>
            {limit}
            <button type="submit" class="button small">"Filter"</button>
            <a class="button small secondary" href="/audit">"Clear"</a>
        </form>
    }
    .into_any()
}

#[component]
fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    view! {
        <table class="table audit-table" id="audit-table">
            <thead><tr>
                <th>"Time (UTC)"</th><th>"Actor"</th><th>"Action"</th><th>"Resource"</th>
                <th>"Summary"</th><th>"Outcome"</th><th>"From"</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(row_view).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

fn row_view(r: AuditRow) -> AnyView {
    let resource = match &r.resource_id {
        Some(id) => format!("{} {id}", r.resource_type),
        None => r.resource_type.clone(),
    };
    let (badge, word) = if r.success {
        ("badge outcome outcome-success", "success")
    } else {
        ("badge outcome outcome-failure", "failure")
    };
    let client = view! {
        <td class="audit-client">
            <span class="audit-ip">{r.ip.clone().unwrap_or_else(|| "—".into())}</span>
            <span class="audit-agent muted" title=r.user_agent.clone().unwrap_or_default()>
                {r.user_agent.clone().unwrap_or_default()}
            </span>
        </td>
    }
    .into_any();
    view! {
        <tr data-id=r.id.to_string() data-action=r.action.clone()>
            <td class="audit-time" title=r.at.clone()>{short_time(&r.at)}</td>
            <td>{r.actor.clone()}</td>
            <td><code>{r.action.clone()}</code></td>
            <td>{resource}</td>
            <td class="audit-summary">{r.summary.clone()}</td>
            <td><span class=badge>{word}</span></td>
            {client}
        </tr>
    }
    .into_any()
}
