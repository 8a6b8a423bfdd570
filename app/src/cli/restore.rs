//! `bulwark restore` and `bulwark verify`.

use super::{cancel_on_signal, progress_printer, secrets};
use adapters::pipeline::{Provenance, ReadPolicy};
use adapters::{AdapterError, locator, pipeline};
use std::path::Path;

/// How far a read may go: `--trust-unsigned` and (restores) `--replace`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trust {
    pub trust_unsigned: bool,
    pub replace: bool,
}

fn policy(trust: Trust) -> Result<ReadPolicy, AdapterError> {
    Ok(ReadPolicy {
        manifest_key: secrets::manifest_key()?,
        trust_unsigned: trust.trust_unsigned,
        replace: trust.replace,
    })
}

fn warn_if_foreign(provenance: Provenance) {
    if provenance != Provenance::MadeHere {
        eprintln!(
            "warning: this backup is {}; it was read because of --trust-unsigned",
            provenance.describe()
        );
    }
}

pub async fn restore(
    from: &str,
    to: &str,
    identity: Option<&Path>,
    passphrase_file: Option<&Path>,
    trust: Trust,
    quiet: bool,
) -> Result<(), AdapterError> {
    let policy = policy(trust)?;
    let key = secrets::decryption(identity, passphrase_file)?;
    let (destination, object) = locator::object(from)?;
    let (source, selection) = locator::source(to)?;
    let database = match selection.as_slice() {
        [one] => one.clone(),
        // A SQLite URL names a file, which is the restore target itself.
        [] if source.kind() == "sqlite" => to.trim_start_matches("sqlite://").to_string(),
        _ => {
            return Err(AdapterError::InvalidConfig(
                "--to must name exactly one database to restore into".into(),
            ));
        }
    };
    let cancel = cancel_on_signal();
    let report = pipeline::restore(
        destination.as_ref(),
        &object,
        &key,
        source.as_ref(),
        &database,
        &policy,
        progress_printer(quiet),
        &cancel,
    )
    .await?;
    warn_if_foreign(report.provenance);
    eprintln!(
        "restored {} into {database} ({} stored, {} restored, sha256 {} verified)",
        report.object,
        super::human(report.stored_bytes),
        super::human(report.raw_bytes),
        report.sha256
    );
    Ok(())
}

pub async fn verify(
    from: &str,
    identity: Option<&Path>,
    passphrase_file: Option<&Path>,
    trust: Trust,
    quiet: bool,
) -> Result<(), AdapterError> {
    let policy = policy(trust)?;
    let key = secrets::decryption(identity, passphrase_file)?;
    let (destination, object) = locator::object(from)?;
    let cancel = cancel_on_signal();
    let report = pipeline::verify(
        destination.as_ref(),
        &object,
        &key,
        &policy,
        progress_printer(quiet),
        &cancel,
    )
    .await?;
    warn_if_foreign(report.provenance);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| AdapterError::Other(e.to_string()))?
    );
    eprintln!(
        "verified {}: checksum, decryption and decompression are good",
        report.object
    );
    Ok(())
}
