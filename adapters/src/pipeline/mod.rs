//! The streaming stages between a source and its destinations.
