//! Settings: concurrency, health-check interval and log retention. The form shows the
//! stored values; the server validates (its messages are shown as they are) and audits.
//! Below it, the system-wide notification channels per event.

use super::settings_notifications::SystemNotificationsCard;
use crate::api::settings::{SaveSettings, SettingView, get_settings};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    // Loaded once: after a refused save the form keeps what was typed.
    let current = Resource::new(|| (), |_| get_settings());
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || current.get().map(|r| match r {
                Ok(list) => view! { <SettingsForm list save/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <SystemNotificationsCard/>
    }
}

#[component]
fn SettingsForm(list: Vec<SettingView>, save: ServerAction<SaveSettings>) -> impl IntoView {
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    view! {
        <div class="card form-card settings-card">
            // `novalidate`: the server's range messages are the ones shown.
            <ActionForm action=save attr:id="settings-form" attr:novalidate=true>
                {list.into_iter().map(field).collect_view()}
                <ErrorNote message=action_error(save)/>
                <Show when=saved>
                    <p class="form-ok" role="status">"Settings saved."</p>
                </Show>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "Save settings"
                </button>
            </ActionForm>
        </div>
    }
}

// Type-erased to keep the form's view type shallow for the wasm build.
fn field(s: SettingView) -> AnyView {
    if s.switch {
        return switch(s);
    }
    let id = format!("setting-{}", s.key.replace(['.', '_'], "-"));
    let hint = format!(
        "{} ({}–{} {}, default {})",
        s.help, s.min, s.max, s.unit, s.default
    );
    view! {
        <label for=id.clone()>{s.label.clone()}</label>
        <div class="setting-input">
            <input
                id=id
                type="number"
                name=format!("values[{}]", s.key)
                value=s.value.to_string()
                min=s.min.to_string()
                max=s.max.to_string()
                step="1"
                required
            />
            <span class="muted">{s.unit.clone()}</span>
        </div>
        <p class="muted field-help">{hint}</p>
    }
    .into_any()
}

/// An on/off setting as a choice. Locked (a SuperAdmin's setting, seen by someone else),
/// it is shown disabled and not submitted.
fn switch(s: SettingView) -> AnyView {
    let id = format!("setting-{}", s.key.replace(['.', '_'], "-"));
    let name = (!s.locked).then(|| format!("values[{}]", s.key));
    let on = s.value == 1;
    let default = if s.default == 1 { "on" } else { "off" };
    let hint = format!("{} (default {default})", s.help);
    view! {
        <label for=id.clone()>{s.label.clone()}</label>
        <div class="setting-input">
            <select id=id name=name disabled=s.locked>
                <option value="0" selected=!on>"Off"</option>
                <option value="1" selected=on>"On"</option>
            </select>
        </div>
        <p class="muted field-help">{hint}</p>
    }
    .into_any()
}
