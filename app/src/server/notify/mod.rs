//! Notifications: which channels hear about an event, delivering to them in the
//! background (never holding up or failing what caused the event), and the log of every
//! delivery with the payload as sent.

pub mod account_events;
pub mod known_devices;
pub mod log_query;
pub mod log_store;
pub mod messages;
pub mod outbox;
pub mod recipients;
pub mod system_channels;
pub mod test_send;

pub use outbox::{Notice, Outbox};
