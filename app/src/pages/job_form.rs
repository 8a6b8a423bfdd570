//! The add / edit form of a job.

use super::job_form_notifications::NotificationPicker;
use super::job_form_parts::{DatabasePicker, DestinationList, RetentionPreviewView, SchedulePresets};
use super::job_form_state::Fields;
use crate::api::job_types::{CompressionKind, JobFormChoices, JobRow};
use crate::api::jobs::{CreateJob, UpdateJob};
use crate::components::cron_help::CronHelp;
use crate::components::cron_preview::CronPreview;
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::retention_editor::RetentionEditor;
use leptos::prelude::*;

#[component]
pub fn JobForm(
    choices: JobFormChoices,
    editing: RwSignal<Option<JobRow>>,
    /// Bumped after each save, so the list reloads.
    saved: RwSignal<u32>,
) -> impl IntoView {
    let create = ServerAction::<CreateJob>::new();
    let update = ServerAction::<UpdateJob>::new();
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            saved.update(|n| *n += 1);
            generation.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved.update(|n| *n += 1);
            editing.set(None);
        }
    });
    let choices = StoredValue::new(choices);
    move || {
        generation.get();
        let row = editing.get();
        let (first_source, first_profile) = choices.with_value(|c| {
            (
                c.sources.first().map(|s| s.id),
                c.encryption_profiles.first().map(|p| p.id),
            )
        });
        let id = row.as_ref().map(|r| r.id);
        let f = Fields::new(row.as_ref().map(|r| r.input.clone()), first_source, first_profile);
        let title = row
            .as_ref()
            .map_or_else(|| "Add a job".to_string(), |r| format!("Edit {}", r.input.name));
        let problem = RwSignal::new(None::<String>);
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            match (f.input(), id) {
                (Err(e), _) => problem.set(Some(e)),
                (Ok(job), None) => {
                    problem.set(None);
                    create.dispatch(CreateJob { job });
                }
                (Ok(job), Some(id)) => {
                    problem.set(None);
                    update.dispatch(UpdateJob { id, job });
                }
            }
        };
        let busy = move || create.pending().get() || update.pending().get();
        view! {
            <div class="card form-card job-form">
                <h2>{title}</h2>
                <form id="job-form" on:submit=submit>
                    <JobFields f choices/>
                    <ErrorNote message=problem.into()/>
                    <ErrorNote message=action_error(create)/>
                    <ErrorNote message=action_error(update)/>
                    <Show when=move || id.is_none() && matches!(create.value().get(), Some(Ok(_)))>
                        <p class="form-ok" role="status">"The job was added."</p>
                    </Show>
                    <div class="form-actions">
                        <button type="submit" class="button primary" id="job-save" disabled=busy>
                            {if id.is_some() { "Save" } else { "Add job" }}
                        </button>
                        {id.map(|_| view! { <button type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button> })}
                    </div>
                </form>
            </div>
        }
        .into_any()
    }
}

#[component]
fn JobFields(f: Fields, choices: StoredValue<JobFormChoices>) -> impl IntoView {
    let destinations = StoredValue::new(choices.with_value(|c| c.destinations.clone()));
    view! {
        <label for="job-name">"Name"</label>
        <input id="job-name" type="text" required prop:value=move || f.name.get() on:input=move |ev| f.name.set(event_target_value(&ev))/>
        <label class="checkbox"><input id="job-enabled" type="checkbox" prop:checked=move || f.enabled.get() on:change=move |ev| f.enabled.set(event_target_checked(&ev))/>"Enabled (runs on its schedule)"</label>
        <fieldset>
            <legend>"What to back up"</legend>
            <label for="job-source">"Source"</label>
            <select id="job-source" on:change=move |ev| f.source_id.set(event_target_value(&ev).parse().ok())>
                {choices.with_value(|c| c.sources.iter().map(|s| {
                    let sid = s.id;
                    view! { <option value=s.id.to_string() selected=move || f.source_id.get() == Some(sid)>{format!("{} ({})", s.name, s.detail)}</option> }
                }).collect_view())}
            </select>
            <label for="job-databases">"Databases " <span class="muted">"(one per line; empty = all)"</span></label>
            <DatabasePicker f/>
        </fieldset>
        <fieldset>
            <legend>"Where to"</legend>
            <p class="muted hint">"In priority order."</p>
            <DestinationList f choices=destinations/>
        </fieldset>
        <ProcessingFields f choices/>
        <fieldset>
            <legend>"When"</legend>
            <label for="job-cron">"Schedule " <span class="muted">"(6 fields with seconds first, or 5)"</span></label>
            <input id="job-cron" type="text" class="mono" prop:value=move || f.cron.get() on:input=move |ev| f.cron.set(event_target_value(&ev))/>
            <SchedulePresets cron=f.cron/>
            <CronHelp/>
            <label for="job-timezone">"Time zone " <span class="muted">"(IANA, e.g. Europe/Paris)"</span></label>
            <input id="job-timezone" type="text" prop:value=move || f.timezone.get() on:input=move |ev| f.timezone.set(event_target_value(&ev))/>
            <CronPreview cron=f.cron timezone=f.timezone/>
        </fieldset>
        <fieldset>
            <legend>"Retention"</legend>
            <RetentionEditor value=f.retention/>
            <RetentionPreviewView f choices=destinations/>
        </fieldset>
        <NotificationPicker f channels=choices.with_value(|c| c.channels.clone())/>
    }
    .into_any()
}

#[component]
fn ProcessingFields(f: Fields, choices: StoredValue<JobFormChoices>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Compression and encryption"</legend>
            <label for="job-compression">"Compression"</label>
            <select id="job-compression" on:change=move |ev| f.compression.set(CompressionKind::parse(&event_target_value(&ev)))>
                {CompressionKind::ALL.into_iter().map(|c| view! {
                    <option value=c.as_str() selected=move || f.compression.get() == c>{c.as_str()}</option>
                }).collect_view()}
            </select>
            <label for="job-level">"Level " <span class="muted">{move || format!("({}; empty = default)", f.compression.get().levels())}</span></label>
            <input id="job-level" type="number" prop:value=move || f.level.get() on:input=move |ev| f.level.set(event_target_value(&ev))/>
            <label for="job-encryption">"Encryption profile"</label>
            <select id="job-encryption" on:change=move |ev| f.encryption.set(event_target_value(&ev).parse().ok())>
                <option value="" selected=move || f.encryption.get().is_none()>"None (unencrypted)"</option>
                {choices.with_value(|c| c.encryption_profiles.iter().map(|p| {
                    let pid = p.id;
                    view! { <option value=p.id.to_string() selected=move || f.encryption.get() == Some(pid)>{p.name.clone()}</option> }
                }).collect_view())}
            </select>
            <Show when=move || f.encryption.get().is_none()>
                <p class="warning-note" id="job-unencrypted-warning" role="alert">"Backups of this job will NOT be encrypted."</p>
            </Show>
        </fieldset>
    }
    .into_any()
}
