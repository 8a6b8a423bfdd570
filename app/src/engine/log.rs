//! An execution's log: `execution_logs` rows in `seq` order, also broadcast live.

use super::progress::{Board, Event};
use chrono::Utc;
use entity::enums::LogLevel;
use entity::execution_log;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect, Set};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

pub(crate) struct ExecLog {
    db: DatabaseConnection,
    board: Arc<Board>,
    execution_id: i64,
    next_seq: AtomicI32,
}

impl ExecLog {
    /// Continues after any lines already written for this execution.
    pub async fn open(db: &DatabaseConnection, board: Arc<Board>, execution_id: i64) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter};
        let last = execution_log::Entity::find()
            .filter(execution_log::Column::ExecutionId.eq(execution_id))
            .order_by_desc(execution_log::Column::Seq)
            .select_only()
            .column(execution_log::Column::Seq)
            .into_tuple::<i32>()
            .one(db)
            .await
            .ok()
            .flatten();
        ExecLog {
            db: db.clone(),
            board,
            execution_id,
            next_seq: AtomicI32::new(last.map_or(1, |s| s + 1)),
        }
    }

    pub async fn write(&self, level: LogLevel, stage: &str, message: impl Into<String>) {
        let message = message.into();
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        let at = Utc::now();
        let row = execution_log::ActiveModel {
            execution_id: Set(self.execution_id),
            seq: Set(seq),
            created_at: Set(at),
            level: Set(level),
            stage: Set(stage.to_string()),
            message: Set(message.clone()),
            ..Default::default()
        };
        if let Err(e) = row.insert(&self.db).await {
            tracing::warn!(execution = self.execution_id, error = %e, "cannot store a log line: {message}");
        }
        self.board.send(Event::Log {
            execution_id: self.execution_id,
            seq,
            at,
            level,
            stage: stage.to_string(),
            message,
        });
    }

    pub async fn info(&self, stage: &str, message: impl Into<String>) {
        self.write(LogLevel::Info, stage, message).await;
    }

    pub async fn warn(&self, stage: &str, message: impl Into<String>) {
        self.write(LogLevel::Warn, stage, message).await;
    }

    pub async fn error(&self, stage: &str, message: impl Into<String>) {
        self.write(LogLevel::Error, stage, message).await;
    }
}
