//! Every kind of response carries the security headers: console pages, server-function
//! answers, REST errors and static files — a CSP that allows the app's own wasm and
//! forbids framing, nosniff, and a same-origin referrer policy.

mod common;

use http::StatusCode;

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let h = common::harness(None).await;
    let admin = h.setup_admin().await;
    let responses = [
        ("page", h.get("/", Some(&admin)).await),
        ("sign-in page", h.get("/login", None).await),
        ("redirect", h.get("/jobs", None).await),
        ("server function", h.call("whoami", &[], Some(&admin)).await),
        ("refused server function", h.call("list_users", &[], None).await),
        ("REST error", h.get("/api/v1/jobs", None).await),
        ("not found", h.get("/no/such/page", Some(&admin)).await),
    ];
    for (what, r) in &responses {
        let header = |name: &str| {
            r.headers
                .get(name)
                .unwrap_or_else(|| panic!("{what} ({}) has no {name}", r.status))
                .to_str()
                .unwrap()
                .to_string()
        };
        let csp = header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "'wasm-unsafe-eval'",
            "base-uri 'self'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{what}: CSP lacks {directive}: {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'"), "{what}: CSP allows eval: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    }
    assert_eq!(responses[2].1.status, StatusCode::SEE_OTHER);
    assert_eq!(responses[4].1.status, StatusCode::UNAUTHORIZED);
    h.state.engine.shutdown().await;
    std::fs::remove_dir_all(&h.data_dir).ok();
}
