//! Keep the last N, or GFS counts per day, week, month and year (or keep everything).

use crate::api::job_types::{RetentionInput, RetentionKind};
use leptos::prelude::*;

fn count_input(
    id: &'static str,
    label: &'static str,
    value: RwSignal<RetentionInput>,
    get: fn(&RetentionInput) -> u32,
    set: fn(&mut RetentionInput, u32),
) -> AnyView {
    view! {
        <label class="retention-count">
            <span>{label}</span>
            <input
                id=id
                type="number"
                min="0"
                prop:value=move || value.with(get).to_string()
                on:input=move |ev| {
                    let n = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                    value.update(|r| set(r, n));
                }
            />
        </label>
    }
    .into_any()
}

#[component]
pub fn RetentionEditor(value: RwSignal<RetentionInput>) -> impl IntoView {
    let kind = move || value.with(|r| r.kind);
    let choose = move |ev| {
        let k = match event_target_value(&ev).as_str() {
            "keep_all" => RetentionKind::KeepAll,
            "gfs" => RetentionKind::Gfs,
            _ => RetentionKind::KeepLast,
        };
        value.update(|r| r.kind = k);
    };
    view! {
        <div class="retention-editor">
            <select id="retention-kind" on:change=choose aria-label="Retention policy">
                <option value="keep_last" selected=move || kind() == RetentionKind::KeepLast>"Keep the last N"</option>
                <option value="gfs" selected=move || kind() == RetentionKind::Gfs>"Grandfather-father-son (GFS)"</option>
                <option value="keep_all" selected=move || kind() == RetentionKind::KeepAll>"Keep every backup"</option>
            </select>
            {move || match kind() {
                RetentionKind::KeepLast => count_input("retention-keep-last", "Backups to keep", value, |r| r.keep_last, |r, n| r.keep_last = n),
                RetentionKind::Gfs => view! {
                    <div class="retention-gfs">
                        {count_input("retention-daily", "Daily", value, |r| r.daily, |r, n| r.daily = n)}
                        {count_input("retention-weekly", "Weekly", value, |r| r.weekly, |r, n| r.weekly = n)}
                        {count_input("retention-monthly", "Monthly", value, |r| r.monthly, |r, n| r.monthly = n)}
                        {count_input("retention-yearly", "Yearly", value, |r| r.yearly, |r, n| r.yearly = n)}
                    </div>
                }.into_any(),
                RetentionKind::KeepAll => view! { <p class="muted">"Nothing is ever deleted."</p> }.into_any(),
            }}
            <p class="muted hint">"The newest backup is always kept, whatever the policy."</p>
        </div>
    }
}
