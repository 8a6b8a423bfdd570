//! Compression stage: zstd (default, level 3), gzip, brotli or none, streaming.

use crate::error::{AdapterError, Result};
use crate::traits::ByteStream;
use async_compression::Level;
use async_compression::tokio::bufread::{
    BrotliDecoder, BrotliEncoder, GzipDecoder, GzipEncoder, ZstdDecoder, ZstdEncoder,
};
use serde::{Deserialize, Serialize};
use tokio::io::BufReader;

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
