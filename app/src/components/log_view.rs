//! An execution's log, in order: time, level, stage and message per line.

use crate::api::execution_types::LogLine;
use leptos::prelude::*;

#[component]
pub fn LogView(lines: Signal<Vec<LogLine>>) -> impl IntoView {
    view! {
        <div class="log-view" id="execution-log">
            {move || {
                let lines = lines.get();
                if lines.is_empty() {
                    return view! { <p class="muted">"No log lines yet."</p> }.into_any();
                }
                lines
                    .into_iter()
                    .map(|l| {
                        let class = format!("log-line log-{}", l.level);
                        let time = l.at.get(11..19).unwrap_or_default().to_string();
                        view! {
                            <div class=class data-seq=l.seq.to_string()>
                                <span class="log-time">{time}</span>
                                <span class="log-level">{l.level}</span>
                                <span class="log-stage">{l.stage}</span>
                                <span class="log-message">{l.message}</span>
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </div>
    }
}
