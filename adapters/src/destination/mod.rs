//! Destinations: where backups are stored.
