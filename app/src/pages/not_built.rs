use leptos::prelude::*;
use leptos_meta::Title;

/// A console page whose feature has not been built yet; it says so plainly.
#[component]
pub fn NotBuilt(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <div class="card notice">
            <p><strong>"Not built yet."</strong> " This page does not work in this version of Bulwark."</p>
            <p class="muted">"When it is built: " {what}</p>
        </div>
    }
}
