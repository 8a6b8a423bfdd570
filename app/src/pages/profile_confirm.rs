//! The profile page's "Confirm it's you" section: adding or removing a passkey or the
//! authenticator app needs a sign-in or a confirmation within the last five minutes.

use crate::api::profile::{ConfirmIdentity, IdentityCheck, my_identity_check};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn ConfirmIdentitySection() -> impl IntoView {
    let confirm = ServerAction::<ConfirmIdentity>::new();
    let check = Resource::new(move || confirm.version().get(), |_| my_identity_check());
    view! {
        <section class="card confirm-identity" id="confirm-identity">
            <h2>"Confirm it's you"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || check.get().map(|r| match r {
                    Ok(c) if c.confirmed_for_seconds > 0 => view! {
                        <p class="form-ok" id="identity-confirmed" role="status">{format!(
                            "Confirmed: until {} you can add or remove passkeys and the authenticator app.",
                            c.confirmed_until
                        )}</p>
                    }.into_any(),
                    Ok(c) => view! { <ConfirmForm check=c confirm/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ConfirmForm(check: IdentityCheck, confirm: ServerAction<ConfirmIdentity>) -> impl IntoView {
    let intro = view! {
        <p class="muted" id="identity-unconfirmed">
            "Adding or removing a passkey or the authenticator app needs a sign-in or a confirmation within the last 5 minutes."
        </p>
    };
    if !check.password && !check.totp {
        return view! {
            {intro}
            <p class="muted">"Sign out and sign in again to confirm."</p>
        }
        .into_any();
    }
    view! {
        {intro}
        <ActionForm action=confirm attr:id="confirm-identity-form" attr:class="form-card">
            {check.password.then(|| view! {
                <label for="confirm-password">"Password"</label>
                <input id="confirm-password" type="password" name="password" autocomplete="current-password"/>
            })}
            {check.totp.then(|| view! {
                <label for="confirm-code">{if check.password { "or a code from your authenticator app" } else { "Code from your authenticator app" }}</label>
                <input id="confirm-code" type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="10"/>
            })}
            <ErrorNote message=action_error(confirm)/>
            <button type="submit" class="button primary" disabled=move || confirm.pending().get()>"Confirm"</button>
        </ActionForm>
    }
    .into_any()
}
