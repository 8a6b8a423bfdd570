//! The document shell and the route table.

use crate::api::adapter_types::AdapterKind;
use crate::components::layout::ConsoleLayout;
use crate::pages::jobs::JobsPage;
use crate::pages::{
    adapters::AdaptersPage, dashboard::DashboardPage, encryption::EncryptionPage, login::LoginPage,
    setup::SetupPage, users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::csp::set_for_this_page();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/bulwark.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <script src="/passkeys.js" defer=true></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Bulwark".to_string() } else { format!("{page} · Bulwark") }/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/login/verify") view=crate::pages::login_verify::LoginVerifyPage/>
                <Route path=path!("/setup") view=SetupPage/>
                <ParentRoute path=path!("") view=ConsoleLayout>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("jobs") view=JobsPage/>
                    <Route path=path!("executions") view=crate::pages::executions::ExecutionsPage/>
                    <Route path=path!("executions/:id") view=crate::pages::execution_detail::ExecutionDetailPage/>
                    <Route path=path!("sources") view=|| view! { <AdaptersPage kind=AdapterKind::Source/> }/>
                    <Route path=path!("destinations") view=|| view! { <AdaptersPage kind=AdapterKind::Destination/> }/>
                    <Route path=path!("notifications") view=|| view! { <AdaptersPage kind=AdapterKind::Notification/> }/>
                    <Route path=path!("notifications/log") view=crate::pages::notification_log::NotificationLogPage/>
                    <Route path=path!("storage") view=crate::pages::storage::StoragePage/>
                    <Route path=path!("storage/:id") view=crate::pages::storage::StorageDestinationPage/>
                    <Route path=path!("encryption") view=EncryptionPage/>
                    <Route path=path!("users") view=UsersPage/>
                    <Route path=path!("groups") view=crate::pages::groups::GroupsPage/>
                    <Route path=path!("settings") view=crate::pages::settings::SettingsPage/>
                    <Route path=path!("api-keys") view=crate::pages::api_keys::ApiKeysPage/>
                    <Route path=path!("audit") view=crate::pages::audit::AuditPage/>
                    <Route path=path!("sso") view=crate::pages::sso::SsoPage/>
                    <Route path=path!("profile") view=crate::pages::profile::ProfilePage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Not found"/>
        <div class="auth-page">
            <div class="card auth-card">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <a class="button" href="/">"Go to the dashboard"</a>
            </div>
        </div>
    }
}
