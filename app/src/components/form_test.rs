//! "Test connection" ("Send test" for a channel) for an unsaved adapter form: reads the
//! surrounding form's fields and asks the server to connect (or send) with them.

use crate::api::adapter_types::AdapterKind;
use crate::api::adapters::TestAdapterForm;
use crate::components::test_result::TestResult;
use leptos::html::Form;
use leptos::prelude::*;

#[component]
pub fn FormTestButton(form: NodeRef<Form>, kind: AdapterKind) -> impl IntoView {
    let test = ServerAction::<TestAdapterForm>::new();
    let run = move |_| {
        let Some(form) = form.get() else { return };
        let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
            return;
        };
        use leptos::form::FromFormData;
        match TestAdapterForm::from_form_data(&data) {
            Ok(args) => {
                test.dispatch(args);
            }
            Err(e) => leptos::logging::error!("test connection: unreadable form: {e}"),
        }
    };
    let busy = move || test.pending().get();
    view! {
        <button type="button" class="button" id="adapter-form-test" on:click=run disabled=busy>
            {move || crate::pages::adapters::test_label(kind, busy())}
        </button>
        {move || (!busy()).then(|| test.value().get()).flatten().map(|r| view! { <TestResult result=r/> })}
    }
}
