use crate::api::adapter_types::Health;
use leptos::prelude::*;

/// ONLINE / DEGRADED / OFFLINE / UNKNOWN, coloured.
#[component]
pub fn HealthBadge(health: Health) -> impl IntoView {
    let class = format!("badge health health-{}", health.label().to_lowercase());
    view! { <span class=class>{health.label()}</span> }
}
