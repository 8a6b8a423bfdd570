//! The profile page's "Passkeys" section: the list, "Add a passkey" (the ceremony runs
//! in `public/passkeys.js`, which reloads the page when done) and delete with an inline
//! confirmation.

use crate::api::passkeys::{DeletePasskey, PasskeyRow, list_passkeys};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn PasskeysSection() -> impl IntoView {
    let delete = ServerAction::<DeletePasskey>::new();
    let keys = Resource::new(move || delete.version().get(), |_| list_passkeys());
    view! {
        <section class="card passkeys-section" id="passkeys">
            <h2>"Passkeys"</h2>
            <p class="muted">
                "Sign in without a password, or confirm a password sign-in. The passkey stays on your device or in your password manager; Bulwark keeps only its public key."
            </p>
            <ErrorNote message=action_error(delete)/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || keys.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="muted empty-note" id="no-passkeys">"No passkeys yet."</p>
                    }.into_any(),
                    Ok(rows) => view! { <PasskeyTable rows delete/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <div class="passkey-add">
                <label for="passkey-name">"Name of the new passkey"</label>
                <input id="passkey-name" type="text" maxlength="100" placeholder="Laptop" autocomplete="off"/>
                <button
                    type="button"
                    class="button primary passkey-button"
                    id="passkey-add"
                    data-passkey-action="register"
                    data-passkey-name="#passkey-name"
                    data-passkey-error="#passkey-add-error"
                >
                    "Add a passkey"
                </button>
                <p class="form-error passkey-error" id="passkey-add-error" role="alert" hidden=true></p>
            </div>
        </section>
    }
}

#[component]
fn PasskeyTable(rows: Vec<PasskeyRow>, delete: ServerAction<DeletePasskey>) -> impl IntoView {
    view! {
        <table class="table passkeys-table" id="passkeys-table">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"Added"</th>
                    <th>"Last used"</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <PasskeyRowView row delete/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PasskeyRowView(row: PasskeyRow, delete: ServerAction<DeletePasskey>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = row.id;
    let name = row.name.clone();
    view! {
        <tr data-passkey-name=row.name.clone()>
            <td class="passkey-name">{row.name.clone()}</td>
            <td>{row.created_at.clone()}</td>
            <td>{row.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
            <td>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button small danger delete-passkey" on:click=move |_| confirming.set(true)>
                            "Delete…"
                        </button>
                    }
                >
                    <div class="revoke-confirm" role="alert">
                        <span>{format!("Delete {name}? It can no longer sign you in.")}</span>
                        <button type="button" class="button small danger confirm-delete-passkey" on:click=move |_| {
                            confirming.set(false);
                            delete.dispatch(DeletePasskey { id });
                        }>"Delete"</button>
                        <button type="button" class="button small cancel-delete-passkey" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </Show>
            </td>
        </tr>
    }
    .into_any()
}
