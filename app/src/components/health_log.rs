//! An adapter's recent health checks (time, OK or failed, latency, error), fetched
//! when opened.

use crate::api::adapter_types::AdapterKind;
use crate::api::health_log::{HealthCheckRow, adapter_health_log};
use leptos::prelude::*;

const SHOWN: u64 = 10;

#[component]
pub fn HealthLog(kind: AdapterKind, id: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="button small health-log-toggle"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {move || if open.get() { "Hide health log" } else { "Health log" }}
        </button>
        <Show when=move || open.get()>
            <HealthLogTable kind id/>
        </Show>
    }
    .into_any()
}

#[component]
fn HealthLogTable(kind: AdapterKind, id: i64) -> impl IntoView {
    let rows = Resource::new(|| (), move |_| adapter_health_log(kind, id, Some(SHOWN)));
    view! {
        <div class="health-log">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || rows.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">"No checks yet."</p> }.into_any(),
                    Ok(rows) => table(rows),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}

fn table(rows: Vec<HealthCheckRow>) -> AnyView {
    view! {
        <table class="table health-log-table">
            <thead><tr><th>"Checked"</th><th>"Result"</th><th>"Latency"</th><th>"Error"</th></tr></thead>
            <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

fn row(r: HealthCheckRow) -> AnyView {
    let (class, label) = if r.ok {
        ("check-ok", "OK")
    } else {
        ("check-failed", "failed")
    };
    view! {
        <tr class=class>
            <td>{r.checked_at}</td>
            <td>{label}</td>
            <td>{format!("{} ms", r.latency_ms)}</td>
            <td class="health-error">{r.error.unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}
