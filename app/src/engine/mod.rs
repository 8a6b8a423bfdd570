//! The execution engine: queue, runner, pipeline execution, retention, scheduler and
//! recovery. One `Engine` per process; several processes may share one PostgreSQL
//! database, and the database decides who runs what.

mod claim;
mod error;
mod execute;
mod instance;
mod log;
mod progress;
pub mod queue;
pub mod read_request;
mod read_run;
mod recovery;
mod retention_apply;
mod runner;
pub mod schedule;
mod scheduler;

pub use error::EngineError;
pub use progress::Event;
pub use queue::enqueue;
pub use read_request::{ReadRequest, RestoreTarget};
pub use recovery::INTERRUPTED;

use crate::server::master_key::MasterKey;
use crate::server::notify::Outbox;
use adapters::pipeline::Progress;
use entity::enums::ExecutionTrigger;
use progress::Board;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

/// Setting key (JSON number) for how many executions may run at once across all instances.
pub const MAX_CONCURRENT_SETTING: &str = "max_concurrent_jobs";
pub const DEFAULT_MAX_CONCURRENT: u64 = 2;

/// How long `shutdown` waits for cancelled pipelines to record themselves.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    db: DatabaseConnection,
    key: MasterKey,
    /// Tells the subscribed channels how executions ended.
    outbox: Outbox,
    instance_id: String,
    /// Wakes the runner when something was queued or a slot freed up.
    wake: Notify,
    board: Arc<Board>,
    /// Executions this process runs, with the token that cancels each.
    running: Mutex<HashMap<i64, CancellationToken>>,
    /// One claim at a time in this process (other processes: the database lock).
    claim_lock: tokio::sync::Mutex<()>,
    shutdown: CancellationToken,
    scheduler: scheduler::Scheduler,
    started: AtomicBool,
}

/// What `cancel` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// It was still waiting: now Cancelled.
    CancelledPending,
    /// It is running: its owner stops it within about a second.
    Requested,
    /// It had already finished; nothing to do.
    AlreadyFinished,
}

impl Engine {
    pub fn new(db: DatabaseConnection, key: MasterKey, outbox: Outbox) -> Self {
        Engine {
            inner: Arc::new(Inner {
                db,
                key,
                outbox,
                instance_id: uuid::Uuid::new_v4().to_string(),
                wake: Notify::new(),
                board: Arc::new(Board::new()),
                running: Mutex::new(HashMap::new()),
                claim_lock: tokio::sync::Mutex::new(()),
                shutdown: CancellationToken::new(),
                scheduler: scheduler::Scheduler::default(),
                started: AtomicBool::new(false),
            }),
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// Registers this instance, recovers interrupted executions, then starts the runner,
    /// the heartbeat and the scheduler. Calling it twice does nothing the second time.
    pub async fn start(&self) -> Result<(), EngineError> {
        if self.inner.started.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        instance::register(&self.inner.db, &self.inner.instance_id).await?;
        let recovered = recovery::recover_at_start(&self.inner.db, &self.inner.instance_id).await?;
        if !recovered.is_empty() {
            tracing::warn!(
                count = recovered.len(),
                "executions interrupted by a restart were marked failed"
            );
        }
        for run in &recovered {
            execute::announce(&self.inner, run).await;
        }
        runner::spawn(self.inner.clone());
        scheduler::schedule_all(&self.inner).await?;
        tracing::info!(instance = %self.inner.instance_id, "execution engine started");
        Ok(())
    }

    /// Queues a backup of `job_id` now (a manual or API run) and wakes the runner.
    pub async fn enqueue(
        &self,
        job_id: i64,
        trigger: ExecutionTrigger,
        triggered_by_user_id: Option<i64>,
    ) -> Result<i64, EngineError> {
        let id = queue::enqueue(&self.inner.db, job_id, trigger, triggered_by_user_id, None).await?;
        self.inner.wake.notify_one();
        Ok(id)
    }

    /// Queues a restore or verify of a stored backup and wakes the runner.
    pub async fn enqueue_read(
        &self,
        request: &ReadRequest,
        job_id: Option<i64>,
        trigger: ExecutionTrigger,
        triggered_by_user_id: Option<i64>,
    ) -> Result<i64, EngineError> {
        let id =
            read_request::enqueue(&self.inner.db, request, job_id, trigger, triggered_by_user_id).await?;
        self.inner.wake.notify_one();
        Ok(id)
    }

    /// Cancels a pending execution at once, or asks the instance running it to stop.
    pub async fn cancel(&self, execution_id: i64) -> Result<CancelOutcome, EngineError> {
        let outcome = queue::request_cancel(&self.inner.db, execution_id).await?;
        if outcome == CancelOutcome::Requested
            && let Some(token) = self.inner.running_token(execution_id)
        {
            token.cancel();
        }
        Ok(outcome)
    }

    /// The latest progress of an execution running in this process.
    pub fn progress(&self, execution_id: i64) -> Option<Progress> {
        self.inner.board.get(execution_id)
    }

    /// Live progress, log lines and status changes of the executions this process runs.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.board.subscribe()
    }

    /// (Re)arms a job's schedule after it was created or edited; disarms it when disabled.
    pub async fn reschedule(&self, job_id: i64) -> Result<(), EngineError> {
        scheduler::reschedule(&self.inner, job_id).await
    }

    /// Ids of the jobs whose schedule is armed in this process.
    pub fn scheduled_jobs(&self) -> Vec<i64> {
        self.inner.scheduler.scheduled()
    }

    /// Disarms a job's schedule (before deleting it, say).
    pub fn unschedule(&self, job_id: i64) {
        self.inner.scheduler.remove(job_id);
    }

    /// Stops scheduling and claiming, cancels running pipelines (recorded as Cancelled,
    /// "server shutting down") and waits for them to finish recording, up to 30 s.
    pub async fn shutdown(&self) {
        self.begin_shutdown();
        // A claim in flight has marked its execution Running but not yet entered it in
        // `running`; waiting for the claim lock closes that window.
        drop(self.inner.claim_lock.lock().await);
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while !self
            .inner
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if self.inner.started.load(Ordering::Acquire) {
            instance::unregister(&self.inner.db, &self.inner.instance_id).await;
        }
    }

    /// The non-waiting half of `shutdown`, for a signal handler.
    pub fn begin_shutdown(&self) {
        self.inner.shutdown.cancel();
        self.inner.scheduler.clear();
    }
}

impl Inner {
    fn running_token(&self, execution_id: i64) -> Option<CancellationToken> {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&execution_id)
            .cloned()
    }
}
