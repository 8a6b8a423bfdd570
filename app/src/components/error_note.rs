use crate::api::error::ApiError;
use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos::server_fn::ServerFn;

/// The error of an action's last run, in words the user can act on.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()).map(|e| e.to_string()))
}

#[component]
pub fn ErrorNote(message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}
