//! "Use a passkey" on the second sign-in step. `public/passkeys.js` runs the ceremony
//! when the button is clicked.

use leptos::prelude::*;

#[component]
pub fn PasskeyStep() -> impl IntoView {
    view! {
        <div class="passkey-step">
            <button
                type="button"
                class="button primary passkey-button"
                id="verify-passkey"
                data-passkey-action="second-factor"
                data-passkey-error="#verify-passkey-error"
            >
                "Use a passkey"
            </button>
            <p class="form-error passkey-error" id="verify-passkey-error" role="alert" hidden=true></p>
        </div>
    }
}
