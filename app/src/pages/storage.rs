//! The storage explorer: pick a destination, see the backups in it (read from their
//! manifests), and verify, restore, download or delete them.

use super::storage_row::{BackupActions, BackupRowView};
use crate::api::execution_types::human_bytes;
use crate::api::storage::{DeleteBackup, RestoreBackup, VerifyBackup, list_backups, storage_destinations};
use crate::api::storage_types::StorageListing;
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn StoragePage() -> impl IntoView {
    let destinations = Resource::new(|| (), |_| storage_destinations());
    view! {
        <Title text="Storage"/>
        <h1>"Storage"</h1>
        <p class="muted page-intro">
            "The backups in each destination, read from the manifest stored beside each one."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || destinations.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! {
                    <p class="muted empty-note">"No destinations yet. Add one on the Destinations page."</p>
                }.into_any(),
                Ok(rows) => view! {
                    <ul class="storage-destinations card" id="storage-destinations">
                        {rows.into_iter().map(|d| view! {
                            <li>
                                <a href=format!("/storage/{}", d.id)>{d.name.clone()}</a>
                                " "
                                <span class="muted">{d.adapter_id.clone()}</span>
                                " "
                                <span class=format!("badge health health-{}", d.health)>{d.health.to_uppercase()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn StorageDestinationPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let actions = BackupActions {
        verify: ServerAction::<VerifyBackup>::new(),
        restore: ServerAction::<RestoreBackup>::new(),
        delete: ServerAction::<DeleteBackup>::new(),
    };
    let listing = Resource::new(
        move || (id.get(), actions.delete.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => list_backups(id).await,
                None => Err(crate::api::error::ApiError::NotFound(
                    "No such destination.".into(),
                )),
            }
        },
    );
    // A queued restore or verify opens its live execution page.
    let navigate = use_navigate();
    Effect::new(move |_| {
        let queued = actions
            .verify
            .value()
            .get()
            .and_then(|r| r.ok())
            .or_else(|| actions.restore.value().get().and_then(|r| r.ok()));
        if let Some(execution) = queued {
            navigate(&format!("/executions/{execution}"), Default::default());
        }
    });
    view! {
        <Title text="Backups"/>
        <p><a href="/storage">"← All destinations"</a></p>
        <ErrorNote message=action_error(actions.verify)/>
        <ErrorNote message=action_error(actions.restore)/>
        <ErrorNote message=action_error(actions.delete)/>
        {move || actions.delete.value().get().and_then(|r| r.ok()).map(|said| view! {
            <p class="form-ok" role="status">{said}</p>
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || listing.get().map(|r| match r {
                Ok(l) => view! { <Listing listing=l actions/> }.into_any(),
                Err(e) => view! {
                    <h1>"Backups"</h1>
                    <p class="form-error" role="alert">{e.to_string()}</p>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Listing(listing: StorageListing, actions: BackupActions) -> impl IntoView {
    let listing = StoredValue::new(listing);
    let l = listing.get_value();
    let total: u64 = l.backups.iter().map(|b| b.stored_bytes).sum();
    let summary = format!(
        "{} backup{}, {} stored{}",
        l.backups.len(),
        if l.backups.len() == 1 { "" } else { "s" },
        human_bytes(total),
        if l.total_manifests > l.backups.len() + l.unreadable.len() {
            format!(" (the newest shown; {} in all)", l.total_manifests)
        } else {
            String::new()
        }
    );
    view! {
        <h1>{format!("Backups in {}", l.destination)}</h1>
        <p class="muted"><code>{l.location.clone()}</code>" · "{summary}</p>
        {(l.other_files > 0).then(|| view! {
            <p class="muted">{format!(
                "{} other files have no manifest beside them; they are not Bulwark backups and are left alone.",
                l.other_files
            )}</p>
        })}
        {(!l.unreadable.is_empty()).then(|| view! {
            <div class="warning" role="alert">
                <p><strong>"Some manifests cannot be read:"</strong></p>
                <ul>
                    {l.unreadable.iter().map(|(key, why)| view! {
                        <li><code>{key.clone()}</code>": "{why.clone()}</li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        {if l.backups.is_empty() {
            view! { <p class="muted empty-note">"No backups in this destination yet."</p> }.into_any()
        } else {
            view! {
                <table class="table backups" data-testid="backups">
                    <thead>
                        <tr>
                            <th>"Created (UTC)"</th>
                            <th>"Job"</th>
                            <th>"Databases and object"</th>
                            <th>"Size"</th>
                            <th>"Encryption"</th>
                            <th>"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {l.backups.iter().cloned().map(|b| view! {
                            <BackupRowView backup=b listing actions/>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
