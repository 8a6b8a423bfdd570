//! Sources and Destinations: one page for both kinds, with no per-adapter code. The
//! list shows health; each row can be tested, edited or deleted.

use super::adapter_form::AdapterForm;
use crate::api::adapter_types::{AdapterKind, AdapterRow};
use crate::api::adapters::{DeleteAdapter, TestAdapter, adapter_types, list_adapters};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::health_badge::HealthBadge;
use crate::components::test_result::TestResult;
use leptos::prelude::*;
use leptos_meta::Title;

fn title(kind: AdapterKind) -> &'static str {
    match kind {
        AdapterKind::Source => "Sources",
        AdapterKind::Destination => "Destinations",
        AdapterKind::Notification => "Notification channels",
    }
}

#[component]
pub fn AdaptersPage(kind: AdapterKind) -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let delete = ServerAction::<DeleteAdapter>::new();
    let test = ServerAction::<TestAdapter>::new();
    let editing = RwSignal::new(None::<AdapterRow>);
    let tested = RwSignal::new(None::<i64>);
    let rows = Resource::new(
        move || (saved.get(), delete.version().get(), test.version().get()),
        move |_| list_adapters(kind),
    );
    let types = Resource::new(|| (), move |_| adapter_types(kind));
    view! {
        <Title text=title(kind)/>
        <h1>{title(kind)}</h1>
        {(kind == AdapterKind::Notification)
            .then(|| view! { <crate::pages::notification_log::NotificationTabs current="channels"/> })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || rows.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! {
                    <p class="muted empty-note">{format!("No {} yet. Add one below.", kind.as_str())}</p>
                }.into_any(),
                Ok(rows) => view! { <AdapterTable kind rows test tested delete editing/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <ErrorNote message=action_error(delete)/>
        <Transition fallback=|| ()>
            {move || types.get().map(|r| match r {
                Ok(types) => view! { <AdapterForm kind types editing saved/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn AdapterTable(
    kind: AdapterKind,
    rows: Vec<AdapterRow>,
    test: ServerAction<TestAdapter>,
    tested: RwSignal<Option<i64>>,
    delete: ServerAction<DeleteAdapter>,
    editing: RwSignal<Option<AdapterRow>>,
) -> impl IntoView {
    let table_id = format!("{}-table", kind.as_str());
    view! {
        <table class="table adapters-table" id=table_id>
            <thead><tr><th>"Name"</th><th>"Adapter"</th><th>"Health"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <AdapterRowView kind row test tested delete editing/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AdapterRowView(
    kind: AdapterKind,
    row: AdapterRow,
    test: ServerAction<TestAdapter>,
    tested: RwSignal<Option<i64>>,
    delete: ServerAction<DeleteAdapter>,
    editing: RwSignal<Option<AdapterRow>>,
) -> impl IntoView {
    let id = row.id;
    let name = row.name.clone();
    let mine = move || tested.get() == Some(id);
    let testing = move || test.pending().get() && mine();
    let result = move || {
        (mine() && !test.pending().get())
            .then(|| test.value().get())
            .flatten()
    };
    let edit_row = row.clone();
    view! {
        <tr data-id=id.to_string() data-name=row.name.clone()>
            <td class="adapter-name">{row.name.clone()}</td>
            <td>{row.adapter_label.clone()}</td>
            <td>{health_cell(kind, &row)}</td>
            <td><div class="actions">
                <button
                    type="button"
                    class="button small test-connection"
                    disabled=testing
                    on:click=move |_| {
                        tested.set(Some(id));
                        test.dispatch(TestAdapter { kind, id });
                    }
                >
                    {move || test_label(kind, testing())}
                </button>
                <button type="button" class="button small" on:click=move |_| editing.set(Some(edit_row.clone()))>
                    "Edit"
                </button>
                <button
                    type="button"
                    class="button small danger"
                    on:click=move |_| {
                        let question = format!("Delete the {} {}?", kind.as_str(), name);
                        if window().confirm_with_message(&question).unwrap_or(false) {
                            delete.dispatch(DeleteAdapter { kind, id });
                        }
                    }
                >
                    "Delete"
                </button>
                {move || result().map(|r| view! { <TestResult result=r/> })}
                <crate::components::health_log::HealthLog kind id/>
            </div></td>
        </tr>
    }
    .into_any()
}

/// A channel's test sends a message; a source or destination's only connects.
pub fn test_label(kind: AdapterKind, busy: bool) -> &'static str {
    match (kind == AdapterKind::Notification, busy) {
        (true, true) => "Sending…",
        (true, false) => "Send test",
        (false, true) => "Testing…",
        (false, false) => "Test connection",
    }
}

// Type-erased (`into_any`) to keep the row's view type shallow enough for the wasm build.
fn health_cell(kind: AdapterKind, row: &AdapterRow) -> AnyView {
    // A channel's health is the outcome of its last delivery.
    let (never, when) = match kind {
        AdapterKind::Notification => ("nothing sent yet", "last delivery"),
        _ => ("never checked", "checked"),
    };
    let checked = row
        .last_check_at
        .clone()
        .map_or_else(|| never.to_string(), |t| format!("{when} {t}"));
    view! {
        <div class="health-cell">
            <HealthBadge health=row.health/>
            <span class="muted health-time">{checked}</span>
            {row.last_error.clone().map(|e| view! { <p class="health-error">{e}</p> })}
        </div>
    }
    .into_any()
}
