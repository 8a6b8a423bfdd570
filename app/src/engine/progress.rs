//! In-memory progress of running executions, and the broadcast of live events that the
//! console's live view subscribes to.

use adapters::pipeline::Progress;
use chrono::{DateTime, Utc};
use entity::enums::{ExecutionStatus, LogLevel};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Slow subscribers lose the oldest events rather than slowing a backup down.
const CHANNEL_CAPACITY: usize = 1024;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Progress {
        execution_id: i64,
        progress: Progress,
    },
    Log {
        execution_id: i64,
        seq: i32,
        at: DateTime<Utc>,
        level: LogLevel,
        stage: String,
        message: String,
    },
    Status {
        execution_id: i64,
        status: ExecutionStatus,
    },
}

pub(crate) struct Board {
    current: Mutex<HashMap<i64, Progress>>,
    tx: broadcast::Sender<Event>,
}

impl Board {
    pub fn new() -> Self {
        Board {
            current: Mutex::new(HashMap::new()),
            tx: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }

    pub fn update(&self, execution_id: i64, progress: &Progress) {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(execution_id, progress.clone());
        self.send(Event::Progress {
            execution_id,
            progress: progress.clone(),
        });
    }

    pub fn clear(&self, execution_id: i64) {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&execution_id);
    }

    pub fn get(&self, execution_id: i64) -> Option<Progress> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&execution_id)
            .cloned()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    pub fn send(&self, event: Event) {
        // No subscriber is not an error.
        let _ = self.tx.send(event);
    }
}
