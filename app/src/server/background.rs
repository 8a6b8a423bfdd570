//! The periodic tasks `bulwark serve` runs next to the engine: health checks and
//! system tasks (log purges). Started after the engine, stopped before it.

use super::state::AppState;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct Background {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

pub fn start(state: &AppState) -> Background {
    let stop = CancellationToken::new();
    let tasks = vec![
        super::health_checks::spawn(state.clone(), stop.clone()),
        super::system_tasks::spawn(state.clone(), stop.clone()),
    ];
    tracing::info!("health checks and system tasks started");
    Background { stop, tasks }
}

impl Background {
    /// Stops both loops (a check or purge in progress is abandoned) and waits for them.
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            task.await.ok();
        }
    }
}
