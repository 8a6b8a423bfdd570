//! The profile page's "Passkeys" section.

use leptos::prelude::*;

#[component]
pub fn PasskeysSection() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Passkeys"</h2>
            <p class="muted">"Not built yet."</p>
        </section>
    }
}
