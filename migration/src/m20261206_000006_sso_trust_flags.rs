//! Two SSO provider flags only a SuperAdmin may set (docs/SECURITY.md, finding 2):
//! `link_by_email` lets a provider sign in to an existing account whose email it vouches
//! for; `mfa_by_provider` lets the provider's MFA (its `amr` claim) stand in for the
//! account's own second factor. Both default off, so existing providers stop linking by
//! email and users with a second factor are asked for it after SSO.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum SsoProviders {
    Table,
    LinkByEmail,
    MfaByProvider,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for column in [SsoProviders::LinkByEmail, SsoProviders::MfaByProvider] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SsoProviders::Table)
                        .add_column(boolean(column).default(false))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [SsoProviders::LinkByEmail, SsoProviders::MfaByProvider] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SsoProviders::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
