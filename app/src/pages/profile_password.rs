//! The profile page's "Change password" section. Signing in through single sign-on
//! alone means there is no password: a note says so instead.

use crate::api::profile::{ChangeMyPassword, my_password_state};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn PasswordSection() -> impl IntoView {
    let change = ServerAction::<ChangeMyPassword>::new();
    let has_password = Resource::new(|| (), |_| my_password_state());
    let done = move || change.value().get().and_then(|r| r.ok());
    view! {
        <section class="card profile-password" id="profile-password">
            <h2>"Change password"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || has_password.get().map(|r| match r {
                    Ok(false) => view! {
                        <p class="muted" id="no-password-note">
                            "You sign in through single sign-on, so your account has no password here."
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(true) => view! {
                        <ActionForm action=change attr:id="change-password-form" attr:class="form-card">
                            <label for="current-password">"Current password"</label>
                            <input id="current-password" type="password" name="current_password" required autocomplete="current-password"/>
                            <label for="new-password">"New password " <span class="muted">"(at least 12 characters)"</span></label>
                            <input id="new-password" type="password" name="password" required autocomplete="new-password"/>
                            <label for="new-password-confirm">"Repeat the new password"</label>
                            <input id="new-password-confirm" type="password" name="password_confirm" required autocomplete="new-password"/>
                            <ErrorNote message=action_error(change)/>
                            {move || done().map(|n| view! {
                                <p class="form-ok" role="status">{format!(
                                    "Password changed. {n} other session(s) ended; this one stays signed in."
                                )}</p>
                            })}
                            <button type="submit" class="button primary" disabled=move || change.pending().get()>"Change password"</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
