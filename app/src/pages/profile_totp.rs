//! The profile page's "Authenticator app (TOTP)" section: status, set up (QR code,
//! secret, first code, then the backup codes once) and turn off with a current code.

use crate::api::totp::{TotpBegin, TotpConfirm, TotpDisable, TotpEnrolment, TotpSummary, totp_status};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn TotpSection() -> impl IntoView {
    let begin = ServerAction::<TotpBegin>::new();
    let confirm = ServerAction::<TotpConfirm>::new();
    let disable = ServerAction::<TotpDisable>::new();
    // Bumped by each successful confirm or turn-off: a refused code must not reload the
    // status, which would close the form that shows the error.
    let changes = RwSignal::new(0usize);
    let status = Resource::new(move || changes.get(), |_| totp_status());
    // One effect per action, so that one's old success is not counted again when the
    // other answers.
    let on_success = move |succeeded: bool| {
        if succeeded {
            // A finished or abandoned setup must not show its secret again.
            begin.clear();
            changes.update(|n| *n += 1);
        }
    };
    Effect::new(move |_| on_success(confirm.value().get().is_some_and(|r| r.is_ok())));
    Effect::new(move |_| on_success(disable.value().get().is_some_and(|r| r.is_ok())));
    view! {
        <section class="card totp-section" id="totp-section">
            <h2>"Authenticator app (TOTP)"</h2>
            <BackupCodesPanel confirm/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || status.get().map(|r| match r {
                    Ok(s) if s.enabled => view! { <Enabled status=s disable/> }.into_any(),
                    Ok(_) => view! { <NotEnabled begin confirm/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Enabled(status: TotpSummary, disable: ServerAction<TotpDisable>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let left = status.backup_codes_left;
    view! {
        <p id="totp-status" data-enabled="true">
            <span class="badge">"On"</span>
            " Sign-in asks for a code from your authenticator app. "
            <span id="totp-backup-left">
                {match left {
                    1 => "1 backup code left.".to_string(),
                    n => format!("{n} backup codes left."),
                }}
            </span>
        </p>
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="button danger" id="totp-turn-off" on:click=move |_| asking.set(true)>
                    "Turn off…"
                </button>
            }
        >
            <ActionForm action=disable attr:id="totp-disable-form">
                <label for="totp-disable-code">"Enter a current code from your authenticator app to turn it off"</label>
                <input
                    id="totp-disable-code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}"
                    maxlength="7"
                    required
                />
                <ErrorNote message=action_error(disable)/>
                <div class="form-actions">
                    <button type="submit" class="button danger" id="totp-disable-submit">"Turn off"</button>
                    <button type="button" class="button" id="totp-disable-cancel" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </div>
            </ActionForm>
        </Show>
    }
}

#[component]
fn NotEnabled(begin: ServerAction<TotpBegin>, confirm: ServerAction<TotpConfirm>) -> impl IntoView {
    let enrolment = move || begin.value().get().and_then(|r| r.ok());
    view! {
        <p id="totp-status" data-enabled="false">
            "Off. Add a code from an authenticator app (such as Aegis, 1Password or Google Authenticator) to every sign-in."
        </p>
        <ErrorNote message=action_error(begin)/>
        {move || match enrolment() {
            Some(e) => view! { <EnrolmentPanel enrolment=e confirm/> }.into_any(),
            None => view! {
                <button
                    type="button"
                    class="button primary"
                    id="totp-setup"
                    disabled=move || begin.pending().get()
                    on:click=move |_| { begin.dispatch(TotpBegin {}); }
                >
                    "Set up authenticator app"
                </button>
            }.into_any(),
        }}
    }
}

#[component]
fn EnrolmentPanel(enrolment: TotpEnrolment, confirm: ServerAction<TotpConfirm>) -> impl IntoView {
    view! {
        <div class="totp-enrolment" id="totp-enrolment">
            <p>"Scan this QR code with your authenticator app:"</p>
            // Our own SVG, rendered by the server from the otpauth:// URL.
            <div class="totp-qr" id="totp-qr" inner_html=enrolment.qr_svg></div>
            <p class="muted">"Or enter this key by hand:"</p>
            <code class="totp-secret" id="totp-secret">{enrolment.secret}</code>
            <ActionForm action=confirm attr:id="totp-confirm-form">
                <label for="totp-confirm-code">"Then enter the 6-digit code the app shows"</label>
                <input
                    id="totp-confirm-code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}"
                    maxlength="7"
                    required
                />
                <ErrorNote message=action_error(confirm)/>
                <button type="submit" class="button primary" id="totp-confirm-submit" disabled=move || confirm.pending().get()>
                    "Turn on"
                </button>
            </ActionForm>
        </div>
    }
}

/// The backup codes of the setup just confirmed, until dismissed; never shown again.
#[component]
fn BackupCodesPanel(confirm: ServerAction<TotpConfirm>) -> impl IntoView {
    let dismissed = RwSignal::new(0usize);
    move || {
        (confirm.version().get() > dismissed.get())
            .then(|| confirm.value().get().and_then(|r| r.ok()))
            .flatten()
            .map(|codes| {
                view! {
                    <div class="card warning totp-backup-panel" id="totp-backup-panel" role="alert">
                        <h3>"Backup codes"</h3>
                        <p>
                            <strong>"Store these codes somewhere safe now; they are not shown again."</strong>
                            " Each one signs you in once if you lose your authenticator app."
                        </p>
                        <ol class="totp-backup-codes" id="totp-backup-codes">
                            {codes.into_iter().map(|c| view! { <li><code class="backup-code">{c}</code></li> }).collect_view()}
                        </ol>
                        <button
                            type="button"
                            class="button small"
                            id="totp-backup-dismiss"
                            on:click=move |_| dismissed.set(confirm.version().get_untracked())
                        >
                            "I have stored them"
                        </button>
                    </div>
                }
                .into_any()
            })
    }
}
