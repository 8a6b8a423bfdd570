//! Compression stage: zstd (default, level 3), gzip, brotli or none, streaming.

use crate::error::{AdapterError, Result};
use crate::traits::ByteStream;
use async_compression::Level;
use async_compression::tokio::bufread::{
    BrotliDecoder, BrotliEncoder, GzipDecoder, GzipEncoder, ZstdDecoder, ZstdEncoder,
};
use async_compression::tokio::write;
use bytes::{Bytes, BytesMut};
use serde::{Deserialize, Serialize};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[default]
    Zstd,
    Gzip,
    Brotli,
    None,
}

/// Read buffer in front of each codec; one of the few fixed memory costs of a run.
const BUF: usize = 256 * 1024;

impl Compression {
    pub fn parse(value: &str) -> Result<Self> {
        match value.to_ascii_lowercase().as_str() {
            "zstd" | "zst" => Ok(Compression::Zstd),
            "gzip" | "gz" => Ok(Compression::Gzip),
            "brotli" | "br" => Ok(Compression::Brotli),
            "none" => Ok(Compression::None),
            other => Err(AdapterError::InvalidConfig(format!(
                "unknown compression `{other}` (use zstd, gzip, brotli or none)"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
            Compression::Brotli => "brotli",
            Compression::None => "none",
        }
    }

    /// The file-name suffix, with its dot, or `""` for none.
    pub fn suffix(self) -> &'static str {
        match self {
            Compression::Zstd => ".zst",
            Compression::Gzip => ".gz",
            Compression::Brotli => ".br",
            Compression::None => "",
        }
    }

    pub fn default_level(self) -> Option<i32> {
        match self {
            Compression::Zstd => Some(3),
            Compression::Gzip => Some(6),
            Compression::Brotli => Some(5),
            Compression::None => None,
        }
    }

    /// Checks a user-chosen level against what the codec accepts.
    pub fn check_level(self, level: Option<i32>) -> Result<Option<i32>> {
        let range = match self {
            Compression::Zstd => 1..=19,
            Compression::Gzip => 1..=9,
            Compression::Brotli => 0..=11,
            Compression::None => {
                return match level {
                    None => Ok(None),
                    Some(_) => Err(AdapterError::InvalidConfig(
                        "a compression level makes no sense without compression".into(),
                    )),
                };
            }
        };
        match level {
            None => Ok(self.default_level()),
            Some(l) if range.contains(&l) => Ok(Some(l)),
            Some(l) => Err(AdapterError::InvalidConfig(format!(
                "{} level {l} is out of range {}..={}",
                self.name(),
                range.start(),
                range.end()
            ))),
        }
    }
}

pub fn compress(input: ByteStream, compression: Compression, level: Option<i32>) -> ByteStream {
    let quality = level.map(Level::Precise).unwrap_or(Level::Default);
    let buffered = BufReader::with_capacity(BUF, input);
    match compression {
        Compression::Zstd => Box::pin(ZstdEncoder::with_quality(buffered, quality)),
        Compression::Gzip => Box::pin(GzipEncoder::with_quality(buffered, quality)),
        Compression::Brotli => Box::pin(BrotliEncoder::with_quality(buffered, quality)),
        Compression::None => Box::pin(buffered),
    }
}

/// Plain input handed to the codec per step. The codec cannot be interrupted inside a
/// call, so this (with the codec's own block size) bounds the work done after a cancel.
const SLICE: usize = 64 * 1024;

/// Compressed bytes gathered per message: a codec emits small pieces, and every message
/// costs a channel hop, an age push and a write per destination.
const MESSAGE: usize = 128 * 1024;

/// A stream being compressed in the background; dropping it stops the work.
///
/// The codec runs on its own OS thread, never on the async runtime: at high levels
/// (brotli 11) one call into it takes seconds, which on a runtime worker would hold up
/// every task queued behind it, including the one that notices a cancel. The input is
/// read by a small async task and handed over through a bounded channel, so memory stays
/// bounded (two input slices, four messages, the codec's window) whatever the size.
pub struct Compressing {
    output: mpsc::Receiver<io::Result<Bytes>>,
    /// Set by the producer after its last message of a complete stream, so a producer
    /// that died (a panic) cannot pass for a clean end and commit a truncated backup.
    finished: Arc<AtomicBool>,
    reader: tokio::task::JoinHandle<()>,
}

impl Compressing {
    /// The next compressed message; `None` once everything (the codec's trailer
    /// included) was delivered. An error (the dump failing) ends the stream.
    pub async fn next(&mut self) -> Option<io::Result<Bytes>> {
        match self.output.recv().await {
            None if !self.finished.load(Ordering::Acquire) => {
                Some(Err(io::Error::other("the compressor stopped unexpectedly")))
            }
            next => next,
        }
    }
}

impl Drop for Compressing {
    fn drop(&mut self) {
        // Closing the output first tells the codec thread this is an abort, not an end:
        // it stops at its next step without finishing the stream, and exits.
        self.output.close();
        // Drops the dump stream, which stops the dump tool.
        self.reader.abort();
    }
}

/// What the reader hands the codec thread.
enum Raw {
    Data(Bytes),
    /// The input ended cleanly: finish the stream.
    End,
    Failed(io::Error),
}

/// Compresses `input` in the background; must be called within a tokio runtime.
pub fn compress_in_background(
    input: ByteStream,
    compression: Compression,
    level: Option<i32>,
) -> Compressing {
    let (out_tx, output) = mpsc::channel::<io::Result<Bytes>>(4);
    let finished = Arc::new(AtomicBool::new(false));
    let done = finished.clone();
    let quality = level.map(Level::Precise).unwrap_or(Level::Default);
    let reader = match compression {
        Compression::None => tokio::spawn(pass_through(input, out_tx, done)),
        codec => {
            let (raw_tx, raw_rx) = mpsc::channel::<Raw>(2);
            let spawned = std::thread::Builder::new()
                .name(format!("bulwark-{}", codec.name()))
                .spawn(move || match codec {
                    Compression::Zstd => encode(
                        write::ZstdEncoder::with_quality(Vec::new(), quality),
                        raw_rx,
                        out_tx,
                        done,
                    ),
                    Compression::Gzip => encode(
                        write::GzipEncoder::with_quality(Vec::new(), quality),
                        raw_rx,
                        out_tx,
                        done,
                    ),
                    Compression::Brotli => encode(
                        write::BrotliEncoder::with_quality(Vec::new(), quality),
                        raw_rx,
                        out_tx,
                        done,
                    ),
                    Compression::None => unreachable!("handled above"),
                });
            match spawned {
                Ok(_) => tokio::spawn(read_slices(input, raw_tx)),
                Err(e) => {
                    // No thread: the output channel is closed already; report why instead.
                    let (tx, rx) = mpsc::channel(1);
                    let _ = tx.try_send(Err(io::Error::other(format!("cannot start the compressor: {e}"))));
                    return Compressing {
                        output: rx,
                        finished,
                        reader: tokio::spawn(async {}),
                    };
                }
            }
        }
    };
    Compressing {
        output,
        finished,
        reader,
    }
}

/// Reads the input in slices for the codec thread.
async fn read_slices(mut input: ByteStream, raw: mpsc::Sender<Raw>) {
    let mut buf = BytesMut::new();
    loop {
        // Gathers at least half a slice (pipes deliver a few KiB per read), at most one.
        let mut end = None;
        while buf.len() < SLICE / 2 {
            buf.reserve(SLICE - buf.len());
            let room = (SLICE - buf.len()) as u64;
            match (&mut input).take(room).read_buf(&mut buf).await {
                Ok(0) => {
                    end = Some(Raw::End);
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    end = Some(Raw::Failed(e));
                    break;
                }
            }
        }
        if !buf.is_empty() && raw.send(Raw::Data(buf.split().freeze())).await.is_err() {
            return;
        }
        if let Some(end) = end {
            let _ = raw.send(end).await;
            return;
        }
    }
}

/// No codec: the input, gathered into messages.
async fn pass_through(mut input: ByteStream, out: mpsc::Sender<io::Result<Bytes>>, done: Arc<AtomicBool>) {
    let mut buf = BytesMut::new();
    loop {
        buf.reserve(MESSAGE * 2);
        let mut eof = false;
        while buf.len() < MESSAGE {
            match input.read_buf(&mut buf).await {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = out.send(Err(e)).await;
                    return;
                }
            }
        }
        if !buf.is_empty() && out.send(Ok(buf.split().freeze())).await.is_err() {
            return;
        }
        if eof {
            done.store(true, Ordering::Release);
            return;
        }
    }
}

/// The codec thread: feeds slices to `encoder` (whose sink is a `Vec` that never waits,
/// so each call completes at once) and sends what comes out. Stops without finishing
/// as soon as the output is closed (an abort) or the reader vanished without `End`.
fn encode<E>(
    mut encoder: E,
    mut raw: mpsc::Receiver<Raw>,
    out: mpsc::Sender<io::Result<Bytes>>,
    done: Arc<AtomicBool>,
) where
    E: AsyncWrite + Unpin + Sink,
{
    use futures::executor::block_on;
    loop {
        if out.is_closed() {
            return;
        }
        let result = match raw.blocking_recv() {
            Some(Raw::Data(slice)) => block_on(encoder.write_all(&slice)),
            Some(Raw::End) => match block_on(encoder.shutdown()) {
                Ok(()) => {
                    let rest = encoder.take_output();
                    if rest.is_empty() || out.blocking_send(Ok(rest)).is_ok() {
                        done.store(true, Ordering::Release);
                    }
                    return;
                }
                Err(e) => Err(e),
            },
            Some(Raw::Failed(e)) => Err(e),
            None => return,
        };
        if let Err(e) = result {
            let _ = out.blocking_send(Err(e));
            return;
        }
        if encoder.output_len() >= MESSAGE && out.blocking_send(Ok(encoder.take_output())).is_err() {
            return;
        }
    }
}

/// A write-side encoder whose sink is an in-memory buffer.
trait Sink {
    fn output_len(&self) -> usize;
    fn take_output(&mut self) -> Bytes;
}

macro_rules! vec_sink {
    ($($encoder:ident),*) => {$(
        impl Sink for write::$encoder<Vec<u8>> {
            fn output_len(&self) -> usize {
                self.get_ref().len()
            }
            fn take_output(&mut self) -> Bytes {
                Bytes::from(std::mem::replace(self.get_mut(), Vec::with_capacity(MESSAGE * 2)))
            }
        }
    )*};
}
vec_sink!(ZstdEncoder, GzipEncoder, BrotliEncoder);

pub fn decompress(input: ByteStream, compression: Compression) -> ByteStream {
    let buffered = BufReader::with_capacity(BUF, input);
    match compression {
        Compression::Zstd => {
            let mut d = ZstdDecoder::new(buffered);
            d.multiple_members(true);
            Box::pin(d)
        }
        Compression::Gzip => {
            let mut d = GzipDecoder::new(buffered);
            d.multiple_members(true);
            Box::pin(d)
        }
        Compression::Brotli => Box::pin(BrotliDecoder::new(buffered)),
        Compression::None => Box::pin(buffered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn round_trip(c: Compression, data: &[u8]) -> (Vec<u8>, usize) {
        let input: ByteStream = Box::pin(std::io::Cursor::new(data.to_vec()));
        let mut packed = Vec::new();
        compress(input, c, c.default_level())
            .read_to_end(&mut packed)
            .await
            .unwrap();
        let mut unpacked = Vec::new();
        decompress(Box::pin(std::io::Cursor::new(packed.clone())), c)
            .read_to_end(&mut unpacked)
            .await
            .unwrap();
        (unpacked, packed.len())
    }

    #[tokio::test]
    async fn every_codec_round_trips_and_shrinks_text() {
        let data = "INSERT INTO t VALUES (1, 'row');\n".repeat(20_000);
        for c in [
            Compression::Zstd,
            Compression::Gzip,
            Compression::Brotli,
            Compression::None,
        ] {
            let (back, packed) = round_trip(c, data.as_bytes()).await;
            assert_eq!(back, data.as_bytes(), "{c:?}");
            if c != Compression::None {
                assert!(packed < data.len() / 10, "{c:?} packed {packed}");
            }
        }
    }

    #[tokio::test]
    async fn corrupt_input_is_an_error() {
        let mut out = Vec::new();
        let res = decompress(
            Box::pin(std::io::Cursor::new(b"not zstd at all".to_vec())),
            Compression::Zstd,
        )
        .read_to_end(&mut out)
        .await;
        assert!(res.is_err());
    }

    #[test]
    fn names_levels_and_suffixes() {
        assert_eq!(Compression::parse("ZSTD").unwrap(), Compression::Zstd);
        assert!(
            Compression::parse("lz4")
                .unwrap_err()
                .to_string()
                .contains("unknown compression")
        );
        assert_eq!(Compression::Zstd.check_level(None).unwrap(), Some(3));
        assert!(Compression::Zstd.check_level(Some(30)).is_err());
        assert!(Compression::None.check_level(Some(1)).is_err());
        assert_eq!(Compression::Gzip.suffix(), ".gz");
    }
}
