//! The outbox: `emit` returns at once; delivery runs on tasks of its own, one per
//! channel, each logged in `notification_logs` whatever happens.

use super::{log_store, recipients};
use crate::api::notification_types::NotifyEvent;
use crate::server::master_key::MasterKey;
use crate::server::{adapter_health, secrets};
use adapters::notify::{Delivery, Message, Policy, Rendered, Targets, deliver};
use entity::adapter_config;
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Mutex};
use tokio_util::task::TaskTracker;

/// Something worth telling the admins about.
#[derive(Debug, Clone)]
pub struct Notice {
    pub event: NotifyEvent,
    /// The job whose subscriptions apply, if any.
    pub job_id: Option<i64>,
    pub execution_id: Option<i64>,
    pub message: Message,
}

#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    key: MasterKey,
    public_url: String,
    policy: Mutex<Policy>,
    tasks: TaskTracker,
}

impl Outbox {
    pub fn new(db: DatabaseConnection, key: MasterKey, public_url: &str) -> Self {
        Outbox {
            inner: Arc::new(Inner {
                db,
                key,
                public_url: public_url.trim_end_matches('/').to_string(),
                policy: Mutex::new(Policy::default()),
                tasks: TaskTracker::new(),
            }),
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The console's address of `path` (which starts with `/`), for links in messages.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.inner.public_url)
    }

    /// Tests shorten the timeout and the pause before the retry.
    pub fn set_policy(&self, policy: Policy) {
        *self.inner.policy.lock().unwrap_or_else(|p| p.into_inner()) = policy;
    }

    fn policy(&self) -> Policy {
        *self.inner.policy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The delivery policy with the addresses the SuperAdmin's setting allows now (public
    /// ones only when it cannot be read).
    async fn current_policy(&self) -> Policy {
        use crate::server::settings::{self, NOTIFY_PRIVATE_TARGETS};
        let allowed = match settings::get(&self.inner.db, &NOTIFY_PRIVATE_TARGETS).await {
            Ok(v) => v == 1,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read which addresses notifications may reach; public ones only");
                false
            }
        };
        Policy {
            targets: if allowed {
                Targets::AnyAddress
            } else {
                Targets::PublicOnly
            },
            ..self.policy()
        }
    }

    /// Queues `notice` for every channel that wants it and returns at once.
    pub fn emit(&self, notice: Notice) {
        let outbox = self.clone();
        self.inner.tasks.spawn(async move {
            let channels = match recipients::channels_for(&outbox.inner.db, &notice).await {
                Ok(channels) => channels,
                Err(e) => {
                    tracing::error!(event = notice.event.as_str(), error = %e, "cannot find the channels to notify");
                    return;
                }
            };
            for channel in channels {
                let (outbox, notice) = (outbox.clone(), notice.clone());
                outbox.inner.tasks.clone().spawn(async move {
                    outbox.send_to(&channel, &notice).await;
                });
            }
        });
    }

    /// Waits until everything emitted so far has been delivered (or has failed) and logged.
    pub async fn idle(&self) {
        let tasks = &self.inner.tasks;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }

    /// Renders, delivers and logs `notice` on one channel, and records the outcome as the
    /// channel's health. Returns the delivery and the log row's id.
    pub async fn send_to(&self, channel: &adapter_config::Model, notice: &Notice) -> (Delivery, Option<i64>) {
        let config = secrets::open(&self.inner.key, &channel.config_encrypted)
            .map_err(|e| format!("cannot read the channel's stored configuration: {e}"));
        let started = std::time::Instant::now();
        let (delivery, rendered) = self.attempt(&channel.adapter_id, config, &notice.message).await;
        if let Err(e) = &delivery.result {
            tracing::warn!(channel = %channel.name, event = notice.event.as_str(), error = %e, "notification not delivered");
        }
        let id = match log_store::insert(&self.inner.db, channel, notice, rendered.as_ref(), &delivery).await
        {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::error!(channel = %channel.name, error = %e, "cannot log a notification delivery");
                None
            }
        };
        if let Err(e) = adapter_health::record(
            &self.inner.db,
            channel.clone(),
            delivery.result.clone(),
            started.elapsed(),
        )
        .await
        {
            tracing::warn!(channel = %channel.name, error = %e, "cannot record the channel's health");
        }
        (delivery, id)
    }

    /// Builds the notifier `adapter_id` from `config`, renders `message` and delivers it;
    /// every failure on the way becomes the delivery's error. Logs nothing.
    pub async fn attempt(
        &self,
        adapter_id: &str,
        config: Result<serde_json::Value, String>,
        message: &Message,
    ) -> (Delivery, Option<Rendered>) {
        let prepared = config
            .and_then(|config| {
                adapters::registry::notifier(adapter_id, &config)
                    .map_err(|e| format!("the channel's settings are invalid: {}", e.one_line()))
            })
            .and_then(|notifier| {
                notifier
                    .render(message)
                    .map(|rendered| (notifier, rendered))
                    .map_err(|e| format!("cannot render the message: {}", e.one_line()))
            });
        match prepared {
            Ok((notifier, rendered)) => (
                deliver(notifier.as_ref(), &rendered, self.current_policy().await).await,
                Some(rendered),
            ),
            Err(error) => (
                Delivery {
                    attempts: 0,
                    result: Err(error),
                },
                None,
            ),
        }
    }
}
