//! The panel that hands over a just-downloaded identity: a file link and the text,
//! shown this once.

use crate::api::encryption::DownloadIdentity;
use leptos::prelude::*;

#[component]
pub fn IdentityDownload(download: ServerAction<DownloadIdentity>) -> impl IntoView {
    move || {
        download.value().get().and_then(|r| r.ok()).map(|file| {
            let href = format!("data:text/plain;charset=utf-8,{}", percent_encode(&file.contents));
            view! {
                <div class="card warning identity-panel" id="identity-panel">
                    <h2>"Save this identity now"</h2>
                    <p>
                        "Whoever holds this file can read every backup encrypted to this profile. Store it offline; "
                        "it is shown once and cannot be downloaded again."
                    </p>
                    <a class="button primary" href=href download=file.file_name.clone()>{format!("Save {}", file.file_name)}</a>
                    <textarea class="identity-text" readonly rows="3">{file.contents}</textarea>
                </div>
            }
        })
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
