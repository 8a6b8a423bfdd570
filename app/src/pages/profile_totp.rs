//! The profile page's "Authenticator app (TOTP)" section.

use leptos::prelude::*;

#[component]
pub fn TotpSection() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Authenticator app (TOTP)"</h2>
            <p class="muted">"Not built yet."</p>
        </section>
    }
}
