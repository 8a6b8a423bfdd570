//! The `bulwark` binary: the console server and the command-line tools.

use anyhow::Context;
use app::cli;
use app::server::{config::Config, db, router, startup};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "bulwark", version, about = "Self-hosted backup orchestration")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web console and scheduler (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Back up databases to one or more destinations; prints the manifest JSON.
    Backup {
        /// postgres://user[:pass]@host[:port]/db (db omitted or `*`: all), mysql://…, sqlite:///abs/path.db
        #[arg(long)]
        source: String,
        /// file:///abs/dir or s3://bucket/prefix?endpoint=…&region=…&path_style=true (repeatable)
        #[arg(long = "to", required = true)]
        to: Vec<String>,
        #[arg(long, default_value = "zstd", value_parser = ["zstd", "gzip", "brotli", "none"])]
        compression: String,
        /// Compression level (zstd 1-19, default 3; gzip 1-9; brotli 0-11).
        #[arg(long)]
        level: Option<i32>,
        /// age recipient (age1…) to encrypt to (repeatable).
        #[arg(long = "recipient")]
        recipients: Vec<String>,
        /// Encrypt with the passphrase in this file instead of recipients.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Folder (and job name) the backup is stored under.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Also back up server-wide roles and tablespaces (PostgreSQL).
        #[arg(long)]
        globals: bool,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Restore a backup object into a database (the original or a new name).
    Restore {
        /// The stored object: file:///abs/path/… or s3://bucket/key?endpoint=…
        #[arg(long)]
        from: String,
        /// The database to restore into: postgres://…/newdb, mysql://…/newdb, sqlite:///abs/new.db
        #[arg(long)]
        to: String,
        #[arg(long, conflicts_with = "passphrase_file")]
        identity: Option<PathBuf>,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Restore even though this installation's master key did not sign the manifest
        /// (a backup from elsewhere). Only for backups whose origin you know.
        #[arg(long)]
        trust_unsigned: bool,
        /// Replace what the target database or file holds (refused without it).
        #[arg(long)]
        replace: bool,
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a backup end to end (checksum, decryption, decompression) without restoring.
    Verify {
        #[arg(long)]
        from: String,
        #[arg(long, conflicts_with = "passphrase_file")]
        identity: Option<PathBuf>,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Verify even though this installation's master key did not sign the manifest.
        #[arg(long)]
        trust_unsigned: bool,
        #[arg(long, short)]
        quiet: bool,
    },
    /// Decrypt and decompress a backup file offline.
    Decrypt {
        /// The backup file.
        input: PathBuf,
        /// Where to write the plain dump (default: stdout).
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, conflicts_with = "passphrase_file")]
        identity: Option<PathBuf>,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Print a new age identity and its public recipient.
    Keygen {
        /// Write the identity to this file (mode 0600) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Manage REST API keys (uses the same data directory or DATABASE_URL as the server).
    #[command(name = "api-key", subcommand)]
    ApiKey(ApiKeyCommand),
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key and print it on stdout (shown once).
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated permissions (e.g. jobs:read,jobs:execute), or `all`.
        #[arg(long)]
        permissions: String,
        /// Days until the key expires (default: never).
        #[arg(long)]
        expires_in: Option<i64>,
    },
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        // `{:#}` prints the whole chain of causes on one line.
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The server logs what it does; the tools only warnings, next to their own output.
    init_tracing(
        if matches!(cli.command, None | Some(Command::Serve | Command::Migrate)) {
            "info"
        } else {
            "warn"
        },
    );
    let tool = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => return serve(Config::from_env()?).await,
        Command::Migrate => return migrate(Config::from_env()?).await,
        Command::Keygen { output } => return cli::keygen::run(output.as_deref()),
        Command::ApiKey(ApiKeyCommand::Create {
            name,
            permissions,
            expires_in,
        }) => return cli::api_key::create(Config::from_env()?, name, permissions, expires_in).await,
        Command::Backup {
            source,
            to,
            compression,
            level,
            recipients,
            passphrase_file,
            name,
            globals,
            quiet,
        } => {
            cli::backup::run(cli::backup::Args {
                source,
                to,
                compression,
                level,
                recipients,
                passphrase_file,
                name,
                globals,
                quiet,
            })
            .await
        }
        Command::Restore {
            from,
            to,
            identity,
            passphrase_file,
            trust_unsigned,
            replace,
            quiet,
        } => {
            let trust = cli::restore::Trust {
                trust_unsigned,
                replace,
            };
            cli::restore::restore(
                &from,
                &to,
                identity.as_deref(),
                passphrase_file.as_deref(),
                trust,
                quiet,
            )
            .await
        }
        Command::Verify {
            from,
            identity,
            passphrase_file,
            trust_unsigned,
            quiet,
        } => {
            let trust = cli::restore::Trust {
                trust_unsigned,
                replace: false,
            };
            cli::restore::verify(
                &from,
                identity.as_deref(),
                passphrase_file.as_deref(),
                trust,
                quiet,
            )
            .await
        }
        Command::Decrypt {
            input,
            output,
            identity,
            passphrase_file,
        } => {
            cli::decrypt::run(
                &input,
                output.as_deref(),
                identity.as_deref(),
                passphrase_file.as_deref(),
            )
            .await
        }
    };
    if let Err(e) = tool {
        eprintln!("error: {}", e.one_line());
        std::process::exit(match e {
            adapters::AdapterError::Cancelled => 130,
            _ => 1,
        });
    }
    Ok(())
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let url = db::database_url(&config)?;
    let connection = db::connect(&url).await?;
    db::migrate(&connection).await?;
    tracing::info!(database = %db::redact_url(&url), "migrations applied");
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let public_url = config.public_url.clone();
    let state = startup::prepare(config).await?;
    state
        .engine
        .start()
        .await
        .context("cannot start the execution engine")?;
    let background = app::server::background::start(&state);
    let app = router::build(state.clone());
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(%listen, %public_url, version = env!("CARGO_PKG_VERSION"), "Bulwark console ready");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown({
            let engine = state.engine.clone();
            async move {
                shutdown_signal().await;
                engine.begin_shutdown();
            }
        })
        .await
        .context("server stopped with an error")?;
    background.stop().await;
    state.engine.shutdown().await;
    state.db.close().await.ok();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    app::signals::terminated().await;
    tracing::info!("shutdown signal received: finishing open requests");
}

fn init_tracing(default_level: &str) {
    let filter = EnvFilter::try_from_env("BULWARK_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    // Logs go to stderr so a command's stdout (a manifest, a dump) stays clean.
    let json = std::env::var("BULWARK_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
