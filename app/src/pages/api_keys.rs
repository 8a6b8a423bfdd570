//! API keys: the list, "New API key" (the key is shown once), and revoke with an
//! inline confirmation.

use crate::api::api_keys::{ApiKeyRow, CreateApiKey, KeyState, RevokeApiKey, list_api_keys};
use crate::api::auth::{Me, whoami};
use crate::components::error_note::{ErrorNote, action_error};
use crate::permissions::{self, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let me = Resource::new(|| (), |_| whoami());
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let can_write = move || {
        me.get()
            .and_then(|r| r.ok())
            .is_some_and(|m| m.can(Permission::ApiKeysWrite))
    };
    view! {
        <Title text="API keys"/>
        <h1>"API keys"</h1>
        <p class="muted page-intro">
            "Keys for the REST API under " <code>"/api/v1"</code> ", sent as "
            <code>"Authorization: Bearer bwk_…"</code>
            ". A key holds only the permissions chosen for it, and only permissions you hold yourself can be chosen."
        </p>
        <NewKeyPanel create/>
        <ErrorNote message=action_error(revoke)/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || keys.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="muted empty-note">"No API keys yet."</p> }.into_any(),
                Ok(rows) => view! { <KeysTable rows revoke can_write=can_write()/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || me.get().and_then(|r| r.ok()).filter(|m| m.can(Permission::ApiKeysWrite)).map(|me| view! {
                <NewKeyForm create me/>
            })}
        </Transition>
    }
}

/// The plain key of the key just created, until dismissed. It is never shown again.
#[component]
fn NewKeyPanel(create: ServerAction<CreateApiKey>) -> impl IntoView {
    // The action version at the last dismissal: the panel shows a newer answer only.
    let dismissed = RwSignal::new(0usize);
    move || {
        (create.version().get() > dismissed.get())
            .then(|| create.value().get().and_then(|r| r.ok()))
            .flatten()
            .map(|created| {
                view! {
                    <div class="card warning api-key-panel" id="new-api-key-panel" role="alert">
                        <h2>{format!("New API key: {}", created.name)}</h2>
                        <p>
                            <strong>"Copy it now; it is stored hashed and cannot be shown again."</strong>
                            " Send it as " <code>"Authorization: Bearer …"</code> "."
                        </p>
                        <code class="api-key-secret" data-testid="new-api-key">{created.key}</code>
                        <div>
                            <button
                                type="button"
                                class="button small dismiss-api-key"
                                on:click=move |_| dismissed.set(create.version().get_untracked())
                            >
                                "I have copied it"
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            })
    }
}

#[component]
fn KeysTable(rows: Vec<ApiKeyRow>, revoke: ServerAction<RevokeApiKey>, can_write: bool) -> impl IntoView {
    view! {
        <table class="table api-keys-table" id="api-keys-table">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"Key"</th>
                    <th>"Permissions"</th>
                    <th>"Created"</th>
                    <th>"Expires"</th>
                    <th>"Last used"</th>
                    <th>"State"</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <KeyRow row revoke can_write/> }).collect_view()}
            </tbody>
        </table>
    }
}

/// "All permissions" for the wildcard, else the list (shortened past three).
fn permissions_summary(perms: &[String]) -> String {
    if perms.iter().any(|p| p == permissions::ALL) {
        return "All permissions".to_string();
    }
    match perms.len() {
        0 => "none".to_string(),
        1..=3 => perms.join(", "),
        n => format!("{} and {} more", perms[..2].join(", "), n - 2),
    }
}

#[component]
fn KeyRow(row: ApiKeyRow, revoke: ServerAction<RevokeApiKey>, can_write: bool) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = row.id;
    let name = row.name.clone();
    let created = match &row.created_by {
        Some(by) => format!("{} by {by}", row.created_at),
        None => row.created_at.clone(),
    };
    let state = row.state;
    let revocable = can_write && state != KeyState::Revoked;
    let actions = move || {
        let name = name.clone();
        revocable.then(|| {
            view! {
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button small danger revoke-api-key" on:click=move |_| confirming.set(true)>
                            "Revoke…"
                        </button>
                    }
                >
                    <div class="revoke-confirm" role="alert">
                        <span>{format!("Revoke {}? Clients using it are refused at once.", name)}</span>
                        <button type="button" class="button small danger confirm-revoke" on:click=move |_| {
                            confirming.set(false);
                            revoke.dispatch(RevokeApiKey { id });
                        }>"Revoke"</button>
                        <button type="button" class="button small cancel-revoke" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </Show>
            }
            .into_any()
        })
    };
    view! {
        <tr data-key-name=row.name.clone() data-state=state.label()>
            <td>{row.name.clone()}</td>
            <td><code>{format!("{}…", row.prefix)}</code></td>
            <td class="key-permissions" title=row.permissions.join(", ")>{permissions_summary(&row.permissions)}</td>
            <td>{created}</td>
            <td>{row.expires_at.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{row.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
            <td><span class=format!("badge key-state key-{}", state.label())>{state.label()}</span></td>
            <td>{actions()}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn NewKeyForm(create: ServerAction<CreateApiKey>, me: Me) -> impl IntoView {
    let wildcard = me.superadmin || me.permissions.iter().any(|p| p == permissions::ALL);
    // The permissions this user holds, grouped by area in display order.
    let mut areas: Vec<(&'static str, Vec<Permission>)> = Vec::new();
    for p in Permission::EVERY.iter().copied().filter(|p| me.can(*p)) {
        match areas.last_mut() {
            Some((area, list)) if *area == p.area() => list.push(p),
            _ => areas.push((p.area(), vec![p])),
        }
    }
    let all_checked = RwSignal::new(false);
    view! {
        <div class="card form-card api-key-form-card">
            <h2>"New API key"</h2>
            <ActionForm action=create attr:id="create-api-key-form">
                <label for="api-key-name">"Name"</label>
                <input id="api-key-name" type="text" name="name" required maxlength="100" placeholder="ci-pipeline"/>
                <fieldset class="permission-choices">
                    <legend>"Permissions"</legend>
                    {wildcard.then(|| view! {
                        <label class="check all-permissions">
                            <input
                                type="checkbox"
                                name="permissions[]"
                                value=permissions::ALL
                                id="api-key-all-permissions"
                                on:change=move |ev| all_checked.set(event_target_checked(&ev))
                            />
                            <strong>"All permissions"</strong>
                            <span class="muted">" (including any added later)"</span>
                        </label>
                    }.into_any())}
                    {areas.into_iter().map(|(area, list)| view! {
                        <PermissionArea area list all_checked/>
                    }).collect_view()}
                </fieldset>
                <label for="api-key-expires">"Expires in days " <span class="muted">"(optional, 1–3650; empty: never)"</span></label>
                <input id="api-key-expires" type="number" name="expires_in_days" min="1" max="3650" step="1"/>
                <ErrorNote message=action_error(create)/>
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create key"</button>
            </ActionForm>
        </div>
    }
    .into_any()
}

#[component]
fn PermissionArea(area: &'static str, list: Vec<Permission>, all_checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="permission-area">
            <p class="field-label">{area}</p>
            {list.into_iter().map(|p| view! {
                <label class="check" title=p.as_str()>
                    <input
                        type="checkbox"
                        name="permissions[]"
                        value=p.as_str()
                        data-permission=p.as_str()
                        disabled=move || all_checked.get()
                    />
                    {p.label()}
                    <span class="muted">{format!(" ({})", p.as_str())}</span>
                </label>
            }).collect_view()}
        </div>
    }
    .into_any()
}
