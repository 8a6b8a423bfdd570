//! One form for every adapter: renders the fields of an adapter's config schema. Inputs
//! are named `config[<field>]`, the shape the adapter server functions take.

use crate::api::adapter_types::{FieldKind, FieldSpec};
use leptos::prelude::*;

/// What a secret field that holds a value says instead of showing it.
pub const SECRET_KEPT: &str = "set — leave empty to keep";

/// `values`: the stored non-secret settings (empty when creating, then defaults show);
/// `secrets_set`: the secret fields that hold a value.
#[component]
pub fn SchemaForm(
    fields: Vec<FieldSpec>,
    values: Vec<(String, String)>,
    secrets_set: Vec<String>,
    /// Creating (defaults prefilled) rather than editing.
    creating: bool,
) -> impl IntoView {
    fields
        .into_iter()
        .map(|field| {
            let stored = values
                .iter()
                .find(|(name, _)| *name == field.name)
                .map(|(_, v)| v.clone());
            let value = stored.or_else(|| creating.then(|| field.default.clone()).flatten());
            let is_set = secrets_set.contains(&field.name);
            view! { <SchemaField field value is_set/> }
        })
        .collect_view()
}

#[component]
fn SchemaField(field: FieldSpec, value: Option<String>, is_set: bool) -> impl IntoView {
    let id = format!("field-{}", field.name);
    let name = format!("config[{}]", field.name);
    let must = field.required && field.default.is_none() && !is_set;
    let value = value.unwrap_or_default();
    let placeholder = field.default.clone().unwrap_or_default();
    let help = match field.kind {
        FieldKind::List => Some(
            field
                .help
                .clone()
                .map_or("One per line.".to_string(), |h| format!("{h} (one per line)")),
        ),
        _ => field.help.clone(),
    };
    let control = match field.kind {
        FieldKind::Bool => view! {
            <label class="checkbox">
                <input id=id.clone() type="checkbox" name=name value="true" checked=value == "true"/>
                {field.label.clone()}
            </label>
        }
        .into_any(),
        FieldKind::Select => {
            let blank = !field.required || field.default.is_none();
            view! {
                <select id=id.clone() name=name required=must>
                    {blank.then(|| view! { <option value="">"—"</option> })}
                    {field.options.iter().map(|o| {
                        let selected = *o == value;
                        view! { <option value=o.clone() selected=selected>{o.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Textarea | FieldKind::List => view! {
            <textarea id=id.clone() name=name required=must rows="4" placeholder=placeholder>{value}</textarea>
        }
        .into_any(),
        FieldKind::Password => view! {
            <input
                id=id.clone()
                type="password"
                name=name
                value=""
                required=must
                autocomplete="new-password"
                placeholder=if is_set { SECRET_KEPT } else { "" }
            />
        }
        .into_any(),
        kind => view! {
            <input
                id=id.clone()
                type=match kind { FieldKind::Number => "number", FieldKind::Url => "url", _ => "text" }
                name=name
                value=value
                required=must
                placeholder=placeholder
            />
        }
        .into_any(),
    };
    let label = (field.kind != FieldKind::Bool).then(|| {
        view! {
            <label for=id.clone()>
                {field.label.clone()}
                {must.then(|| view! { <span class="required" title="required">" *"</span> })}
                {(field.secret && is_set).then(|| view! { <span class="secret-set">" set — leave empty to keep"</span> })}
            </label>
        }
    });
    view! {
        <div class="schema-field" data-field=field.name.clone()>
            {label}
            {control}
            {help.map(|h| view! { <p class="field-help">{h}</p> })}
        </div>
    }
}
