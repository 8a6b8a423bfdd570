//! The profile page's "Sessions" section: where you are signed in, and ending any of it.

use crate::api::profile::{RevokeMySession, SessionRow, my_sessions};
use crate::components::error_note::{ErrorNote, action_error};
use leptos::prelude::*;

#[component]
pub fn SessionsSection() -> impl IntoView {
    let revoke = ServerAction::<RevokeMySession>::new();
    let sessions = Resource::new(move || revoke.version().get(), |_| my_sessions());
    // Ending the current session signs this browser out: go to the sign-in page.
    Effect::new(move |_| {
        if matches!(revoke.value().get(), Some(Ok(true))) {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <section class="card profile-sessions" id="profile-sessions">
            <h2>"Sessions"</h2>
            <p class="muted">"Browsers where you are signed in. Ending a session signs that browser out at once."</p>
            <ErrorNote message=action_error(revoke)/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || sessions.get().map(|r| match r {
                    Ok(rows) => view! { <SessionsTable rows revoke/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionsTable(rows: Vec<SessionRow>, revoke: ServerAction<RevokeMySession>) -> impl IntoView {
    view! {
        <table class="table sessions-table" id="sessions-table">
            <thead>
                <tr><th>"Device"</th><th>"Address"</th><th>"Signed in"</th><th>"Last seen"</th><th>"Method"</th><th></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|s| {
                    let id = s.id;
                    let label = if s.current { "Sign out" } else { "End session" };
                    view! {
                        <tr data-session=s.id.to_string() data-current=s.current.to_string()>
                            <td>
                                {s.device}
                                {s.current.then(|| view! { " " <span class="badge this-session">"this session"</span> })}
                            </td>
                            <td>{if s.ip.is_empty() { "unknown".to_string() } else { s.ip }}</td>
                            <td>{s.signed_in}</td>
                            <td>{s.last_seen}</td>
                            <td>{s.method}</td>
                            <td>
                                <button type="button" class="button small danger revoke-session" on:click=move |_| {
                                    revoke.dispatch(RevokeMySession { id });
                                }>{label}</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
