//! Reading the audit log for the console: the filtered, keyset-paginated list. Pages
//! walk the primary key downwards (`id < before`), so a deep page costs the same as the
//! first and nothing ever counts the table.

use super::error::Result;
use crate::api::audit_types::{AuditFilter, AuditPage, AuditRow};
use crate::api::error::ApiError;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::audit_log;
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

fn day(what: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::Invalid(format!("The {what} date `{value}` is not a date (YYYY-MM-DD).")).into()
    })
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Empty form fields count as "no filter".
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `text` with LIKE's wildcards escaped (by `\`).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn like(pattern: String) -> LikeExpr {
    LikeExpr::new(pattern).escape('\\')
}

pub async fn list(db: &DatabaseConnection, filter: &AuditFilter) -> Result<AuditPage> {
    use sea_orm::sea_query::ExprTrait;
    let mut find = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(actor) = given(&filter.actor) {
        let pattern = format!("%{}%", literal(&actor.to_lowercase()));
        find = find
            .filter(Expr::expr(Func::lower(Expr::col(audit_log::Column::ActorLabel))).like(like(pattern)));
    }
    if let Some(action) = given(&filter.action) {
        let stem = action.strip_suffix('*').unwrap_or(action);
        find = if stem.ends_with('.') || stem.len() < action.len() {
            find.filter(audit_log::Column::Action.like(like(format!("{}%", literal(stem)))))
        } else {
            find.filter(audit_log::Column::Action.eq(action))
        };
    }
    if let Some(kind) = given(&filter.resource_type) {
        find = find.filter(audit_log::Column::ResourceType.eq(kind));
    }
    match given(&filter.outcome) {
        None | Some("any") => {}
        Some(o @ ("success" | "failure")) => find = find.filter(audit_log::Column::Outcome.eq(o)),
        Some(other) => {
            return Err(
                ApiError::Invalid(format!("unknown outcome `{other}` (success, failure or any)")).into(),
            );
        }
    }
    if let Some(from) = given(&filter.from) {
        find = find.filter(audit_log::Column::CreatedAt.gte(at(day("start", from)?)));
    }
    if let Some(to) = given(&filter.to) {
        let next = day("end", to)?
            .succ_opt()
            .ok_or_else(|| ApiError::invalid("the end date is out of range"))?;
        find = find.filter(audit_log::Column::CreatedAt.lt(at(next)));
    }
    if let Some(before) = filter.before {
        find = find.filter(audit_log::Column::Id.lt(before));
    }
    let size = filter.page_size();
    let found = find.limit(size).all(db).await?;
    let next_before = (found.len() as u64 == size)
        .then(|| found.last().map(|r| r.id))
        .flatten();
    Ok(AuditPage {
        rows: found.into_iter().map(row).collect(),
        next_before,
    })
}

pub fn row(a: audit_log::Model) -> AuditRow {
    AuditRow {
        id: a.id,
        at: a.created_at.to_rfc3339(),
        success: a.outcome == "success",
        actor: a.actor_label,
        action: a.action,
        resource_type: a.resource_type,
        resource_id: a.resource_id,
        summary: a.summary,
        ip: a.ip,
        user_agent: a.user_agent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(literal("api_key.%\\"), "api\\_key.\\%\\\\");
    }
}
