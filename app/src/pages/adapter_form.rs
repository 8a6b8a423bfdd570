//! The add / edit form of a source or destination: a type picker, a name, and the
//! chosen adapter's fields rendered from its schema. Secrets are never filled in.

use crate::api::adapter_types::{AdapterKind, AdapterPreset, AdapterRow, AdapterType};
use crate::api::adapters::{CreateAdapter, UpdateAdapter};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::form_test::FormTestButton;
use crate::components::schema_form::SchemaForm;
use leptos::html::Form;
use leptos::prelude::*;

#[component]
pub fn AdapterForm(
    kind: AdapterKind,
    types: Vec<AdapterType>,
    editing: RwSignal<Option<AdapterRow>>,
    /// Bumped after each save, so the list reloads.
    saved: RwSignal<u32>,
) -> impl IntoView {
    let create = ServerAction::<CreateAdapter>::new();
    let update = ServerAction::<UpdateAdapter>::new();
    let chosen = RwSignal::new(types.first().map(|t| t.id.clone()).unwrap_or_default());
    // Bumped after a successful add, to render the inputs empty again.
    let generation = RwSignal::new(0u32);
    let types = StoredValue::new(types);
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
    let form_ref = NodeRef::<Form>::new();
    let fields_of = move |adapter_id: &str| {
        types.with_value(|ts| ts.iter().find(|t| t.id == adapter_id).map(|t| t.fields.clone()))
    };
    let presets_of = move |adapter_id: &str| {
        types.with_value(|ts| ts.iter().find(|t| t.id == adapter_id).map(|t| t.presets.clone()))
    };
    let capabilities_of = move |adapter_id: &str| {
        types.with_value(|ts| {
            ts.iter()
                .find(|t| t.id == adapter_id)
                .map(|t| t.capabilities.clone())
        })
    };
    move || {
        generation.get();
        match editing.get() {
            Some(row) => {
                let fields = fields_of(&row.adapter_id).unwrap_or_default();
                view! {
                    <div class="card form-card adapter-form">
                        <h2>{format!("Edit {}", row.name)}</h2>
                        <ActionForm action=update node_ref=form_ref attr:id="adapter-form">
                            <input type="hidden" name="kind" value=kind.form_value()/>
                            <input type="hidden" name="id" value=row.id.to_string()/>
                            <input type="hidden" name="adapter_id" value=row.adapter_id.clone()/>
                            <p class="muted">{row.adapter_label.clone()}</p>
                            <Capabilities list=capabilities_of(&row.adapter_id).unwrap_or_default()/>
                            <label for="adapter-name">"Name"</label>
                            <input id="adapter-name" type="text" name="name" required value=row.name.clone()/>
                            <SchemaForm fields values=row.values.clone() secrets_set=row.secrets_set.clone() creating=false/>
                            <ErrorNote message=action_error(update)/>
                            <div class="form-actions">
                                <button type="submit" class="button primary" disabled=move || update.pending().get()>"Save"</button>
                                <FormTestButton form=form_ref kind/>
                                <button type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                            </div>
                        </ActionForm>
                    </div>
                }
                .into_any()
            }
            None => view! {
                <div class="card form-card adapter-form">
                    <h2>{format!("Add a {}", kind.as_str())}</h2>
                    <ActionForm action=create node_ref=form_ref attr:id="adapter-form">
                        <input type="hidden" name="kind" value=kind.form_value()/>
                        <label for="adapter-type">"Type"</label>
                        <select id="adapter-type" name="adapter_id" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {types.with_value(|ts| ts.iter().map(|t| {
                                let id = t.id.clone();
                                view! { <option value=t.id.clone() selected=move || chosen.get() == id>{t.label.clone()}</option> }
                            }).collect_view())}
                        </select>
                        {move || view! { <Capabilities list=capabilities_of(&chosen.get()).unwrap_or_default()/> }}
                        {move || view! { <Presets presets=presets_of(&chosen.get()).unwrap_or_default()/> }}
                        <label for="adapter-name">"Name"</label>
                        <input id="adapter-name" type="text" name="name" required/>
                        {move || fields_of(&chosen.get()).map(|fields| view! {
                            <SchemaForm fields values=vec![] secrets_set=vec![] creating=true/>
                        })}
                        <ErrorNote message=action_error(create)/>
                        <Show when=move || matches!(create.value().get(), Some(Ok(_)))>
                            <p class="form-ok" role="status">{format!("The {} was added.", kind.as_str())}</p>
                        </Show>
                        <div class="form-actions">
                            <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add"</button>
                            <FormTestButton form=form_ref kind/>
                        </div>
                    </ActionForm>
                </div>
            }
            .into_any(),
        }
    }
}

/// What the chosen destination can do, from its registry entry.
#[component]
fn Capabilities(list: Vec<String>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! { <p class="muted adapter-capabilities" id="adapter-capabilities">{format!("This destination {}.", list.join("; "))}</p> }
    })
}

/// Buttons that fill the form with a provider's values; the note says what is left.
#[component]
fn Presets(presets: Vec<AdapterPreset>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    (!presets.is_empty()).then(|| {
        view! {
            <div class="adapter-presets" id="adapter-presets">
                <span class="muted">"Fill in for: "</span>
                {presets.into_iter().map(|p| {
                    let label = p.label.clone();
                    view! {
                        <button type="button" class="button small" data-preset=p.id.clone() on:click=move |_| {
                            fill(&p.values);
                            note.set(p.note.clone());
                        }>{label}</button>
                    }
                }).collect_view()}
                <Show when=move || !note.get().is_empty()>
                    <p class="muted preset-note" id="preset-note">{move || note.get()}</p>
                </Show>
            </div>
        }
    })
}

/// Sets the schema form's inputs (`#field-<name>`) to the preset's values.
fn fill(values: &std::collections::BTreeMap<String, String>) {
    use leptos::wasm_bindgen::JsCast;
    for (name, value) in values {
        let input = document()
            .get_element_by_id(&format!("field-{name}"))
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            if input.type_() == "checkbox" {
                input.set_checked(value == "true");
            } else {
                input.set_value(value);
            }
        }
    }
}
