use crate::api::auth::SetupAdmin;
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

/// First run: create the first administrator (in the protected SuperAdmin group).
#[component]
pub fn SetupPage() -> impl IntoView {
    let setup = ServerAction::<SetupAdmin>::new();
    let show_password = RwSignal::new(false);
    let input_type = move || if show_password.get() { "text" } else { "password" };
    view! {
        <Title text="Set up"/>
        <div class="auth-page">
            <div class="card auth-card">
                <div class="auth-brand"><span class="brand-mark">"◆"</span>"Bulwark"</div>
                <h1>"Welcome"</h1>
                <p class="muted">
                    "Create the first administrator. This account holds every permission; you can add other users and groups afterwards."
                </p>
                <ActionForm action=setup attr:id="setup-form">
                    <label for="setup-email">"Email"</label>
                    <input id="setup-email" type="email" name="email" required autocomplete="username"/>
                    <label for="setup-name">"Name"</label>
                    <input id="setup-name" type="text" name="name" required autocomplete="name"/>
                    <label for="setup-password">"Password " <span class="muted">"(at least 12 characters)"</span></label>
                    <input id="setup-password" type=input_type name="password" required minlength="12" autocomplete="new-password"/>
                    <label for="setup-password-confirm">"Repeat the password"</label>
                    <input id="setup-password-confirm" type=input_type name="password_confirm" required minlength="12" autocomplete="new-password"/>
                    <label class="checkbox">
                        <input id="setup-show-password" type="checkbox" on:change=move |ev| show_password.set(event_target_checked(&ev))/>
                        "Show passwords"
                    </label>
                    <ErrorNote message=action_error(setup)/>
                    <button type="submit" class="button primary" disabled=move || setup.pending().get()>
                        {move || if setup.pending().get() { "Creating…" } else { "Create administrator" }}
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}
