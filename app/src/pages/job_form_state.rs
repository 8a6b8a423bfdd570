//! The job form's state: one signal per field, read from and turned into `JobInput`.

use crate::api::job_types::{CompressionKind, JobChannel, JobInput, RetentionInput};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Fields {
    pub name: RwSignal<String>,
    pub source_id: RwSignal<Option<i64>>,
    /// One database per line; empty = all.
    pub databases: RwSignal<String>,
    pub destinations: RwSignal<Vec<i64>>,
    pub compression: RwSignal<CompressionKind>,
    /// Empty = the codec's default.
    pub level: RwSignal<String>,
    pub encryption: RwSignal<Option<i64>>,
    pub cron: RwSignal<String>,
    pub timezone: RwSignal<String>,
    pub retention: RwSignal<RetentionInput>,
    /// Subscribed channels; a channel left out is "off".
    pub notifications: RwSignal<Vec<JobChannel>>,
    pub enabled: RwSignal<bool>,
}

impl Fields {
    pub fn new(input: Option<JobInput>, first_source: Option<i64>, first_profile: Option<i64>) -> Self {
        let i = input.unwrap_or_else(|| JobInput {
            name: String::new(),
            source_id: first_source.unwrap_or_default(),
            databases: vec![],
            destinations: vec![],
            compression: CompressionKind::Zstd,
            compression_level: None,
            encryption_profile_id: first_profile,
            cron: "0 2 * * *".into(),
            timezone: "UTC".into(),
            retention: RetentionInput::default(),
            notifications: vec![],
            enabled: true,
        });
        Fields {
            name: RwSignal::new(i.name),
            source_id: RwSignal::new((i.source_id != 0).then_some(i.source_id).or(first_source)),
            databases: RwSignal::new(i.databases.join("\n")),
            destinations: RwSignal::new(i.destinations),
            compression: RwSignal::new(i.compression),
            level: RwSignal::new(i.compression_level.map(|l| l.to_string()).unwrap_or_default()),
            encryption: RwSignal::new(i.encryption_profile_id),
            cron: RwSignal::new(i.cron),
            timezone: RwSignal::new(i.timezone),
            retention: RwSignal::new(i.retention),
            notifications: RwSignal::new(i.notifications),
            enabled: RwSignal::new(i.enabled),
        }
    }

    pub fn database_list(&self) -> Vec<String> {
        self.databases
            .get()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }

    /// The input to send, or what to fix first.
    pub fn input(&self) -> Result<JobInput, String> {
        let Some(source_id) = self.source_id.get() else {
            return Err("Choose a source (add one on the Sources page first).".into());
        };
        let level = self.level.get();
        let compression_level = match level.trim() {
            "" => None,
            l => Some(
                l.parse::<i32>()
                    .map_err(|_| format!("The compression level {l:?} is not a whole number."))?,
            ),
        };
        Ok(JobInput {
            name: self.name.get(),
            source_id,
            databases: self.database_list(),
            destinations: self.destinations.get(),
            compression: self.compression.get(),
            compression_level,
            encryption_profile_id: self.encryption.get(),
            cron: self.cron.get(),
            timezone: self.timezone.get(),
            retention: self.retention.get(),
            notifications: self.notifications.get(),
            enabled: self.enabled.get(),
        })
    }
}
