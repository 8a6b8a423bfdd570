//! `bulwark backup`: dump, compress, encrypt and store; prints the manifest JSON.

use super::{cancel_on_signal, progress_printer, secrets};
use adapters::pipeline::{BackupSpec, Compression, Target, Unit, backup};
use adapters::{AdapterError, locator};
use std::path::PathBuf;

pub struct Args {
    pub source: String,
    pub to: Vec<String>,
    pub compression: String,
    pub level: Option<i32>,
    pub recipients: Vec<String>,
    pub passphrase_file: Option<PathBuf>,
    pub name: String,
    pub globals: bool,
    pub quiet: bool,
}

/// Runs the backup; on success prints one manifest (one database) or an array of them.
pub async fn run(args: Args) -> Result<(), AdapterError> {
    if args.to.is_empty() {
        return Err(AdapterError::InvalidConfig(
            "give at least one --to destination".into(),
        ));
    }
    let compression = Compression::parse(&args.compression)?;
    compression.check_level(args.level)?;
    let encryption = secrets::encryption(&args.recipients, args.passphrase_file.as_deref())?;
    if matches!(encryption, adapters::pipeline::Encryption::None) {
        eprintln!("warning: no --recipient or --passphrase-file: this backup will NOT be encrypted");
    }
    let (source, selection) = locator::source(&args.source)?;
    let targets = args
        .to
        .iter()
        .map(|url| {
            Ok(Target {
                name: locator::redact(url),
                destination: locator::destination(url)?,
            })
        })
        .collect::<Result<Vec<_>, AdapterError>>()?;
    // Fail before a long dump, not after it: every destination must be reachable.
    for t in &targets {
        t.destination
            .test_connection()
            .await
            .map_err(|e| AdapterError::Other(format!("{}: {}", t.name, e.one_line())))?;
    }
    source.test_connection().await?;
    let databases = if selection.is_empty() {
        source.list_databases().await?
    } else {
        selection
    };
    if databases.is_empty() {
        return Err(AdapterError::NotFound(
            "the source has no database to back up".into(),
        ));
    }
    let signer = secrets::manifest_key()?;
    if signer.is_none() {
        eprintln!(
            "warning: no master key (BULWARK_ENCRYPTION_KEY, BULWARK_ENCRYPTION_KEY_FILE or \
             <BULWARK_DATA_DIR>/master.key): the manifest is unsigned, so restoring it will need --trust-unsigned"
        );
    }
    let spec = BackupSpec {
        dir: args.name.clone(),
        job: Some(args.name.clone()),
        job_id: None,
        signer,
        compression,
        level: args.level,
        encryption,
    };
    let cancel = cancel_on_signal();
    let progress = progress_printer(args.quiet);
    let mut manifests = Vec::new();
    let mut failures = Vec::new();
    let mut units: Vec<Unit> = databases.iter().map(|d| Unit::Database(d)).collect();
    if args.globals {
        units.insert(0, Unit::Globals);
    }
    for unit in units {
        let label = match &unit {
            Unit::Database(d) => d.to_string(),
            Unit::Globals => "globals".to_string(),
        };
        match backup(source.as_ref(), unit, &targets, &spec, progress.clone(), &cancel).await {
            Ok(outcome) => {
                for d in outcome.destinations.iter().filter(|d| !d.ok) {
                    failures.push(format!(
                        "{label} → {}: {}",
                        d.destination,
                        d.error.as_deref().unwrap_or("failed")
                    ));
                }
                manifests.push(outcome.manifest);
            }
            Err(AdapterError::Cancelled) => return Err(AdapterError::Cancelled),
            Err(e) => failures.push(format!("{label}: {}", e.one_line())),
        }
    }
    let json = if manifests.len() == 1 {
        serde_json::to_string_pretty(&manifests[0])
    } else {
        serde_json::to_string_pretty(&manifests)
    }
    .map_err(|e| AdapterError::Other(e.to_string()))?;
    if !manifests.is_empty() {
        println!("{json}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(AdapterError::Other(failures.join("; ")))
    }
}
