//! "Sign in with a passkey" on the sign-in page (passwordless; the passkey names its
//! user). `public/passkeys.js` runs the ceremony when the button is clicked.

use leptos::prelude::*;

#[component]
pub fn PasskeySignIn() -> impl IntoView {
    view! {
        <div class="passkey-sign-in">
            <button
                type="button"
                class="button passkey-button"
                id="passkey-sign-in"
                data-passkey-action="sign-in"
                data-passkey-error="#passkey-sign-in-error"
            >
                "Sign in with a passkey"
            </button>
            <p class="form-error passkey-error" id="passkey-sign-in-error" role="alert" hidden=true></p>
        </div>
    }
}
