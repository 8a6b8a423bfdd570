//! The Content-Security-Policy. Scripts are the console's own files and wasm module, plus
//! the inline loader and streamed chunks Leptos emits, each carrying this response's
//! nonce (leptos_axum provides a fresh one per request); no other inline script runs.
//! Inline styles stay allowed: they cannot run code, and the console uses them.

const DIRECTIVES: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/// For every response that is no console page: no inline script at all.
pub fn without_scripts() -> String {
    format!("script-src 'self' 'wasm-unsafe-eval'; {DIRECTIVES}")
}

/// For a console page whose inline scripts carry `nonce`.
pub fn for_page(nonce: &str) -> String {
    format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; {DIRECTIVES}")
}

/// Sets the page's policy on the response being rendered (called from the shell, which
/// runs once per page before anything is sent).
pub fn set_for_this_page() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&for_page(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_policy_allows_inline_scripts_or_eval() {
        for csp in [without_scripts(), for_page("abc")] {
            let scripts = csp
                .split(';')
                .find(|d| d.trim().starts_with("script-src"))
                .unwrap();
            assert!(!scripts.contains("'unsafe-inline'"), "{csp}");
            assert!(!scripts.contains("'unsafe-eval'"), "{csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        }
        assert!(for_page("abc").contains("'nonce-abc'"));
    }
}
