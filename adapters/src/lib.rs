//! Bulwark's IO engine: sources, destinations and notifiers behind traits.
//!
//! Knows nothing of HTTP or the database. The foundation holds the contracts only;
//! the implementations (and their conformance suites against real servers) arrive
//! with the pipeline issue.

pub mod error;
pub mod schema;
pub mod traits;

pub use error::{AdapterError, Result};
pub use schema::{ConfigField, FieldType};
pub use traits::{ByteReader, Capabilities, Destination, DestinationWriter, Notifier, ObjectInfo, Source};
