//! Users: the list, "add user", and per user: edit (name, group), disable/enable,
//! reset the password, sign out everywhere. Buttons show only to those who may use
//! them; the server refuses regardless.

use super::groups::UsersGroupsTabs;
use crate::api::auth::{Me, whoami};
use crate::api::users::{
    CreateUser, DisableUser, EnableUser, GroupOption, ResetUserPassword, RevokeUserSessions, UpdateUser,
    UserRow, list_groups, list_users,
};
use crate::components::error_note::{ErrorNote, action_error};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

/// The server actions a row can start, shared by every row.
#[derive(Clone, Copy)]
struct RowActions {
    update: ServerAction<UpdateUser>,
    disable: ServerAction<DisableUser>,
    enable: ServerAction<EnableUser>,
    reset: ServerAction<ResetUserPassword>,
    sign_out: ServerAction<RevokeUserSessions>,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let actions = RowActions {
        update: ServerAction::new(),
        disable: ServerAction::new(),
        enable: ServerAction::new(),
        reset: ServerAction::new(),
        sign_out: ServerAction::new(),
    };
    let me = Resource::new(|| (), |_| whoami());
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                actions.update.version().get(),
                actions.disable.version().get(),
                actions.enable.version().get(),
                actions.reset.version().get(),
                actions.sign_out.version().get(),
            )
        },
        |_| list_users(),
    );
    let groups = Resource::new(|| (), |_| list_groups());
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    let reset_done = move || matches!(actions.reset.value().get(), Some(Ok(())));
    let signed_out = move || actions.sign_out.value().get().and_then(|r| r.ok());
    view! {
        <Title text="Users & Groups"/>
        <h1>"Users & Groups"</h1>
        <UsersGroupsTabs current="users"/>
        <ErrorNote message=action_error(actions.update)/>
        <ErrorNote message=action_error(actions.disable)/>
        <ErrorNote message=action_error(actions.enable)/>
        <ErrorNote message=action_error(actions.reset)/>
        <ErrorNote message=action_error(actions.sign_out)/>
        <Show when=reset_done>
            <p class="form-ok" role="status">"Password reset; that user's sessions have ended."</p>
        </Show>
        {move || signed_out().map(|n| view! {
            <p class="form-ok" role="status">{format!("Signed out everywhere ({n} session(s) ended).")}</p>
        })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let me = me.get().and_then(|r| r.ok());
                let groups = groups.get().and_then(|r| r.ok()).unwrap_or_default();
                users.get().map(|r| match r {
                    Ok(rows) => view! { <UsersTable rows me groups actions/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let groups = groups.get().and_then(|r| r.ok()).unwrap_or_default();
                me.get().and_then(|r| r.ok()).filter(|m| m.can(Permission::UsersWrite)).map(|me| view! {
                    <NewUserForm create groups=choosable(&me, groups) created=Signal::derive(created)/>
                }.into_any())
            }}
        </Transition>
    }
}

/// The groups this caller may put someone in: the SuperAdmin group only for SuperAdmins.
fn choosable(me: &Me, groups: Vec<GroupOption>) -> Vec<GroupOption> {
    groups
        .into_iter()
        .filter(|g| me.superadmin || !g.protected)
        .collect()
}

#[component]
fn UsersTable(
    rows: Vec<UserRow>,
    me: Option<Me>,
    groups: Vec<GroupOption>,
    actions: RowActions,
) -> impl IntoView {
    let can_write = me.as_ref().is_some_and(|m| m.can(Permission::UsersWrite));
    let superadmin = me.as_ref().is_some_and(|m| m.superadmin);
    let choices = me.as_ref().map(|m| choosable(m, groups)).unwrap_or_default();
    view! {
        <table class="table users-table" id="users-table">
            <thead>
                <tr><th>"Email"</th><th>"Name"</th><th>"Group"</th><th>"Status"</th><th>"Last sign-in"</th><th></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|u| {
                    // SuperAdmin members are changed by SuperAdmins only.
                    let editable = can_write && (superadmin || !u.superadmin);
                    view! { <UserRowView row=u editable groups=choices.clone() actions/> }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    Closed,
    Edit,
    Password,
    SignOut,
}

#[component]
fn UserRowView(row: UserRow, editable: bool, groups: Vec<GroupOption>, actions: RowActions) -> impl IntoView {
    let panel = RwSignal::new(Panel::Closed);
    let id = row.id;
    let disabled = row.disabled;
    let toggle = move |p: Panel| panel.update(|cur| *cur = if *cur == p { Panel::Closed } else { p });
    let buttons = editable.then(|| {
        view! {
            <div class="row-actions">
                <button type="button" class="button small edit-user" on:click=move |_| toggle(Panel::Edit)>"Edit"</button>
                <button type="button" class="button small reset-password" on:click=move |_| toggle(Panel::Password)>"Reset password…"</button>
                <button type="button" class="button small sign-out-everywhere" on:click=move |_| toggle(Panel::SignOut)>"Sign out everywhere…"</button>
                {if disabled {
                    view! {
                        <button type="button" class="button small enable-user" on:click=move |_| {
                            actions.enable.dispatch(EnableUser { id });
                        }>"Enable"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button small danger disable-user" on:click=move |_| {
                            actions.disable.dispatch(DisableUser { id });
                        }>"Disable"</button>
                    }.into_any()
                }}
            </div>
        }
        .into_any()
    });
    let name = row.name.clone();
    let email = row.email.clone();
    let group_id = row.group_id;
    let panel_view = move || {
        match panel.get() {
        Panel::Closed => ().into_any(),
        Panel::Edit => view! {
            <EditPanel id name=name.clone() group_id groups=groups.clone() update=actions.update/>
        }
        .into_any(),
        Panel::Password => view! { <PasswordPanel id reset=actions.reset/> }.into_any(),
        Panel::SignOut => view! {
            <div class="revoke-confirm" role="alert">
                <span>{format!("End every session of {}? They must sign in again.", email)}</span>
                <button type="button" class="button small danger confirm-sign-out" on:click=move |_| {
                    panel.set(Panel::Closed);
                    actions.sign_out.dispatch(RevokeUserSessions { id });
                }>"Sign out everywhere"</button>
                <button type="button" class="button small" on:click=move |_| panel.set(Panel::Closed)>"Cancel"</button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <tr data-email=row.email.clone() data-state=if disabled { "disabled" } else { "active" }>
            <td>{row.email.clone()}</td>
            <td class="user-name">{row.name.clone()}</td>
            <td class="user-group">{row.group.clone()}</td>
            <td>
                <span class=if disabled { "badge user-state muted" } else { "badge user-state" }>
                    {if disabled { "disabled" } else { "active" }}
                </span>
            </td>
            <td>{row.last_login.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{buttons}</td>
        </tr>
        <tr class="user-panel-row"><td colspan="6">{panel_view}</td></tr>
    }
    .into_any()
}

#[component]
fn EditPanel(
    id: i64,
    name: String,
    group_id: i64,
    groups: Vec<GroupOption>,
    update: ServerAction<UpdateUser>,
) -> impl IntoView {
    let field = move |what: &str| format!("user-{id}-{what}");
    // Without groups:read there is no list to choose from: the group stays as it is.
    let group_field = if groups.is_empty() {
        view! { <input type="hidden" name="group_id" value=group_id.to_string()/> }.into_any()
    } else {
        view! {
            <label for=field("group")>"Group"</label>
            <select id=field("group") name="group_id" class="edit-user-group">
                {groups.into_iter().map(|g| view! {
                    <option value=g.id.to_string() selected=g.id == group_id>{g.name}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <ActionForm action=update attr:class="inline-form edit-user-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <label for=field("name")>"Name"</label>
            <input id=field("name") type="text" name="name" value=name required maxlength="200"/>
            {group_field}
            <button type="submit" class="button small primary save-user">"Save"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn PasswordPanel(id: i64, reset: ServerAction<ResetUserPassword>) -> impl IntoView {
    let field = move |what: &str| format!("user-{id}-{what}");
    view! {
        <ActionForm action=reset attr:class="inline-form reset-password-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <label for=field("password")>"New password " <span class="muted">"(at least 12 characters)"</span></label>
            <input id=field("password") type="password" name="password" required autocomplete="new-password"/>
            <label for=field("password-confirm")>"Repeat it"</label>
            <input id=field("password-confirm") type="password" name="password_confirm" required autocomplete="new-password"/>
            <button type="submit" class="button small danger confirm-reset">"Set password and end their sessions"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn NewUserForm(
    create: ServerAction<CreateUser>,
    groups: Vec<GroupOption>,
    created: Signal<bool>,
) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    // Empty the form once the user exists, so the password does not linger.
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <div class="card form-card">
            <h2>"Add a user"</h2>
            <ActionForm action=create node_ref=form attr:id="create-user-form">
                <label for="new-user-email">"Email"</label>
                <input id="new-user-email" type="email" name="email" required/>
                <label for="new-user-name">"Name"</label>
                <input id="new-user-name" type="text" name="name" required/>
                <label for="new-user-password">"Password " <span class="muted">"(at least 12 characters)"</span></label>
                <input id="new-user-password" type="password" name="password" required autocomplete="new-password"/>
                <label for="new-user-password-confirm">"Repeat the password"</label>
                <input id="new-user-password-confirm" type="password" name="password_confirm" required autocomplete="new-password"/>
                <label for="new-user-group">"Group"</label>
                <select id="new-user-group" name="group_id" required>
                    {groups.into_iter().map(|g| view! {
                        <option value=g.id.to_string()>{g.name}</option>
                    }).collect_view()}
                </select>
                <ErrorNote message=action_error(create)/>
                <Show when=move || created.get()>
                    <p class="form-ok" role="status">"User created."</p>
                </Show>
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add user"</button>
            </ActionForm>
        </div>
    }
    .into_any()
}
