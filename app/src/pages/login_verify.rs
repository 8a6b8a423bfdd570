//! `/login/verify`: the second step of signing in, after the password.

use super::login_verify_passkey::PasskeyStep;
use super::login_verify_totp::TotpStep;
use crate::api::error::ApiError;
use crate::api::login_verify::{CancelPendingLogin, pending_login};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginVerifyPage() -> impl IntoView {
    let pending = Resource::new(|| (), |_| pending_login());
    let cancel = ServerAction::<CancelPendingLogin>::new();
    // No pending sign-in (never started, expired or already finished): start again.
    Effect::new(move |_| {
        if let Some(Err(ApiError::Unauthenticated)) = pending.get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <Title text="Verify sign-in"/>
        <div class="auth-page">
            <div class="card auth-card">
                <div class="auth-brand"><span class="brand-mark">"◆"</span>"Bulwark"</div>
                <h1>"Second step"</h1>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || pending.get().map(|r| match r {
                        Ok(p) => view! {
                            <p class="muted" id="verify-email">{format!("Signing in as {}", p.email)}</p>
                            <Show when=move || p.totp><TotpStep/></Show>
                            <Show when=move || p.passkeys><PasskeyStep/></Show>
                        }.into_any(),
                        Err(ApiError::Unauthenticated) => view! {
                            <p>"This sign-in has expired. "<a href="/login">"Sign in again"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="error-note" role="alert">{e.to_string()}</p> }.into_any(),
                    })}
                </Suspense>
                <ActionForm action=cancel>
                    <button type="submit" class="button link" id="verify-cancel">"Cancel and start again"</button>
                </ActionForm>
            </div>
        </div>
    }
}
