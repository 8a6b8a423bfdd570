//! The audit log: one row per change, sign-in and refusal. Never holds a secret.

use super::auth::{AuthUser, ClientInfo};
use super::error::Result;
use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

pub struct Entry<'a> {
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<String>,
    pub summary: String,
    pub success: bool,
}

/// Who did it: a user, or a label such as the email typed into a failed sign-in.
pub enum Actor<'a> {
    User(&'a AuthUser),
    Anonymous(&'a str),
    UserRow { id: i64, email: &'a str },
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: Actor<'_>,
    client: &ClientInfo,
    entry: Entry<'_>,
) -> Result<()> {
    let (actor_user_id, actor_label) = match actor {
        Actor::User(u) => (Some(u.user_id), u.email.clone()),
        Actor::UserRow { id, email } => (Some(id), email.to_string()),
        Actor::Anonymous(label) => (None, label.chars().take(254).collect()),
    };
    audit_log::ActiveModel {
        created_at: Set(Utc::now()),
        actor_user_id: Set(actor_user_id),
        actor_label: Set(actor_label),
        action: Set(entry.action.to_string()),
        resource_type: Set(entry.resource_type.to_string()),
        resource_id: Set(entry.resource_id),
        summary: Set(entry.summary),
        changes: Set(None),
        outcome: Set(if entry.success { "success" } else { "failure" }.to_string()),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
