//! Notification channels. One message model (`Message`) is rendered by each service into
//! exactly what it sends (`Rendered`, which the notification log keeps), then delivered
//! with a timeout and one retry (`deliver`). One file per service.

mod delivery;
pub mod discord;
pub mod email;
pub mod gotify;
mod http;
mod message;
pub mod net;
pub mod ntfy;
pub mod slack;
pub mod teams;
pub mod telegram;
pub mod webhook;

pub use delivery::{Delivery, Policy, deliver, should_retry};
pub use message::{Field, Message, Rendered, Severity, clip};
pub use net::Targets;
