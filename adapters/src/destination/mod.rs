//! Destinations: where backups are stored.

mod keys;
pub mod local;
mod local_access;
mod local_writer;
pub mod s3;
mod s3_client;
mod s3_error;
mod s3_part_buffer;
mod s3_writer;

pub use keys::{validate_key, validate_prefix};
pub use local::{LocalConfig, LocalDestination};
pub use s3::{S3Config, S3Destination};
pub use s3_writer::{MAX_PARTS, part_size};
