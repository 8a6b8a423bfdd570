//! Whether this process may create files in a directory, judged from its mode bits
//! without writing anything (`test_connection` must not write).

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

/// The effective user and groups, read from `/proc/self/status` (no `unsafe` libc call).
struct ProcessIds {
    uid: u32,
    gids: Vec<u32>,
}

impl ProcessIds {
    fn current() -> Option<Self> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|rest| {
                    rest.split_whitespace()
                        .filter_map(|v| v.parse::<u32>().ok())
                        .collect::<Vec<_>>()
                })
        };
        // `Uid:` and `Gid:` list real, effective, saved and filesystem ids.
        let uid = *field("Uid:")?.get(1)?;
        let mut gids = field("Groups:").unwrap_or_default();
        gids.push(*field("Gid:")?.get(1)?);
        Some(ProcessIds { uid, gids })
    }
}

/// Whether the directory's permission bits let this process create and rename files in it.
/// Root passes; a read-only mount is only caught by the first write.
pub(super) fn may_create_in(dir: &Metadata) -> bool {
    let Some(ids) = ProcessIds::current() else {
        return !dir.permissions().readonly();
    };
    if ids.uid == 0 {
        return true;
    }
    // Creating an entry needs write and search permission on the directory.
    let needed = if dir.uid() == ids.uid {
        0o300
    } else if ids.gids.contains(&dir.gid()) {
        0o030
    } else {
        0o003
    };
    dir.mode() & needed == needed
}
