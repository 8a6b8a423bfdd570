//! Bulwark's IO engine: sources, destinations and the streaming pipeline between them.
//!
//! Knows nothing of HTTP or Bulwark's own database.

pub(crate) mod config;
pub mod destinations;
pub mod error;
pub mod locator;
pub mod notify;
pub mod pipeline;
pub mod process;
pub mod reference_doc;
pub mod registry;
pub mod retention;
pub mod schema;
pub mod sources;
pub mod traits;

pub use error::{AdapterError, Result};
pub use schema::{ConfigField, FieldType};
pub use traits::{
    ByteStream, Capabilities, Commit, Destination, DestinationWriter, Notifier, ObjectInfo, Source,
    TargetState,
};
