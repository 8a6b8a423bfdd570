use crate::api::users::{CreateUser, list_groups, list_users};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

/// Users: the list and an "add user" form. Groups, editing and the rest come later.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let users = Resource::new(move || create.version().get(), |_| list_users());
    let groups = Resource::new(|| (), |_| list_groups());
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    view! {
        <Title text="Users & Groups"/>
        <h1>"Users & Groups"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || users.get().map(|r| match r {
                Ok(rows) => view! {
                    <table class="table" id="users-table">
                        <thead><tr><th>"Email"</th><th>"Name"</th><th>"Group"</th><th>"Status"</th><th>"Last sign-in"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|u| view! {
                                <tr>
                                    <td>{u.email}</td>
                                    <td>{u.name}</td>
                                    <td>{u.group}</td>
                                    <td>{if u.disabled { "disabled" } else { "active" }}</td>
                                    <td>{u.last_login.unwrap_or_else(|| "never".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <div class="card form-card">
            <h2>"Add a user"</h2>
            <ActionForm action=create attr:id="create-user-form">
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
                    <Suspense fallback=|| ()>
                        {move || groups.get().and_then(|r| r.ok()).map(|gs| gs.into_iter().map(|g| view! {
                            <option value=g.id.to_string()>{g.name}</option>
                        }).collect_view())}
                    </Suspense>
                </select>
                <ErrorNote message=action_error(create)/>
                <Show when=created>
                    <p class="form-ok" role="status">"User created."</p>
                </Show>
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add user"</button>
            </ActionForm>
        </div>
    }
}
