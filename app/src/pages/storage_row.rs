//! One backup in the storage explorer, with its restore form and delete confirmation.

use crate::api::execution_types::{human_bytes, short_time};
use crate::api::storage::{DeleteBackup, RestoreBackup, VerifyBackup};
use crate::api::storage_types::{BackupRow, StorageListing, download_href};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct BackupActions {
    pub verify: ServerAction<VerifyBackup>,
    pub restore: ServerAction<RestoreBackup>,
    pub delete: ServerAction<DeleteBackup>,
}

/// Which panel under the row is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Restore,
    Delete,
}

#[component]
pub fn BackupRowView(
    backup: BackupRow,
    listing: StoredValue<StorageListing>,
    actions: BackupActions,
) -> impl IntoView {
    let l = listing.get_value();
    let destination_id = l.destination_id;
    let open = RwSignal::new(Open::Nothing);
    let object = backup.object.clone();
    let encryption = match (&backup.encryption[..], &backup.key_profile) {
        ("none", _) => "none".to_string(),
        (_, Some(profile)) => format!("age ({profile})"),
        (kind, None) => kind.to_string(),
    };
    let verify_object = object.clone();
    let restorable = backup.problem.is_none();
    let trusted = backup.untrusted.is_none();
    view! {
        <tr data-object=object.clone()>
            <td>{short_time(&backup.created_at)}</td>
            <td>{backup.job.clone().unwrap_or_else(|| "—".into())}</td>
            <td>
                {format!("{} ({})", backup.databases.join(", "), backup.source_kind)}
                <code class="object-key" title=format!("sha256 {}", backup.sha256)>{object.clone()}</code>
                {backup.problem.clone().map(|p| view! { <p class="form-error small">{p}</p> })}
                {backup.untrusted.clone().map(|why| view! {
                    <p class="form-error small untrusted">
                        {format!("This backup is {why}. It may have been planted or altered in the destination.")}
                    </p>
                })}
            </td>
            <td title=format!("{} bytes stored, {} bytes of dump", backup.stored_bytes, backup.raw_bytes)>
                {human_bytes(backup.stored_bytes)}
            </td>
            <td>{encryption}</td>
            <td class="row-actions">{view! {
                {l.can_download.then(|| view! {
                    <a class="button small" href=download_href(destination_id, &object) download="" rel="external">"Download"</a>
                })}
                {(l.can_restore && restorable).then(|| view! {
                    <button type="button" class="button small" disabled=move || actions.verify.pending().get()
                        on:click=move |_| {
                            actions.verify.dispatch(VerifyBackup {
                                destination_id,
                                object: verify_object.clone(),
                                trust_unsigned: Some(!trusted),
                            });
                        }>{if trusted { "Verify" } else { "Verify anyway" }}</button>
                    <button type="button" class="button small" on:click=move |_| open.set(Open::Restore)>"Restore…"</button>
                })}
                {l.can_delete.then(|| view! {
                    <button type="button" class="button small danger" on:click=move |_| open.set(Open::Delete)>"Delete…"</button>
                })}
            }.into_any()}</td>
        </tr>
        <Show when=move || open.get() == Open::Restore>
            <tr class="panel-row">
                <td colspan="6">
                    <RestoreForm backup=backup.clone() listing actions on_cancel=move || open.set(Open::Nothing)/>
                </td>
            </tr>
        </Show>
        <Show when=move || open.get() == Open::Delete>
            <tr class="panel-row">
                <td colspan="6">
                    <DeleteConfirm destination_id object=object.clone() actions on_cancel=move || open.set(Open::Nothing)/>
                </td>
            </tr>
        </Show>
    }
    .into_any()
}

#[component]
fn RestoreForm(
    backup: BackupRow,
    listing: StoredValue<StorageListing>,
    actions: BackupActions,
    on_cancel: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let l = listing.get_value();
    let choices: Vec<_> = l
        .sources
        .iter()
        .filter(|s| s.adapter_id == backup.source_kind)
        .cloned()
        .collect();
    if choices.is_empty() {
        return view! {
            <p class="form-error" role="alert">
                {format!("There is no {} source to restore into. Add one on the Sources page.", backup.source_kind)}
            </p>
        }
        .into_any();
    }
    let input_id = format!("restore-db-{}", backup.object);
    let replace_id = format!("restore-replace-{}", backup.object);
    view! {
        <ActionForm action=actions.restore attr:class="restore-form" attr:data-testid="restore-form">
            <input type="hidden" name="destination_id" value=l.destination_id.to_string()/>
            <input type="hidden" name="object" value=backup.object.clone()/>
            <label>
                "Restore into source "
                <select name="source_id">
                    {choices.into_iter().map(|s| {
                        let selected = Some(s.id) == backup.default_source_id;
                        view! { <option value=s.id.to_string() selected=selected>{s.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label for=input_id.clone()>"Database"</label>
            <input id=input_id type="text" name="database" value=backup.default_database.clone() required/>
            <p class="muted small">
                "A new name creates a new database. A database that already holds data is not touched unless you "
                "confirm below that it is to be replaced."
            </p>
            <label for=replace_id.clone()>"To replace what that database holds, type its name again"</label>
            <input id=replace_id type="text" name="replace_confirmation" autocomplete="off" value=""/>
            {backup.untrusted.clone().map(|why| view! {
                <label class="form-error">
                    <input type="checkbox" name="trust_unsigned" value="true" required/>
                    {format!(" This backup is {why}. I know where it came from: restore it anyway.")}
                </label>
            })}
            <button type="submit" class="button primary" disabled=move || actions.restore.pending().get()>"Start restore"</button>
            " "
            <button type="button" class="button" on:click=move |_| on_cancel()>"Cancel"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn DeleteConfirm(
    destination_id: i64,
    object: String,
    actions: BackupActions,
    on_cancel: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let target = object.clone();
    view! {
        <div class="warning delete-confirm" role="alert">
            <p>
                <strong>{format!("Delete {object} permanently?")}</strong>
                " The object and its manifest are removed from the destination. This cannot be undone."
            </p>
            <button type="button" class="button small danger confirm-delete" disabled=move || actions.delete.pending().get()
                on:click=move |_| {
                    actions.delete.dispatch(DeleteBackup { destination_id, object: target.clone() });
                }>"Yes, delete it"</button>
            " "
            <button type="button" class="button small" on:click=move |_| on_cancel()>"Cancel"</button>
        </div>
    }
}
