//! Executions: every backup, restore and verify run, newest first, with filters and
//! keyset pages ("Older →" carries the last id shown).

use crate::api::execution_types::{
    ExecutionFilter, ExecutionPage, ExecutionRow, KINDS, STATUSES, human_bytes, human_duration, short_time,
};
use crate::api::executions::list_executions;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn filter_from(q: &leptos_router::params::ParamsMap) -> ExecutionFilter {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    ExecutionFilter {
        job_id: text("job_id").and_then(|v| v.parse().ok()),
        status: text("status"),
        kind: text("kind"),
        from: text("from"),
        to: text("to"),
        before: text("before").and_then(|v| v.parse().ok()),
    }
}

fn link(filter: &ExecutionFilter, before: Option<i64>) -> String {
    let mut q = filter.query();
    if let Some(b) = before {
        q.push(("before", b.to_string()));
    }
    crate::url::with_query("/executions", &q)
}

#[component]
pub fn ExecutionsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from));
    let page = Resource::new(move || filter.get(), list_executions);
    view! {
        <Title text="Executions"/>
        <h1>"Executions"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <Listing page=p filter=filter.get_untracked()/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Listing(page: ExecutionPage, filter: ExecutionFilter) -> impl IntoView {
    let older = page.next_before.map(|b| link(&filter, Some(b)));
    let newest = filter.before.is_some().then(|| link(&filter, None));
    let empty = page.rows.is_empty();
    view! {
        <FilterForm jobs=page.jobs.clone() filter=filter.clone()/>
        {if empty {
            view! { <p class="muted empty-note">"No executions match."</p> }.into_any()
        } else {
            view! { <ExecutionTable rows=page.rows/> }.into_any()
        }}
        <nav class="pager">
            {newest.map(|href| view! { <a class="button small" id="executions-newest" href=href>"← Newest"</a> })}
            {older.map(|href| view! { <a class="button small" id="executions-older" href=href>"Older →"</a> })}
        </nav>
    }
    .into_any()
}

fn options(choices: &[&'static str], current: Option<String>) -> AnyView {
    choices
        .iter()
        .map(|c| {
            let selected = current.as_deref() == Some(*c);
            view! { <option value=*c selected=selected>{*c}</option> }
        })
        .collect_view()
        .into_any()
}

#[component]
fn FilterForm(jobs: Vec<(i64, String)>, filter: ExecutionFilter) -> impl IntoView {
    let job_options = jobs
        .into_iter()
        .map(|(id, name)| {
            let selected = filter.job_id == Some(id);
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <form class="filters" id="executions-filter" method="get" action="/executions">
            <label>"Job"
                <select name="job_id"><option value="">"All jobs"</option>{job_options}</select>
            </label>
            <label>"Status"
                <select name="status"><option value="">"Any"</option>{options(STATUSES, filter.status.clone())}</select>
            </label>
            <label>"Kind"
                <select name="kind"><option value="">"Any"</option>{options(KINDS, filter.kind.clone())}</select>
            </label>
            <label>"From" <input type="date" name="from" value=filter.from.clone().unwrap_or_default()/></label>
            <label>"To" <input type="date" name="to" value=filter.to.clone().unwrap_or_default()/></label>
            <button type="submit" class="button small">"Filter"</button>
            <a class="button small secondary" href="/executions">"Clear"</a>
        </form>
    }
    .into_any()
}

#[component]
fn ExecutionTable(rows: Vec<ExecutionRow>) -> impl IntoView {
    view! {
        <table class="table executions-table" id="executions-table">
            <thead><tr>
                <th>"#"</th><th>"Job"</th><th>"Kind"</th><th>"Status"</th><th>"Trigger"</th>
                <th>"Started"</th><th>"Duration"</th><th>"Raw / stored"</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(row_view).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

fn row_view(r: ExecutionRow) -> AnyView {
    let href = format!("/executions/{}", r.id);
    let job = r
        .job_name
        .clone()
        .or_else(|| r.job_id.map(|j| format!("job #{j}")))
        .unwrap_or_else(|| "(deleted job)".into());
    let sizes = match (r.raw_bytes, r.stored_bytes) {
        (Some(raw), Some(stored)) => format!(
            "{} / {}",
            human_bytes(raw.max(0) as u64),
            human_bytes(stored.max(0) as u64)
        ),
        _ => "—".into(),
    };
    let started = short_time(r.started_at.as_deref().unwrap_or(&r.created_at));
    view! {
        <tr data-id=r.id.to_string()>
            <td><a href=href>{format!("#{}", r.id)}</a></td>
            <td>{job}</td>
            <td>{r.kind.clone()}</td>
            <td><StatusBadge status=r.status.clone()/></td>
            <td>{r.trigger.clone()}</td>
            <td>{started}</td>
            <td>{r.duration_ms.map(human_duration).unwrap_or_else(|| "—".into())}</td>
            <td>{sizes}</td>
        </tr>
    }
    .into_any()
}

/// An execution status, coloured.
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<String>) -> impl IntoView {
    let class = move || format!("badge status status-{}", status.get());
    view! { <span class=class>{move || status.get()}</span> }
}
