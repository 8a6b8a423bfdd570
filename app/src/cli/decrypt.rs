//! `bulwark decrypt`: open a backup file offline (decrypt, decompress), no server needed.

use super::secrets;
use adapters::pipeline::compress::{Compression, decompress};
use adapters::pipeline::encrypt::open;
use adapters::pipeline::manifest::{self, Manifest};
use adapters::{AdapterError, ByteStream};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub async fn run(
    input: &Path,
    output: Option<&Path>,
    identity: Option<&Path>,
    passphrase_file: Option<&Path>,
) -> Result<(), AdapterError> {
    let key = secrets::decryption(identity, passphrase_file)?;
    let (encrypted, compression) = describe(input)?;
    let file = tokio::fs::File::open(input)
        .await
        .map_err(|e| AdapterError::io(input.display(), e))?;
    let stream: ByteStream = Box::pin(file);
    let stream = if encrypted {
        open(stream, &key).await?
    } else {
        stream
    };
    let mut plain = decompress(stream, compression);
    match output {
        None => {
            let mut stdout = tokio::io::stdout();
            tokio::io::copy(&mut plain, &mut stdout)
                .await
                .map_err(|e| corrupt(input, e))?;
            stdout.flush().await.map_err(|e| AdapterError::io("stdout", e))?;
        }
        Some(out) => {
            // Written under a temporary name, so a failure never leaves a plausible file.
            let partial = PathBuf::from(format!("{}.partial", out.display()));
            let mut file = tokio::fs::File::create(&partial)
                .await
                .map_err(|e| AdapterError::io(partial.display(), e))?;
            let copied = tokio::io::copy(&mut plain, &mut file).await;
            let synced = match copied {
                Ok(_) => file
                    .sync_all()
                    .await
                    .map_err(|e| AdapterError::io(partial.display(), e)),
                Err(e) => Err(corrupt(input, e)),
            };
            if let Err(e) = synced {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
            tokio::fs::rename(&partial, out)
                .await
                .map_err(|e| AdapterError::io(out.display(), e))?;
            eprintln!("wrote {}", out.display());
        }
    }
    Ok(())
}

/// Encryption and compression from the manifest beside the file, else from its name.
fn describe(input: &Path) -> Result<(bool, Compression), AdapterError> {
    let sidecar = PathBuf::from(format!("{}{}", input.display(), manifest::SUFFIX));
    if let Ok(bytes) = std::fs::read(&sidecar) {
        let m = Manifest::from_json(&bytes)?;
        return Ok((m.encryption.kind != "none", m.compression));
    }
    let name = input.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let (stem, encrypted) = match name.strip_suffix(".age") {
        Some(stem) => (stem, true),
        None => (name, false),
    };
    let compression = [Compression::Zstd, Compression::Gzip, Compression::Brotli]
        .into_iter()
        .find(|c| stem.ends_with(c.suffix()))
        .unwrap_or(Compression::None);
    Ok((encrypted, compression))
}

fn corrupt(input: &Path, e: std::io::Error) -> AdapterError {
    match AdapterError::io(input.display(), e) {
        AdapterError::Io { context, source } => {
            AdapterError::Corrupt(format!("{context}: {source} (damaged file or wrong format)"))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_file_name() {
        let d = |n: &str| describe(Path::new(&format!("/nonexistent/{n}"))).unwrap();
        assert_eq!(d("x.dump.zst.age"), (true, Compression::Zstd));
        assert_eq!(d("x.sql.gz"), (false, Compression::Gzip));
        assert_eq!(d("x.sql.br.age"), (true, Compression::Brotli));
        assert_eq!(d("x.sqlite"), (false, Compression::None));
    }
}
