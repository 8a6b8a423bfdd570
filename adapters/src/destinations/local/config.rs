//! The local destination's settings: the form's schema and reading a stored config.

use super::LocalDestination;
use crate::error::{AdapterError, Result};
use crate::schema::{ConfigField, FieldType};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
pub struct LocalConfig {
    pub path: PathBuf,
}

impl LocalDestination {
    pub fn schema() -> Vec<ConfigField> {
        vec![
            ConfigField::new("path", "Directory", FieldType::Path)
                .host_path()
                .required()
                .help("Absolute path of the directory backups are stored in, e.g. /mnt/backups"),
        ]
    }

    pub fn from_config(config: &serde_json::Value) -> Result<Self> {
        let config: LocalConfig = serde_json::from_value(config.clone())
            .map_err(|e| AdapterError::InvalidConfig(format!("local destination: {e}")))?;
        if !config.path.is_absolute() {
            return Err(AdapterError::InvalidConfig(format!(
                "the local destination directory must be an absolute path, not {}",
                config.path.display()
            )));
        }
        Ok(Self::new(config.path))
    }
}
