//! The authenticator-app code (or a backup code) on the second sign-in step.

use leptos::prelude::*;

#[component]
pub fn TotpStep() -> impl IntoView {
    view! { <p class="muted">"Authenticator codes: not built yet."</p> }
}
