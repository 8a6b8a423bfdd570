//! `bulwark api-key create`: a key for provisioning scripts, printed once on stdout.

use crate::server::api_keys::{self, NewKey};
use crate::server::{config::Config, db};
use chrono::{Duration, Utc};

pub async fn create(
    config: Config,
    name: String,
    permissions: String,
    expires_in_days: Option<i64>,
) -> anyhow::Result<()> {
    let permissions = api_keys::parse_permissions(&permissions)?;
    let now = Utc::now();
    let expires_at = match expires_in_days {
        None => None,
        Some(d) if d > 0 => Some(now + Duration::days(d)),
        Some(_) => anyhow::bail!("--expires-in must be a positive number of days"),
    };
    let url = db::database_url(&config)?;
    let connection = db::connect(&url).await?;
    db::migrate(&connection).await?;
    let (model, key) = api_keys::create(
        &connection,
        NewKey {
            name,
            permissions,
            created_by_user_id: None,
            expires_at,
        },
        now,
    )
    .await?;
    crate::server::account_audit::record(
        &connection,
        crate::server::audit::Actor::Anonymous("cli"),
        &Default::default(),
        crate::server::account_audit::AccountEvent::ApiKeyCreatedByCli {
            id: model.id,
            name: &model.name,
            prefix: &model.prefix,
        },
    )
    .await?;
    println!("{key}");
    eprintln!(
        "API key {} created ({}); it is shown only now. Send it as `Authorization: Bearer …`.",
        model.name, model.prefix
    );
    Ok(())
}
