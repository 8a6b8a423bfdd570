//! Settings → System notifications: a grid of events × channels; each checked box
//! subscribes the channel to the event whatever the job. Saved as a whole set.

use crate::api::system_notifications::{
    SaveSystemNotifications, SystemNotifications, checkbox_key, get_system_notifications,
};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn SystemNotificationsCard() -> impl IntoView {
    let save = ServerAction::<SaveSystemNotifications>::new();
    // Loaded once: after a refused save the boxes keep what was ticked.
    let current = Resource::new(|| (), |_| get_system_notifications());
    view! {
        <section class="card system-notifications-card" id="system-notifications">
            <h2>"System notifications"</h2>
            <p class="muted">
                "The channels told about each event, whatever the job. Job outcomes also go to the channels chosen on each job (Jobs → edit → Notifications)."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || current.get().map(|r| match r {
                    Ok(s) => grid(s, save),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

// Type-erased to keep the page's view type shallow for the wasm build.
fn grid(s: SystemNotifications, save: ServerAction<SaveSystemNotifications>) -> AnyView {
    if s.channels.is_empty() {
        return view! {
            <p class="muted" id="system-no-channels">
                "No notification channels yet — add one on the "
                <a href="/notifications">"Notifications page"</a>
                "."
            </p>
        }
        .into_any();
    }
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let channels = s.channels.clone();
    let rows = s
        .events
        .into_iter()
        .map(|e| {
            let cells = channels
                .iter()
                .map(|c| {
                    let checked = e.channel_ids.contains(&c.id);
                    view! {
                        <td>
                            <input
                                type="checkbox"
                                name=format!("subs[{}]", checkbox_key(e.event, c.id))
                                value="on"
                                checked=checked
                                aria-label=format!("{} → {}", e.label, c.name)
                            />
                        </td>
                    }
                })
                .collect_view();
            view! { <tr data-event=e.event.as_str()><th scope="row">{e.label.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <ActionForm action=save attr:id="system-notifications-form">
            <div class="notify-grid-wrap">
                <table class="table notify-grid" id="system-notifications-grid">
                    <thead>
                        <tr>
                            <th scope="col">"Event"</th>
                            {s.channels.iter().map(|c| view! {
                                <th scope="col" data-channel=c.id.to_string()>
                                    {c.name.clone()}
                                    <span class="muted adapter-label">{c.adapter_label.clone()}</span>
                                </th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <ErrorNote message=action_error(save)/>
            <Show when=saved>
                <p class="form-ok" role="status">"System notifications saved."</p>
            </Show>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>
                "Save notifications"
            </button>
        </ActionForm>
    }
    .into_any()
}
