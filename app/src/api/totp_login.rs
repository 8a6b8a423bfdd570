//! The second sign-in step with the authenticator app: a current code or a backup code.

use super::error::ApiError;
use leptos::prelude::*;

/// `code`: six digits from the authenticator app, or one of the backup codes (dashes,
/// spaces and case do not matter). Finishes the pending sign-in and goes to `/`.
#[server(endpoint = "verify_totp_login")]
pub async fn verify_totp_login(code: String) -> Result<(), ApiError> {
    use crate::server::account_audit::{self, AccountEvent};
    use crate::server::audit::Actor;
    use crate::server::auth::{Need, guard, respond};
    use crate::server::totp_store::{self, BAD_CODE};
    use crate::server::{mfa, totp_limits};
    respond(async move {
        let caller = guard(Need::Public)?;
        let (pending, user) = mfa::pending(&caller).await?.ok_or(ApiError::Unauthenticated)?;
        let attempt = match totp_limits::begin(&caller, user.id) {
            Ok(attempt) => attempt,
            Err(limited) => {
                mfa::record_failure(&caller, &user, "rate limited").await?;
                return Err(limited);
            }
        };
        let db = &caller.state.db;
        let key = &caller.state.master_key;
        let Some(row) = totp_store::find_confirmed(db, user.id).await? else {
            return Err(ApiError::invalid("This account has no authenticator app set up.").into());
        };
        let code = code.trim();
        let looks_like_totp = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| c.is_ascii_digit());
        let method = if looks_like_totp {
            totp_store::use_code(db, key, &row, code, chrono::Utc::now())
                .await?
                .then_some("totp")
        } else {
            match totp_store::use_backup_code(db, key, &row, code).await? {
                Some(left) => {
                    account_audit::record(
                        db,
                        Actor::UserRow {
                            id: user.id,
                            email: &user.email,
                        },
                        &caller.client,
                        AccountEvent::TotpBackupCodeUsed {
                            user_id: user.id,
                            left,
                        },
                    )
                    .await?;
                    Some("backup-code")
                }
                None => None,
            }
        };
        let Some(method) = method else {
            attempt.failed();
            let what = if looks_like_totp {
                "wrong authenticator code"
            } else {
                "wrong backup code"
            };
            mfa::record_failure(&caller, &user, what).await?;
            return Err(ApiError::invalid(BAD_CODE).into());
        };
        attempt.succeeded();
        mfa::complete(&caller, pending, &user, method).await
    })
    .await
}
