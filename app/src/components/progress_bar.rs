//! The live progress of a running execution: stage, bytes read and stored, throughput.
//! A dump's final size is unknown, so the bar moves (indeterminate) while work goes on.

use crate::api::execution_types::{ProgressView, human_bytes};
use leptos::prelude::*;

#[component]
pub fn ProgressBar(progress: Signal<Option<ProgressView>>, running: Signal<bool>) -> impl IntoView {
    let text = move || match progress.get() {
        Some(p) => {
            let rate = p.throughput_bps as f64 / 1_000_000.0;
            let database = if p.database.is_empty() {
                String::new()
            } else {
                format!(" {}", p.database)
            };
            format!(
                "{}{database} · {} read · {} stored · {rate:.1} MB/s",
                p.stage,
                human_bytes(p.raw_bytes),
                human_bytes(p.stored_bytes)
            )
        }
        None if running.get() => "starting…".to_string(),
        None => "waiting for a free slot…".to_string(),
    };
    let stage = move || progress.get().map(|p| p.stage).unwrap_or_default();
    view! {
        <div class="progress" id="execution-progress" data-stage=stage>
            <div class="progress-track"><div class="progress-fill"></div></div>
            <span class="progress-text">{text}</span>
        </div>
    }
}
