//! Bulwark's console: Leptos pages and server functions (both sides), plus the
//! server-only code behind them.

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
pub mod permissions;
pub mod url;

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod core;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod signals;

pub use app::App;
