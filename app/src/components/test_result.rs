use crate::api::adapter_types::ConnectionReport;
use crate::api::error::ApiError;
use leptos::prelude::*;

/// "Connection OK (12 ms)" or the adapter's own error.
#[component]
pub fn TestResult(result: Result<ConnectionReport, ApiError>) -> impl IntoView {
    let (ok, text) = match result {
        Ok(r) => (r.ok, format!("{} ({} ms)", r.message, r.millis)),
        Err(e) => (false, e.to_string()),
    };
    view! {
        <p class="test-result" class:ok=ok class:failed=!ok role=if ok { "status" } else { "alert" }>{text}</p>
    }
}
