//! Running dump and restore tools as child processes.
