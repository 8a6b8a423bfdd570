//! Sources: databases dumped and restored with their own tools.
