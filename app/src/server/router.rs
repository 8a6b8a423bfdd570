//! The HTTP surface: health, server functions, console pages and site files.

use super::health::healthz;
use super::middleware::authenticate;
use super::state::AppState;
use crate::app::{App, shell};
use axum::Router;
use axum::routing::get;
use http::{HeaderName, HeaderValue};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn build(state: AppState) -> Router {
    crate::api::register_server_fns();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let csp = super::csp::without_scripts();
    let headers = [
        ("content-security-policy", csp.as_str()),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ];
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", super::rest::routes())
        .route("/events/executions/{id}", get(super::events::execution_events))
        .route("/storage/{id}/download", get(super::storage_download::download))
        .leptos_routes(&state, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), authenticate));
    // SSO sign-in routes sit outside `authenticate`, which sends signed-out pages to /login.
    router = router.merge(super::oidc_flow::routes());
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).expect("a valid header value"),
        ));
    }
    router.with_state(state)
}
