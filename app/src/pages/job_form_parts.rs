//! Pieces of the job form: the ordered destination list, the database picker, the
//! schedule presets and the retention preview.

use super::job_form_state::Fields;
use crate::api::job_types::Choice;
use crate::api::jobs::{ListSourceDatabases, retention_preview};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

fn name_of(choices: &[Choice], id: i64) -> String {
    choices
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| format!("#{id}"), |c| c.name.clone())
}

#[component]
pub fn DestinationList(f: Fields, choices: StoredValue<Vec<Choice>>) -> impl IntoView {
    let move_by = move |index: usize, up: bool| {
        f.destinations.update(|d| {
            let other = if up { index.checked_sub(1) } else { Some(index + 1) };
            if let Some(o) = other.filter(|o| *o < d.len()) {
                d.swap(index, o);
            }
        })
    };
    let add = move |ev| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            f.destinations.update(|d| {
                if !d.contains(&id) {
                    d.push(id);
                }
            });
        }
    };
    view! {
        <ol class="destination-list" id="job-destinations">
            {move || f.destinations.get().into_iter().enumerate().map(|(i, id)| view! {
                <li data-id=id.to_string()>
                    <span class="priority">{format!("{}.", i + 1)}</span>
                    <span class="destination-name">{choices.with_value(|c| name_of(c, id))}</span>
                    <button type="button" class="button small" aria-label="Move up" on:click=move |_| move_by(i, true)>"↑"</button>
                    <button type="button" class="button small" aria-label="Move down" on:click=move |_| move_by(i, false)>"↓"</button>
                    <button type="button" class="button small danger" on:click=move |_| f.destinations.update(|d| d.retain(|x| *x != id))>"Remove"</button>
                </li>
            }).collect_view()}
        </ol>
        <select id="job-add-destination" on:change=add prop:value="">
            <option value="">"Add a destination…"</option>
            {move || {
                let chosen = f.destinations.get();
                choices.with_value(|c| c.iter().filter(|c| !chosen.contains(&c.id)).map(|c| view! {
                    <option value=c.id.to_string()>{format!("{} ({})", c.name, c.detail)}</option>
                }).collect_view())
            }}
        </select>
    }
    .into_any()
}

#[component]
pub fn DatabasePicker(f: Fields) -> impl IntoView {
    let list = ServerAction::<ListSourceDatabases>::new();
    let toggle = move |name: String, on: bool| {
        let mut lines = f.database_list();
        lines.retain(|l| *l != name);
        if on {
            lines.push(name);
        }
        f.databases.set(lines.join("\n"));
    };
    view! {
        <textarea
            id="job-databases"
            rows="2"
            placeholder="Empty: every database of the source"
            prop:value=move || f.databases.get()
            on:input=move |ev| f.databases.set(event_target_value(&ev))
        ></textarea>
        <button
            type="button"
            class="button small"
            id="job-list-databases"
            disabled=move || list.pending().get() || f.source_id.get().is_none()
            on:click=move |_| {
                if let Some(source_id) = f.source_id.get() {
                    list.dispatch(ListSourceDatabases { source_id });
                }
            }
        >
            {move || if list.pending().get() { "Listing…" } else { "List databases" }}
        </button>
        <ErrorNote message=action_error(list)/>
        {move || list.value().get().and_then(|r| r.ok()).map(|names| view! {
            <div class="database-choices">
                {names.into_iter().map(|n| {
                    let checked_name = n.clone();
                    let toggled = n.clone();
                    view! {
                        <label class="checkbox">
                            <input
                                type="checkbox"
                                prop:checked=move || f.database_list().contains(&checked_name)
                                on:change=move |ev| toggle(toggled.clone(), event_target_checked(&ev))
                            />
                            {n}
                        </label>
                    }
                }).collect_view()}
            </div>
        })}
    }
    .into_any()
}

pub const PRESETS: [(&str, &str); 4] = [
    ("Hourly", "0 * * * *"),
    ("Daily 02:00", "0 2 * * *"),
    ("Weekly (Sun 02:00)", "0 2 * * 0"),
    ("Monthly (1st, 02:00)", "0 2 1 * *"),
];

#[component]
pub fn SchedulePresets(cron: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="cron-presets">
            {PRESETS.iter().map(|(label, expr)| view! {
                <button type="button" class="button small" data-cron=*expr on:click=move |_| cron.set(expr.to_string())>{*label}</button>
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn RetentionPreviewView(f: Fields, choices: StoredValue<Vec<Choice>>) -> impl IntoView {
    let preview = Resource::new(
        move || {
            (
                f.name.get(),
                f.destinations.with(|d| d.first().copied()),
                f.timezone.get(),
                f.retention.get(),
            )
        },
        |(name, first, timezone, retention)| async move {
            match first {
                Some(destination_id) if !name.trim().is_empty() => {
                    Some(retention_preview(name, destination_id, timezone, retention).await)
                }
                _ => None,
            }
        },
    );
    view! {
        <div class="retention-preview" id="retention-preview">
            <Transition fallback=|| ()>
                {move || preview.get().map(|r| match r {
                    None => view! { <p class="muted">"Name the job and choose a destination to preview what this policy would delete."</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(p)) => match (p.unreadable, p.items.is_empty()) {
                        (Some(reason), _) => view! {
                            <p class="warning-note">{format!("Cannot read {} to preview retention: {reason}", p.destination)}</p>
                        }.into_any(),
                        (None, true) => view! {
                            <p class="muted">{format!("No backups of this job in {} yet; nothing would be deleted.", p.destination)}</p>
                        }.into_any(),
                        (None, false) => {
                            let deleted = p.items.iter().filter(|i| !i.keep).count();
                            view! {
                                <p>{format!("In {}: {} backup(s), {deleted} would be deleted.", p.destination, p.items.len())}</p>
                                <ul class="retention-items">
                                    {p.items.into_iter().map(|i| view! {
                                        <li class:delete=!i.keep>
                                            <code>{i.object}</code>
                                            <span class="muted">{format!(" — {}", i.reasons.join(", "))}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    },
                })}
            </Transition>
            {move || choices.with_value(|c| c.is_empty()).then(|| view! { <p class="muted">"No destinations yet."</p> })}
        </div>
    }
    .into_any()
}
