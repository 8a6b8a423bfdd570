//! The profile page's "Change password" section.

use leptos::prelude::*;

#[component]
pub fn PasswordSection() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Change password"</h2>
            <p class="muted">"Not built yet."</p>
        </section>
    }
}
