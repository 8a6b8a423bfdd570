//! `bulwark keygen`: a new age identity and its recipient, in age-keygen's format.

use adapters::pipeline::encrypt::keygen;
use age::secrecy::ExposeSecret;
use std::io::Write;
use std::path::Path;

pub fn run(output: Option<&Path>) -> anyhow::Result<()> {
    let (secret, public) = keygen();
    let text = format!(
        "# created: {}\n# public key: {public}\n{}\n",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        secret.expose_secret()
    );
    match output {
        None => print!("{text}"),
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            eprintln!("Public key: {public}");
        }
    }
    Ok(())
}
