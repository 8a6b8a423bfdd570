//! Fan-out: the same chunks to several destination writers at once. The slowest sets the
//! pace; one that fails is aborted and marked failed while the others carry on.

use crate::error::{AdapterError, Result};
use crate::traits::{Destination, DestinationWriter, ObjectInfo};
use bytes::Bytes;
use futures::future::join_all;
use std::sync::Arc;

pub struct Target {
    pub name: String,
    pub destination: Arc<dyn Destination>,
}

struct Slot {
    name: String,
    writer: Option<Box<dyn DestinationWriter>>,
    error: Option<AdapterError>,
}

pub struct FanOut {
    slots: Vec<Slot>,
}

/// How one destination fared.
pub struct SlotResult {
    pub name: String,
    pub result: Result<ObjectInfo>,
}

impl FanOut {
    /// Opens a writer for `key` at every target; one that cannot open is failed already.
    pub async fn open(targets: &[Target], key: &str) -> Self {
        let opened = join_all(targets.iter().map(|t| t.destination.writer(key))).await;
        let slots = targets
            .iter()
            .zip(opened)
            .map(|(t, w)| match w {
                Ok(w) => Slot {
                    name: t.name.clone(),
                    writer: Some(w),
                    error: None,
                },
                Err(e) => Slot {
                    name: t.name.clone(),
                    writer: None,
                    error: Some(e),
                },
            })
            .collect();
        FanOut { slots }
    }

    pub fn live(&self) -> usize {
        self.slots.iter().filter(|s| s.writer.is_some()).count()
    }

    /// Writes `chunk` everywhere still alive. Fails only when no destination is left.
    pub async fn write(&mut self, chunk: Bytes) -> Result<()> {
        join_all(self.slots.iter_mut().filter(|s| s.writer.is_some()).map(|slot| {
            let chunk = chunk.clone();
            async move {
                let Some(writer) = slot.writer.as_mut() else { return };
                if let Err(e) = writer.write(chunk).await {
                    tracing::warn!(destination = %slot.name, error = %e, "destination failed; aborting its upload");
                    if let Some(w) = slot.writer.take()
                        && let Err(abort) = w.abort().await
                    {
                        tracing::warn!(destination = %slot.name, error = %abort, "abort failed");
                    }
                    slot.error = Some(e);
                }
            }
        }))
        .await;
        if self.live() == 0 {
            return Err(self.all_failed());
        }
        Ok(())
    }

    fn all_failed(&self) -> AdapterError {
        let reasons: Vec<String> = self
            .slots
            .iter()
            .map(|s| match &s.error {
                Some(e) => format!("{}: {}", s.name, e.one_line()),
                None => format!("{}: failed", s.name),
            })
            .collect();
        AdapterError::Other(reasons.join("; "))
    }

    /// Aborts every open writer (on a dump failure or a cancel).
    pub async fn abort_all(self) {
        join_all(self.slots.into_iter().filter_map(|s| {
            s.writer.map(|w| async move {
                if let Err(e) = w.abort().await {
                    tracing::warn!(destination = %s.name, error = %e, "abort failed");
                }
            })
        }))
        .await;
    }

    /// Commits every live writer; failed ones report their error.
    pub async fn commit_all(self) -> Vec<SlotResult> {
        join_all(self.slots.into_iter().map(|s| async move {
            let result = match (s.writer, s.error) {
                (Some(w), _) => w.commit().await,
                (None, Some(e)) => Err(e),
                (None, None) => Err(AdapterError::Other("the writer vanished".into())),
            };
            SlotResult { name: s.name, result }
        }))
        .await
    }
}
