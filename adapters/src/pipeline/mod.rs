//! The streaming stages between a source and its destinations:
//! dump → count → compress → encrypt (age) → hash → fan-out, and back again.

pub mod backup;
pub mod compress;
pub mod encrypt;
pub mod fanout;
pub mod hash;
pub mod manifest;
pub mod naming;
pub mod progress;
pub mod provenance;
pub mod restore;

pub use backup::{BackupOutcome, BackupSpec, DestinationOutcome, Unit, backup};
pub use compress::Compression;
pub use encrypt::{Decryption, Encryption};
pub use fanout::Target;
pub use manifest::Manifest;
pub use progress::{Progress, ProgressFn, Stage};
pub use provenance::{ManifestKey, Provenance};
pub use restore::{ReadPolicy, ReadReport, read_manifest, restore, verify};
