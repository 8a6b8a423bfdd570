//! Turns configuration into a ready `AppState`: key, database, migrations, site options.

use super::config::Config;
use super::db;
use super::error::Result;
use super::master_key::MasterKey;
use super::state::AppState;
use leptos::config::{Env, LeptosOptions};

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("bulwark")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(Env::PROD)
        .build()
}

pub async fn prepare(config: Config) -> Result<AppState> {
    let (master_key, created) = MasterKey::load(&config.encryption_key)?;
    if created && let super::config::KeySource::Generated(path) = &config.encryption_key {
        tracing::warn!(
            path = %path.display(),
            "generated a new master key: back this file up now, stored secrets cannot be decrypted without it"
        );
    }
    let url = db::database_url(&config)?;
    tracing::info!(database = %db::redact_url(&url), "opening database");
    let connection = db::connect(&url).await?;
    db::migrate(&connection).await?;
    if !config.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "the site files (pkg/) are missing: pages will not hydrate; build with `make build` or set BULWARK_SITE_ROOT"
        );
    }
    let options = leptos_options(&config);
    Ok(AppState::new(connection, config, master_key, options))
}
