//! Encryption: age profiles, their extra recipients, and the one-time identity download.

use super::identity_download::IdentityDownload;
use crate::api::encryption::{
    AddExtraRecipient, CreateEncryptionProfile, DeleteEncryptionProfile, DownloadIdentity, ProfileRow,
    RemoveExtraRecipient, list_encryption_profiles,
};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddExtraRecipient>,
    remove: ServerAction<RemoveExtraRecipient>,
    delete: ServerAction<DeleteEncryptionProfile>,
    download: ServerAction<DownloadIdentity>,
}

#[component]
pub fn EncryptionPage() -> impl IntoView {
    let create = ServerAction::<CreateEncryptionProfile>::new();
    let actions = Actions {
        add: ServerAction::new(),
        remove: ServerAction::new(),
        delete: ServerAction::new(),
        download: ServerAction::new(),
    };
    let profiles = Resource::new(
        move || {
            (
                create.version().get(),
                actions.add.version().get(),
                actions.remove.version().get(),
                actions.delete.version().get(),
                actions.download.version().get(),
            )
        },
        |_| list_encryption_profiles(),
    );
    view! {
        <Title text="Encryption"/>
        <h1>"Encryption"</h1>
        <p class="muted page-intro">
            "Backups are encrypted with age to a profile's recipient and to its extra recipients; any one of their identities decrypts them."
        </p>
        <ErrorNote message=action_error(actions.add)/>
        <ErrorNote message=action_error(actions.remove)/>
        <ErrorNote message=action_error(actions.delete)/>
        <ErrorNote message=action_error(actions.download)/>
        <IdentityDownload download=actions.download/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || profiles.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="muted empty-note">"No encryption profiles yet."</p> }.into_any(),
                Ok(rows) => view! {
                    <div class="profiles" id="profiles">
                        {rows.into_iter().map(|p| view! { <ProfileCard profile=p actions/> }).collect_view()}
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <div class="card form-card">
            <h2>"New profile"</h2>
            <ActionForm action=create attr:id="create-profile-form">
                <label for="profile-name">"Name"</label>
                <input id="profile-name" type="text" name="name" required/>
                <label for="profile-description">"Description " <span class="muted">"(optional)"</span></label>
                <input id="profile-description" type="text" name="description"/>
                <ErrorNote message=action_error(create)/>
                {move || create.value().get().and_then(|r| r.ok()).map(|p| view! {
                    <p class="form-ok" role="status">
                        {format!("Created {}. Backups will be encrypted to ", p.name)}
                        <code class="recipient" id="created-recipient">{p.recipient}</code>
                    </p>
                })}
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Generate a new identity"</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn ProfileCard(profile: ProfileRow, actions: Actions) -> impl IntoView {
    let id = profile.id;
    let name = profile.name.clone();
    let warned = RwSignal::new(false);
    view! {
        <div class="card profile-card" data-id=id.to_string() data-name=profile.name.clone()>
            <div class="profile-head">
                <h2>{profile.name.clone()}</h2>
                <button
                    type="button"
                    class="button small danger"
                    on:click=move |_| {
                        if window().confirm_with_message(&format!("Delete the encryption profile {name}?")).unwrap_or(false) {
                            actions.delete.dispatch(DeleteEncryptionProfile { id });
                        }
                    }
                >
                    "Delete"
                </button>
            </div>
            {(!profile.description.is_empty()).then(|| view! { <p class="muted">{profile.description.clone()}</p> })}
            <p class="field-label">"Recipient"</p>
            <code class="recipient">{profile.recipient.clone()}</code>
            <p class="field-label">"Extra recipients"</p>
            <ul class="recipients">
                {profile.extra_recipients.iter().map(|r| {
                    let r = r.clone();
                    let remove = r.clone();
                    view! {
                        <li>
                            <code class="recipient">{r}</code>
                            <button type="button" class="button small" on:click=move |_| {
                                actions.remove.dispatch(RemoveExtraRecipient { id, recipient: remove.clone() });
                            }>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
                {profile.extra_recipients.is_empty().then(|| view! { <li class="muted">"None"</li> })}
            </ul>
            <ActionForm action=actions.add attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="text" name="recipient" placeholder="age1… (an offline recovery key, say)" required aria-label="Extra recipient"/>
                <button type="submit" class="button small">"Add recipient"</button>
            </ActionForm>
            <p class="field-label">"Identity (secret key)"</p>
            {match profile.identity_downloaded_at.clone() {
                Some(at) => view! {
                    <p class="identity-state downloaded">{format!("Downloaded {at}; it cannot be downloaded again.")}</p>
                }.into_any(),
                None => view! {
                    <p class="identity-state">"Not downloaded yet."</p>
                    <Show
                        when=move || warned.get()
                        fallback=move || view! {
                            <button type="button" class="button small download-identity" on:click=move |_| warned.set(true)>"Download identity…"</button>
                        }
                    >
                        <div class="warning" role="alert">
                            <p>
                                <strong>"Whoever holds this file can read every backup encrypted to this profile."</strong>
                                " Store it offline. It is shown once: after this download it cannot be downloaded again."
                            </p>
                            <button type="button" class="button small danger confirm-download" on:click=move |_| {
                                actions.download.dispatch(DownloadIdentity { id });
                            }>"I understand, download it"</button>
                            <button type="button" class="button small" on:click=move |_| warned.set(false)>"Cancel"</button>
                        </div>
                    </Show>
                }.into_any(),
            }}
        </div>
    }
}
