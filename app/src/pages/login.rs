use crate::api::auth::Login;
use crate::components::error_note::{ErrorNote, action_error};
use crate::pages::login_sso::{PasswordLogin, SsoButtons};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    view! {
        <Title text="Sign in"/>
        <div class="auth-page">
            <div class="card auth-card">
                <div class="auth-brand"><span class="brand-mark">"◆"</span>"Bulwark"</div>
                <h1>"Sign in"</h1>
                <PasswordLogin>
                    <ActionForm action=login attr:id="login-form">
                        <label for="login-email">"Email"</label>
                        <input id="login-email" type="email" name="email" required autocomplete="username" autofocus/>
                        <label for="login-password">"Password"</label>
                        <input id="login-password" type="password" name="password" required autocomplete="current-password"/>
                        <ErrorNote message=action_error(login)/>
                        <button type="submit" class="button primary" disabled=move || login.pending().get()>
                            {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </ActionForm>
                </PasswordLogin>
                <SsoButtons/>
                <super::login_passkey::PasskeySignIn/>
            </div>
        </div>
    }
}
