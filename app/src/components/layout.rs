//! The console frame: sidebar, top bar with the user menu, and the page.

use super::nav::NAV;
use crate::api::auth::{Logout, Me, whoami};
use crate::api::error::ApiError;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let nav_open = RwSignal::new(false);
    // A session that ended while the page was open: go and sign in again.
    Effect::new(move |_| {
        if let Some(Err(ApiError::Unauthenticated)) = me.get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <div class="console" class:nav-open=move || nav_open.get()>
            <aside class="sidebar">
                <a class="brand" href="/">
                    <span class="brand-mark">"◆"</span>
                    "Bulwark"
                </a>
                <nav aria-label="Main" on:click=move |_| nav_open.set(false)>
                    <Transition fallback=|| ()>
                        {move || me.get().map(|me| {
                            let me = me.ok();
                            NAV.iter()
                                .filter(|item| match (item.needs, &me) {
                                    (None, _) => true,
                                    (Some(p), Some(me)) => me.can(p),
                                    (Some(_), None) => false,
                                })
                                .map(|item| view! {
                                    <A href=item.href exact=item.href == "/">
                                        <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                                        {item.label}
                                    </A>
                                })
                                .collect_view()
                        })}
                    </Transition>
                </nav>
            </aside>
            <div class="main">
                <header class="topbar">
                    <button
                        class="icon-button nav-toggle"
                        aria-label="Toggle navigation"
                        on:click=move |_| nav_open.update(|open| *open = !*open)
                    >
                        "☰"
                    </button>
                    <div class="topbar-spacer"></div>
                    <Transition fallback=|| ()>
                        {move || me.get().and_then(|r| r.ok()).map(|me| view! { <UserMenu me/> })}
                    </Transition>
                </header>
                <main class="content">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let open = RwSignal::new(false);
    let logout = ServerAction::<Logout>::new();
    let initial = me.name.chars().next().unwrap_or('?').to_uppercase().to_string();
    view! {
        <div class="user-menu">
            <button
                id="user-menu-button"
                class="user-button"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{initial}</span>
                <span class="user-name">{me.name.clone()}</span>
                <span aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="user-dropdown" role="menu" id="user-menu">
                    <div class="user-dropdown-head">
                        <strong>{me.name.clone()}</strong>
                        <span class="muted">{me.email.clone()}</span>
                        <span class="badge">{me.group.clone()}</span>
                    </div>
                    <a class="menu-item" role="menuitem" href="/profile" id="menu-profile">"Profile"</a>
                    <ActionForm action=logout>
                        <button type="submit" class="menu-item" role="menuitem">"Sign out"</button>
                    </ActionForm>
                </div>
            </Show>
        </div>
    }
}
