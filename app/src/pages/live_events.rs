//! The browser side of an execution's live view: an `EventSource` on
//! `/events/executions/{id}` whose messages update the page's signals.

use super::execution_detail::Live;
use crate::api::execution_types::LiveEvent;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;

pub fn open(id: i64, live: Live) -> Option<web_sys::EventSource> {
    let source = web_sys::EventSource::new(&format!("/events/executions/{id}")).ok()?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(text) = e.data().as_string()
            && let Ok(event) = serde_json::from_str::<LiveEvent>(&text)
        {
            live.apply(event);
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The closure lives as long as the page; the source is closed when the run ends.
    on_message.forget();
    Some(source)
}
