//! The login page's single sign-on part: a "Sign in with …" button per enabled
//! provider, and the password form hidden when the operator turned it off.

use crate::api::sso::sso_login_options;
use leptos::prelude::*;

/// One link per enabled provider (plain links: the flow is a full-page redirect).
#[component]
pub fn SsoButtons() -> impl IntoView {
    let options = OnceResource::new(sso_login_options());
    view! {
        <Suspense fallback=|| ()>
            {move || options.get().and_then(|r| r.ok()).filter(|o| !o.buttons.is_empty()).map(|o| view! {
                <div class="sso-buttons" id="sso-buttons">
                    {o.password_login.then(|| view! { <p class="sso-divider muted">"or"</p> })}
                    {o.buttons.into_iter().map(|b| view! {
                        <a
                            class="button sso-button"
                            href=format!("/auth/oidc/{}/start", b.slug)
                            data-sso=b.slug.clone()
                            rel="external"
                        >
                            {format!("Sign in with {}", b.label)}
                        </a>
                    }).collect_view()}
                </div>
            }.into_any())}
        </Suspense>
    }
}

/// Renders its children (the password form) unless password sign-in is off.
#[component]
pub fn PasswordLogin(children: ChildrenFn) -> impl IntoView {
    let options = OnceResource::new(sso_login_options());
    let allowed = move || {
        options
            .get()
            .and_then(|r| r.ok())
            .is_none_or(|o| o.password_login)
    };
    view! {
        <Suspense fallback=|| ()>
            <Show
                when=allowed
                fallback=|| view! { <p class="muted" id="password-login-off">"Sign in with your organisation's account."</p> }
            >
                {children()}
            </Show>
        </Suspense>
    }
}
