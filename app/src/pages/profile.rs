//! `/profile`: the signed-in user's own account: password, sessions, second factors.

use super::profile_confirm::ConfirmIdentitySection;
use super::profile_passkeys::PasskeysSection;
use super::profile_password::PasswordSection;
use super::profile_sessions::SessionsSection;
use super::profile_totp::TotpSection;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Profile"/>
        <div class="page-head"><h1>"Profile"</h1></div>
        <PasswordSection/>
        <SessionsSection/>
        <ConfirmIdentitySection/>
        <TotpSection/>
        <PasskeysSection/>
    }
}
