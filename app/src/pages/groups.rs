//! Groups: the list with member counts, "new group", edit (name, description,
//! permissions by area) and delete (refused while the group has members).

use crate::api::auth::{Me, whoami};
use crate::api::groups::{CreateGroup, DeleteGroup, GroupRow, UpdateGroup, list_group_rows};
use crate::components::error_note::{ErrorNote, action_error};
use crate::permissions::{self, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Users | Groups" tabs at the top of both pages.
#[component]
pub fn UsersGroupsTabs(current: &'static str) -> impl IntoView {
    let class = move |tab: &str| if tab == current { "tab active" } else { "tab" };
    // Each tab shows only to those who may read what it lists (the server refuses anyway).
    let me = Resource::new(|| (), |_| whoami());
    let can = move |p: Permission| me.get().and_then(|r| r.ok()).is_some_and(|me: Me| me.can(p));
    view! {
        <nav class="tabs users-groups-tabs" aria-label="Users and groups">
            <Transition fallback=|| ()>
                <Show when=move || can(Permission::UsersRead)>
                    <a href="/users" class=class("users") aria-current=(current == "users").then_some("page")>"Users"</a>
                </Show>
                <Show when=move || can(Permission::GroupsRead)>
                    <a href="/groups" class=class("groups") aria-current=(current == "groups").then_some("page")>"Groups"</a>
                </Show>
            </Transition>
        </nav>
    }
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let create = ServerAction::<CreateGroup>::new();
    let update = ServerAction::<UpdateGroup>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    let me = Resource::new(|| (), |_| whoami());
    let groups = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |_| list_group_rows(),
    );
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    let new_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if created()
            && let Some(form) = new_form.get()
        {
            form.reset();
        }
    });
    view! {
        <Title text="Groups"/>
        <h1>"Users & Groups"</h1>
        <UsersGroupsTabs current="groups"/>
        <p class="muted page-intro">
            "Every user belongs to one group; the group's permissions are what its members may do. "
            "You can only grant permissions you hold yourself."
        </p>
        <ErrorNote message=action_error(update)/>
        <ErrorNote message=action_error(delete)/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let me = me.get().and_then(|r| r.ok());
                groups.get().map(|r| match r {
                    Ok(rows) => view! { <GroupsTable rows me update delete/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || me.get().and_then(|r| r.ok()).filter(|m| m.can(Permission::GroupsWrite)).map(|me| view! {
                <div class="card form-card group-form-card">
                    <h2>"New group"</h2>
                    <ActionForm action=create node_ref=new_form attr:id="create-group-form">
                        <GroupFields prefix="new-group".to_string() me name=String::new() description=String::new() held=Vec::new() protected=false/>
                        <ErrorNote message=action_error(create)/>
                        <Show when=created>
                            <p class="form-ok" role="status">"Group created."</p>
                        </Show>
                        <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create group"</button>
                    </ActionForm>
                </div>
            }.into_any())}
        </Transition>
    }
}

/// "All permissions" for the SuperAdmin group, else how many and which.
fn summary(row: &GroupRow) -> String {
    if row.protected || row.permissions.iter().any(|p| p == permissions::ALL) {
        return "All permissions".into();
    }
    match row.permissions.len() {
        0 => "none".into(),
        1..=3 => row.permissions.join(", "),
        n => format!("{} and {} more", row.permissions[..2].join(", "), n - 2),
    }
}

#[component]
fn GroupsTable(
    rows: Vec<GroupRow>,
    me: Option<Me>,
    update: ServerAction<UpdateGroup>,
    delete: ServerAction<DeleteGroup>,
) -> impl IntoView {
    view! {
        <table class="table groups-table" id="groups-table">
            <thead>
                <tr><th>"Name"</th><th>"Description"</th><th>"Permissions"</th><th>"Members"</th><th></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <GroupRowView row me=me.clone() update delete/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    Closed,
    Edit,
    Delete,
}

#[component]
fn GroupRowView(
    row: GroupRow,
    me: Option<Me>,
    update: ServerAction<UpdateGroup>,
    delete: ServerAction<DeleteGroup>,
) -> impl IntoView {
    let panel = RwSignal::new(Panel::Closed);
    let can_write = me
        .as_ref()
        .is_some_and(|m| m.can(Permission::GroupsWrite) && (m.superadmin || !row.protected));
    let id = row.id;
    let toggle = move |p: Panel| panel.update(|cur| *cur = if *cur == p { Panel::Closed } else { p });
    let buttons = can_write.then(|| {
        view! {
            <div class="row-actions">
                <button type="button" class="button small edit-group" on:click=move |_| toggle(Panel::Edit)>"Edit"</button>
                {(!row.protected).then(|| view! {
                    <button type="button" class="button small danger delete-group" on:click=move |_| toggle(Panel::Delete)>"Delete…"</button>
                })}
            </div>
        }
        .into_any()
    });
    let edit_row = row.clone();
    let panel_view = move || {
        match (panel.get(), me.clone()) {
        (Panel::Edit, Some(me)) => {
            let r = edit_row.clone();
            view! {
                <ActionForm action=update attr:class="edit-group-form">
                    <input type="hidden" name="id" value=r.id.to_string()/>
                    <GroupFields prefix=format!("group-{}", r.id) me name=r.name description=r.description held=r.permissions protected=r.protected/>
                    <button type="submit" class="button small primary save-group">"Save"</button>
                    <button type="button" class="button small" on:click=move |_| panel.set(Panel::Closed)>"Cancel"</button>
                </ActionForm>
            }
            .into_any()
        }
        (Panel::Delete, Some(_)) => view! {
            <div class="revoke-confirm" role="alert">
                <span>{format!("Delete the group {}?", edit_row.name)}</span>
                <button type="button" class="button small danger confirm-delete-group" on:click=move |_| {
                    panel.set(Panel::Closed);
                    delete.dispatch(DeleteGroup { id });
                }>"Delete"</button>
                <button type="button" class="button small" on:click=move |_| panel.set(Panel::Closed)>"Cancel"</button>
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
    };
    view! {
        <tr data-group=row.name.clone() data-protected=row.protected.to_string()>
            <td>
                {row.name.clone()}
                {row.protected.then(|| view! { " " <span class="badge">"built in"</span> })}
            </td>
            <td>{row.description.clone()}</td>
            <td class="group-permissions" title=row.permissions.join(", ")>{summary(&row)}</td>
            <td class="group-members">{row.members}</td>
            <td>{buttons}</td>
        </tr>
        <tr class="group-panel-row"><td colspan="5">{panel_view}</td></tr>
    }
    .into_any()
}

/// Name, description and the permission checkboxes grouped by area. Permissions the
/// editor does not hold cannot be ticked; ones the group already has stay (hidden).
#[component]
fn GroupFields(
    prefix: String,
    me: Me,
    name: String,
    description: String,
    held: Vec<String>,
    protected: bool,
) -> impl IntoView {
    let mut areas: Vec<(&'static str, Vec<Permission>)> = Vec::new();
    for p in Permission::EVERY.iter().copied() {
        match areas.last_mut() {
            Some((area, list)) if *area == p.area() => list.push(p),
            _ => areas.push((p.area(), vec![p])),
        }
    }
    let permissions_view = if protected {
        view! {
            <p class="muted">"The SuperAdmin group always holds every permission; its name and permissions cannot be changed."</p>
        }
        .into_any()
    } else {
        view! {
            <fieldset class="permission-choices">
                <legend>"Permissions"</legend>
                {areas.into_iter().map(|(area, list)| view! {
                    <div class="permission-area">
                        <p class="field-label">{area}</p>
                        {list.into_iter().map(|p| {
                            let checked = held.iter().any(|h| h == p.as_str());
                            let grantable = me.can(p);
                            view! {
                                <label class="check" title=p.as_str()>
                                    <input
                                        type="checkbox"
                                        name="permissions[]"
                                        value=p.as_str()
                                        data-permission=p.as_str()
                                        checked=checked
                                        disabled=!grantable
                                    />
                                    {p.label()}
                                    <span class="muted">{format!(" ({})", p.as_str())}</span>
                                </label>
                                {(checked && !grantable).then(|| view! {
                                    <input type="hidden" name="permissions[]" value=p.as_str()/>
                                })}
                            }
                        }).collect_view()}
                    </div>
                }).collect_view()}
            </fieldset>
        }
        .into_any()
    };
    view! {
        <label for=format!("{prefix}-name")>"Name"</label>
        <input id=format!("{prefix}-name") type="text" name="name" value=name required maxlength="100" readonly=protected/>
        <label for=format!("{prefix}-description")>"Description " <span class="muted">"(optional)"</span></label>
        <input id=format!("{prefix}-description") type="text" name="description" value=description maxlength="500"/>
        {permissions_view}
    }
    .into_any()
}
