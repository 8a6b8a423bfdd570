//! Streams one object to S3 as a multipart upload, one part filling while the previous one
//! uploads. Objects smaller than the first part go up in a single PutObject. Parts above
//! a size limit fill a temporary file instead of memory (see `s3_part_buffer`), so memory
//! stays bounded and disk use is at most two parts.
//!
//! Integrity in transit: the SDK's default CRC32 checksum travels with every part and the
//! store verifies it. No checksum algorithm is declared on the upload itself, which some
//! S3-compatible stores reject; Bulwark's manifest carries the SHA-256 of the whole object.
//!
//! A writer dropped without `commit` or `abort` never makes the object visible. If a
//! multipart upload was started, it is aborted from a background task when a Tokio runtime
//! is available; if the process dies first, the upload stays pending (invisible, but
//! billed) until a bucket lifecycle rule (`AbortIncompleteMultipartUpload`) removes it.

use super::client::ObjectRef;
use super::error::{Missing, map_sdk_error};
use super::part_buffer::{Part, PartBuffer, SpillPolicy};
use crate::error::{AdapterError, Result};
use crate::traits::{DestinationWriter, ObjectInfo};
use async_trait::async_trait;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;
use std::sync::Arc;
use tokio::task::JoinHandle;

const MIB: usize = 1024 * 1024;
/// S3's smallest part (except the last).
pub const MIN_PART_SIZE: usize = 5 * MIB;
/// S3's largest part.
pub const MAX_PART_SIZE: usize = 5 * 1024 * MIB;
pub const MAX_PARTS: u32 = 10_000;
pub const DEFAULT_FIRST_PART_SIZE: usize = 8 * MIB;
const PARTS_PER_DOUBLING: u32 = 1000;

/// The size of part `part_number` (1-based) in production: 8 MiB for parts 1–1000,
/// doubling every 1000 parts (capped at 5 GiB), so a stream of unknown size can reach
/// S3's 5 TiB object limit within 10,000 parts while small backups buffer little.
pub fn part_size(part_number: u32) -> usize {
    part_size_from(DEFAULT_FIRST_PART_SIZE, part_number)
}

/// The same schedule starting from `first` bytes.
pub(super) fn part_size_from(first: usize, part_number: u32) -> usize {
    let doublings = part_number.saturating_sub(1) / PARTS_PER_DOUBLING;
    first
        .saturating_mul(1usize << doublings.min(20))
        .min(MAX_PART_SIZE)
}

pub(super) struct S3Writer {
    object: Arc<ObjectRef>,
    first_part_size: usize,
    spill: SpillPolicy,
    /// The part being filled. It is sent only once more data arrives, so the last part
    /// is never empty and part 10,000 can be refused before it is exceeded.
    buffer: PartBuffer,
    size: u64,
    /// Set once the multipart upload is created; cleared when completed or aborted.
    upload_id: Option<String>,
    /// The number of the part in `buffer`.
    part_number: u32,
    done: Vec<CompletedPart>,
    in_flight: Option<JoinHandle<Result<CompletedPart>>>,
}

impl S3Writer {
    pub(super) fn new(object: ObjectRef, first_part_size: usize, spill: SpillPolicy) -> Self {
        S3Writer {
            object: Arc::new(object),
            first_part_size,
            buffer: PartBuffer::new(part_size_from(first_part_size, 1), &spill),
            spill,
            size: 0,
            upload_id: None,
            part_number: 1,
            done: Vec::new(),
            in_flight: None,
        }
    }

    async fn upload_id(&mut self) -> Result<String> {
        if let Some(id) = &self.upload_id {
            return Ok(id.clone());
        }
        let o = &self.object;
        let mut request = o.client.create_multipart_upload().bucket(&o.bucket).key(&o.key);
        if let Some(class) = &o.storage_class {
            request = request.storage_class(class.clone());
        }
        let output = request.send().await.map_err(|e| {
            map_sdk_error(
                e,
                &format!("starting the upload of {}", o.uri()),
                &o.target(),
                Missing::Object,
            )
        })?;
        let id = output.upload_id.ok_or_else(|| {
            AdapterError::Other(format!("starting the upload of {}: no upload id", o.uri()))
        })?;
        self.upload_id = Some(id.clone());
        Ok(id)
    }

    /// Starts uploading the full buffer, after waiting for the previous part.
    async fn send_part(&mut self) -> Result<()> {
        if self.part_number >= MAX_PARTS {
            return Err(AdapterError::Other(format!(
                "{} is larger than one S3 upload allows ({MAX_PARTS} parts)",
                self.object.uri()
            )));
        }
        let upload_id = self.upload_id().await?;
        self.wait_in_flight().await?;
        let part = self.take_buffer(self.part_number + 1).finish().await?;
        let task = upload_part(self.object.clone(), upload_id, self.part_number, part);
        self.in_flight = Some(tokio::spawn(task));
        self.part_number += 1;
        Ok(())
    }

    /// The filled buffer, replaced by an empty one for part `next`.
    fn take_buffer(&mut self, next: u32) -> PartBuffer {
        let empty = PartBuffer::new(part_size_from(self.first_part_size, next), &self.spill);
        std::mem::replace(&mut self.buffer, empty)
    }

    async fn wait_in_flight(&mut self) -> Result<()> {
        if let Some(task) = self.in_flight.take() {
            let part = task
                .await
                .map_err(|e| AdapterError::Other(format!("uploading {}: {e}", self.object.uri())))??;
            self.done.push(part);
        }
        Ok(())
    }

    async fn finish(&mut self) -> Result<ObjectInfo> {
        let o = self.object.clone();
        match self.upload_id.clone() {
            None => {
                let Part { body, len, file } = self.take_buffer(1).finish().await?;
                let mut request = o
                    .client
                    .put_object()
                    .bucket(&o.bucket)
                    .key(&o.key)
                    .content_length(len as i64)
                    .body(body);
                if let Some(class) = &o.storage_class {
                    request = request.storage_class(class.clone());
                }
                request.send().await.map_err(|e| {
                    map_sdk_error(e, &format!("uploading {}", o.uri()), &o.target(), Missing::Object)
                })?;
                drop(file);
            }
            Some(upload_id) => {
                self.wait_in_flight().await?;
                let part = self.take_buffer(self.part_number + 1).finish().await?;
                let last = upload_part(o.clone(), upload_id.clone(), self.part_number, part).await?;
                self.done.push(last);
                let parts = CompletedMultipartUpload::builder()
                    .set_parts(Some(self.done.clone()))
                    .build();
                o.client
                    .complete_multipart_upload()
                    .bucket(&o.bucket)
                    .key(&o.key)
                    .upload_id(&upload_id)
                    .multipart_upload(parts)
                    .send()
                    .await
                    .map_err(|e| {
                        map_sdk_error(
                            e,
                            &format!("completing the upload of {}", o.uri()),
                            &o.target(),
                            Missing::Object,
                        )
                    })?;
                self.upload_id = None;
            }
        }
        self.verify().await
    }

    /// Confirms the stored object has every byte written.
    async fn verify(&self) -> Result<ObjectInfo> {
        let o = &self.object;
        let head = o
            .client
            .head_object()
            .bucket(&o.bucket)
            .key(&o.key)
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &format!("checking the upload of {}", o.uri()),
                    &o.target(),
                    Missing::Object,
                )
            })?;
        let stored = head.content_length.unwrap_or(0).max(0) as u64;
        if stored != self.size {
            return Err(AdapterError::Corrupt(format!(
                "{} holds {stored} bytes after {} bytes were uploaded",
                o.uri(),
                self.size
            )));
        }
        Ok(ObjectInfo {
            path: o.relative.clone(),
            size: stored,
            modified_unix: head.last_modified.map(|t| t.secs()),
        })
    }
}

async fn upload_part(
    object: Arc<ObjectRef>,
    upload_id: String,
    number: u32,
    part: Part,
) -> Result<CompletedPart> {
    let Part { body, len, file } = part;
    let o = &object;
    let output = o
        .client
        .upload_part()
        .bucket(&o.bucket)
        .key(&o.key)
        .upload_id(upload_id)
        .part_number(number as i32)
        .content_length(len as i64)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            map_sdk_error(
                e,
                &format!("uploading part {number} of {}", o.uri()),
                &o.target(),
                Missing::Object,
            )
        })?;
    // Gone as soon as the store has the part; a cancelled task drops it too.
    drop(file);
    Ok(CompletedPart::builder()
        .part_number(number as i32)
        .set_e_tag(output.e_tag)
        .build())
}

/// Cancels a part still uploading, then discards the upload and every stored part.
async fn abort_upload(
    object: &ObjectRef,
    upload_id: &str,
    in_flight: Option<JoinHandle<Result<CompletedPart>>>,
) -> Result<()> {
    if let Some(task) = in_flight {
        task.abort();
        let _ = task.await;
    }
    object
        .client
        .abort_multipart_upload()
        .bucket(&object.bucket)
        .key(&object.key)
        .upload_id(upload_id)
        .send()
        .await
        .map_err(|e| {
            map_sdk_error(
                e,
                &format!("aborting the upload of {}", object.uri()),
                &object.target(),
                Missing::Object,
            )
        })?;
    Ok(())
}

#[async_trait]
impl DestinationWriter for S3Writer {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            let room = self.buffer.room();
            if room == 0 {
                self.send_part().await?;
                continue;
            }
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.buffer.append(now).await?;
            self.size += now.len() as u64;
            rest = later;
        }
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<ObjectInfo> {
        let result = self.finish().await;
        if result.is_err()
            && let Some(upload_id) = self.upload_id.take()
            && let Err(e) = abort_upload(&self.object, &upload_id, self.in_flight.take()).await
        {
            tracing::warn!(object = %self.object.uri(), error = %e, "could not abort the failed upload");
        }
        result
    }

    async fn abort(mut self: Box<Self>) -> Result<()> {
        match self.upload_id.take() {
            Some(upload_id) => abort_upload(&self.object, &upload_id, self.in_flight.take()).await,
            None => Ok(()),
        }
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        let Some(upload_id) = self.upload_id.take() else {
            return;
        };
        let object = self.object.clone();
        let in_flight = self.in_flight.take();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = abort_upload(&object, &upload_id, in_flight).await {
                        tracing::warn!(object = %object.uri(), error = %e, "could not abort an abandoned upload");
                    }
                });
            }
            Err(_) => tracing::warn!(
                object = %object.uri(),
                upload_id,
                "abandoned multipart upload left pending; a bucket lifecycle rule can remove it"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIB: u128 = 1024 * 1024 * 1024 * 1024;

    #[test]
    fn early_parts_are_small_but_valid() {
        assert_eq!(part_size(1), 8 * MIB);
        assert_eq!(part_size(1000), 8 * MIB);
        assert_eq!(part_size(1001), 16 * MIB);
        assert!((1..=MAX_PARTS).all(|n| part_size(n) >= MIN_PART_SIZE));
    }

    #[test]
    fn no_part_exceeds_the_s3_maximum() {
        assert!((1..=MAX_PARTS + 5000).all(|n| part_size(n) <= MAX_PART_SIZE));
        assert_eq!(part_size(u32::MAX), MAX_PART_SIZE);
    }

    #[test]
    fn ten_thousand_parts_reach_five_tebibytes() {
        let total: u128 = (1..=MAX_PARTS).map(|n| part_size(n) as u128).sum();
        assert!(total >= 5 * TIB, "{total}");
    }

    #[test]
    fn a_custom_first_part_keeps_the_shape() {
        assert_eq!(part_size_from(MIN_PART_SIZE, 1), MIN_PART_SIZE);
        assert_eq!(part_size_from(MIN_PART_SIZE, 2001), 4 * MIN_PART_SIZE);
    }
}
