//! The profile page's "Sessions" section.

use leptos::prelude::*;

#[component]
pub fn SessionsSection() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Sessions"</h2>
            <p class="muted">"Not built yet."</p>
        </section>
    }
}
