//! Destinations: where backups are stored. One folder per adapter (its config and
//! schema, its backend, its writer, its URL form), registered by its `ADAPTER` line in
//! `crate::registry`.

mod keys;
pub mod local;
pub mod s3;

pub use keys::{validate_key, validate_prefix};
pub use local::{LocalConfig, LocalDestination};
pub use s3::{MAX_PARTS, S3Config, S3Destination, part_size};
