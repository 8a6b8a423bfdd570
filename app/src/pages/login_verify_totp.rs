//! The authenticator-app code (or a backup code) on the second sign-in step.

use crate::api::totp_login::VerifyTotpLogin;
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn TotpStep() -> impl IntoView {
    let verify = ServerAction::<VerifyTotpLogin>::new();
    let use_backup = RwSignal::new(false);
    let app_code = || {
        view! {
            <label for="totp-code">"Code from your authenticator app"</label>
            <input
                id="totp-code"
                name="code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                maxlength="7"
                placeholder="123456"
                required
                autofocus
            />
        }
    };
    view! {
        <div class="totp-step" id="totp-step">
            <ActionForm action=verify attr:id="totp-login-form">
                <Show when=move || use_backup.get() fallback=app_code>
                    <label for="totp-backup-code">"Backup code"</label>
                    <input
                        id="totp-backup-code"
                        name="code"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        placeholder="abcde-fghij"
                        required
                        autofocus
                    />
                    <p class="muted">"Each backup code works once."</p>
                </Show>
                <ErrorNote message=action_error(verify)/>
                <button type="submit" class="button primary" id="totp-verify" disabled=move || verify.pending().get()>
                    {move || if verify.pending().get() { "Verifying…" } else { "Verify" }}
                </button>
            </ActionForm>
            <button
                type="button"
                class="button link"
                id="totp-toggle-backup"
                on:click=move |_| {
                    verify.clear();
                    use_backup.update(|b| *b = !*b);
                }
            >
                {move || if use_backup.get() { "Use the authenticator app instead" } else { "Use a backup code instead" }}
            </button>
        </div>
    }
}
