//! Jobs: the list (schedule in words, next and last run, enabled toggle, Run now, edit,
//! delete) and the add / edit form.

use super::job_form::JobForm;
use crate::api::job_types::JobRow;
use crate::api::jobs::{DeleteJob, RunJob, SetJobEnabled, job_choices, list_jobs};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use std::time::Duration;

#[derive(Clone, Copy)]
struct Actions {
    run: ServerAction<RunJob>,
    toggle: ServerAction<SetJobEnabled>,
    delete: ServerAction<DeleteJob>,
    editing: RwSignal<Option<JobRow>>,
}

fn in_progress(rows: &[JobRow]) -> bool {
    rows.iter().any(|r| {
        r.last_run
            .as_ref()
            .is_some_and(|l| matches!(l.status.as_str(), "pending" | "running"))
    })
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let tick = RwSignal::new(0u32);
    let actions = Actions {
        run: ServerAction::new(),
        toggle: ServerAction::new(),
        delete: ServerAction::new(),
        editing: RwSignal::new(None),
    };
    let rows = Resource::new(
        move || {
            (
                saved.get(),
                tick.get(),
                actions.run.version().get(),
                actions.toggle.version().get(),
                actions.delete.version().get(),
            )
        },
        |_| list_jobs(),
    );
    // While a run is pending or running, refresh the list every two seconds.
    Effect::new(move |_| {
        if rows.get().and_then(|r| r.ok()).is_some_and(|r| in_progress(&r)) {
            set_timeout(move || tick.update(|n| *n += 1), Duration::from_secs(2));
        }
    });
    let choices = Resource::new(move || saved.get(), |_| job_choices());
    view! {
        <Title text="Jobs"/>
        <h1>"Jobs"</h1>
        <ErrorNote message=action_error(actions.run)/>
        <ErrorNote message=action_error(actions.toggle)/>
        <ErrorNote message=action_error(actions.delete)/>
        {move || actions.run.value().get().and_then(|r| r.ok()).map(|id| view! {
            <p class="form-ok" role="status" id="run-queued">
                {format!("Execution #{id} queued. ")}
                <a href=format!("/executions/{id}")>"Follow it"</a>
            </p>
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="muted empty-note">"No jobs yet. Add one below."</p> }.into_any(),
                Ok(rows) => view! { <JobTable rows actions/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || choices.get().map(|r| match r {
                Ok(choices) => view! { <JobForm choices editing=actions.editing saved/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn JobTable(rows: Vec<JobRow>, actions: Actions) -> impl IntoView {
    view! {
        <table class="table jobs-table" id="jobs-table">
            <thead><tr>
                <th>"Name"</th><th>"Source"</th><th>"Destinations"</th><th>"Schedule"</th>
                <th>"Next run"</th><th>"Enabled"</th><th>"Last run"</th><th>"Actions"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <JobRowView row actions/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn JobRowView(row: JobRow, actions: Actions) -> impl IntoView {
    let id = row.id;
    let name = row.input.name.clone();
    let enabled = row.input.enabled;
    let edit_row = row.clone();
    view! {
        <tr data-id=id.to_string() data-name=row.input.name.clone()>
            <td class="job-name">
                {row.input.name.clone()}
                {row.encryption_name.is_none().then(|| view! { <span class="badge warn" title="Backups of this job are not encrypted">"unencrypted"</span> })}
            </td>
            <td>{row.source_name.clone()}</td>
            <td>{row.destination_names.join(", ")}</td>
            <td class="job-schedule">
                <span>{row.schedule_text.clone()}</span>
                <code class="muted">{format!("{} · {}", row.input.cron, row.input.timezone)}</code>
            </td>
            <td class="job-next">{row.next_run.clone().unwrap_or_else(|| "—".into())}</td>
            <td>
                <input
                    type="checkbox"
                    class="job-enabled"
                    aria-label=format!("Enabled: {}", row.input.name)
                    prop:checked=enabled
                    on:change=move |ev| { actions.toggle.dispatch(SetJobEnabled { id, enabled: event_target_checked(&ev) }); }
                />
            </td>
            <td class="job-last-run">{last_run(&row)}</td>
            <td><div class="actions">
                <button type="button" class="button small primary run-now" on:click=move |_| { actions.run.dispatch(RunJob { id }); }>"Run now"</button>
                <button type="button" class="button small" on:click=move |_| actions.editing.set(Some(edit_row.clone()))>"Edit"</button>
                <button type="button" class="button small danger" on:click=move |_| {
                    if window().confirm_with_message(&format!("Delete the job {name}?")).unwrap_or(false) {
                        actions.delete.dispatch(DeleteJob { id });
                    }
                }>"Delete"</button>
            </div></td>
        </tr>
    }
    .into_any()
}

fn last_run(row: &JobRow) -> AnyView {
    match &row.last_run {
        Some(l) => view! {
            <a href=format!("/executions/{}", l.execution_id) class=format!("badge status status-{}", l.status) data-status=l.status.clone()>
                {l.status.clone()}
            </a>
            <span class="muted run-time">{l.at.clone()}</span>
        }
        .into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    }
}
