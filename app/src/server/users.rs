//! Users: validation and creation shared by first-run setup and the Users page.

use super::error::Result;
use super::password;
use crate::api::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{group, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};

pub async fn any_exist(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(user::Entity::find().count(db).await? > 0)
}

pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A deliberately loose check: one `@`, something on each side, a dot in the domain,
/// no spaces. The real proof of an address is mail reaching it.
pub fn email_violation(email: &str) -> Option<String> {
    if email.is_empty() {
        return Some("Enter an email address.".into());
    }
    let valid = email.chars().count() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    (!valid).then(|| format!("\"{email}\" is not a valid email address."))
}

/// A person's name: not blank, at most 200 characters counted as sent (surrounding
/// spaces are dropped when it is stored).
pub fn name_violation(name: &str) -> Result<(), ApiError> {
    if name.chars().count() > 200 {
        return Err(ApiError::invalid("The name must be at most 200 characters long."));
    }
    if name.trim().is_empty() {
        return Err(ApiError::invalid("Enter a name."));
    }
    Ok(())
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub password_confirm: String,
    pub group_id: i64,
}

/// Checks every field and reports the first problem in words a person can act on.
pub fn validate(new: &NewUser) -> Result<(), ApiError> {
    if let Some(msg) = email_violation(&new.email) {
        return Err(ApiError::Invalid(msg));
    }
    name_violation(&new.name)?;
    if new.password.is_empty() {
        return Err(ApiError::invalid("Enter a password."));
    }
    if let Some(msg) = password::policy_violation(&new.password) {
        return Err(ApiError::Invalid(msg));
    }
    if new.password != new.password_confirm {
        return Err(ApiError::invalid("The two passwords do not match."));
    }
    Ok(())
}

pub fn duplicate_email(email: &str) -> ApiError {
    ApiError::Conflict(format!("A user with the email {email} already exists."))
}

/// Inserts a validated user. `new.email` must already be normalised.
pub async fn insert(db: &impl ConnectionTrait, new: &NewUser, now: DateTime<Utc>) -> Result<user::Model> {
    validate(new)?;
    if group::Entity::find_by_id(new.group_id).one(db).await?.is_none() {
        return Err(ApiError::invalid("The chosen group does not exist.").into());
    }
    if find_by_email(db, &new.email).await?.is_some() {
        return Err(duplicate_email(&new.email).into());
    }
    let hash = password::hash(&new.password)?;
    let inserted = user::ActiveModel {
        email: Set(new.email.clone()),
        name: Set(new.name.trim().to_string()),
        password_hash: Set(Some(hash)),
        timezone: Set("UTC".into()),
        disabled: Set(false),
        group_id: Set(new.group_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(model) => Ok(model),
        // Lost a race with another insert of the same email.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(duplicate_email(&new.email).into())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

pub async fn superadmin_group(db: &impl ConnectionTrait) -> Result<group::Model> {
    group::Entity::find()
        .filter(group::Column::Name.eq(migration::SUPERADMIN_GROUP))
        .one(db)
        .await?
        .ok_or_else(|| {
            super::error::ServerError::Config(
                "the SuperAdmin group is missing: the database was not migrated".into(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(email: &str, name: &str, pw: &str, confirm: &str) -> NewUser {
        NewUser {
            email: email.into(),
            name: name.into(),
            password: pw.into(),
            password_confirm: confirm.into(),
            group_id: 1,
        }
    }

    #[test]
    fn email_rules() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org"] {
            assert_eq!(email_violation(ok), None, "{ok}");
        }
        for bad in [
            "", "plain", "a@b", "@b.co", "a@.co", "a b@c.de", "a@b@c.de", "a@b.co.",
        ] {
            assert!(email_violation(bad).is_some(), "{bad}");
        }
        assert_eq!(normalize_email("  Admin@Example.COM "), "admin@example.com");
    }

    #[test]
    fn validation_messages_name_the_problem() {
        let long = "a long enough password";
        let cases = [
            (new_user("", "N", long, long), "Enter an email"),
            (new_user("x@y.io", " ", long, long), "Enter a name"),
            (new_user("x@y.io", "N", "", ""), "Enter a password"),
            (new_user("x@y.io", "N", "short", "short"), "at least 12"),
            (
                new_user("x@y.io", "N", long, "different password"),
                "do not match",
            ),
        ];
        for (input, expected) in cases {
            let err = validate(&input).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} should contain {expected}");
        }
        assert!(validate(&new_user("x@y.io", "N", long, long)).is_ok());
    }
}
