//! Shared by the notifier suites: one message with every part filled in, a fast delivery
//! policy, and "render and deliver through adapter X".

#![allow(dead_code)]

use adapters::notify::{Delivery, Field, Message, Policy, Severity, Targets, deliver};
use adapters::registry;
use serde_json::Value;
use std::time::Duration;

pub fn message() -> Message {
    Message {
        event: "backup_failure".into(),
        title: "Backup failed: nightly-db".into(),
        summary: "pg_dump exited with code 1: connection refused".into(),
        fields: vec![
            Field::new("Job", "nightly-db"),
            Field::new("Duration", "12 s"),
            Field::new("Destinations", "0 of 2 written"),
        ],
        severity: Severity::Failure,
        link: Some("http://localhost:3000/executions/42".into()),
        timestamp: chrono::DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .to_utc(),
    }
}

/// The test receivers listen on loopback, which channels reach only when allowed.
pub const FAST: Policy = Policy {
    timeout: Duration::from_millis(500),
    backoff: Duration::from_millis(50),
    targets: Targets::AnyAddress,
};

/// Renders `message` with adapter `id` built from `config` and delivers it.
pub async fn send_message(id: &str, config: Value, message: &Message) -> Delivery {
    let notifier = registry::notifier(id, &config).expect("valid config");
    let rendered = notifier.render(message).expect("renders");
    deliver(notifier.as_ref(), &rendered, FAST).await
}

/// Renders and delivers `message()`.
pub async fn send(id: &str, config: Value) -> Delivery {
    send_message(id, config, &message()).await
}
