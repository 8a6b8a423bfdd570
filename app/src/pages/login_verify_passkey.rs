//! "Use a passkey" on the second sign-in step.

use leptos::prelude::*;

#[component]
pub fn PasskeyStep() -> impl IntoView {
    view! { <p class="muted">"Passkeys: not built yet."</p> }
}
