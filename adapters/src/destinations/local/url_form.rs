//! `file:///abs/dir` for the command line, and `file:///abs/dir/object` for one object.

use super::LocalDestination;
use crate::error::{AdapterError, Result};
use crate::registry::DestinationUrls;
use crate::traits::Destination;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use url::Url;

pub static URLS: DestinationUrls = DestinationUrls {
    schemes: &["file"],
    example: "file:///abs/dir",
    destination: |url| Ok(Arc::new(LocalDestination::new(file_path(url)?))),
    object: |url| {
        let (dir, name) = split_file(&file_path(url)?)?;
        Ok((Arc::new(LocalDestination::new(dir)) as Arc<dyn Destination>, name))
    },
};

fn file_path(url: &Url) -> Result<PathBuf> {
    if url.host_str().is_some_and(|h| !h.is_empty() && h != "localhost") {
        return Err(AdapterError::InvalidConfig(format!(
            "`{url}`: a file URL needs an absolute path, like file:///var/backups"
        )));
    }
    url.to_file_path()
        .map_err(|_| AdapterError::InvalidConfig(format!("`{url}` is not an absolute file path")))
}

fn split_file(path: &Path) -> Result<(PathBuf, String)> {
    match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
        (Some(dir), Some(name)) => Ok((dir.to_path_buf(), name.to_string())),
        _ => Err(AdapterError::InvalidConfig(format!(
            "`{}` is not a file",
            path.display()
        ))),
    }
}
