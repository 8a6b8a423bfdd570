//! The schedule as you type it: the parser's description and the next five runs in the
//! job's time zone, or the parser's reason when the expression is wrong.

use crate::api::jobs::cron_preview;
use leptos::prelude::*;

#[component]
pub fn CronPreview(cron: RwSignal<String>, timezone: RwSignal<String>) -> impl IntoView {
    let preview = Resource::new(
        move || (cron.get(), timezone.get()),
        |(cron, timezone)| cron_preview(cron, timezone, None),
    );
    view! {
        <div class="cron-preview" id="cron-preview" aria-live="polite">
            <Transition fallback=|| view! { <p class="muted">"…"</p> }>
                {move || preview.get().map(|r| match r {
                    Ok(p) => view! {
                        <p class="cron-description" id="cron-description">{p.description}</p>
                        <ol class="cron-next" id="cron-next">
                            {p.next.into_iter().map(|t| view! { <li data-at=t.rfc3339>{t.text}</li> }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error cron-error" id="cron-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
