//! Notification channels. One message model (`Message`) is rendered by each service into
//! exactly what it sends (`Rendered`, which the notification log keeps), then delivered
//! with a timeout and one retry (`deliver`). One file per service.

mod delivery;
mod http;
mod message;
pub mod slack;

pub use delivery::{Delivery, Policy, deliver, should_retry};
pub use message::{Field, Message, Rendered, Severity, clip};
