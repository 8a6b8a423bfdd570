//! The `limit` of a REST list: 1–[`MAX_LIMIT`], refused (not clamped) outside that.

use super::error::RestError;
use super::problem::FieldError;
use http::StatusCode;

/// The most rows one page of any REST list returns.
pub const MAX_LIMIT: u64 = 500;

/// `limit` as given, or a 400 naming it when it is out of bounds.
pub fn limit(limit: Option<u64>) -> Result<Option<u64>, RestError> {
    limit_up_to(limit, MAX_LIMIT)
}

/// The same for a list that keeps fewer rows than [`MAX_LIMIT`].
pub fn limit_up_to(limit: Option<u64>, max: u64) -> Result<Option<u64>, RestError> {
    match limit {
        Some(l) if !(1..=max).contains(&l) => {
            let detail = format!("limit must be between 1 and {max}, not {l}");
            Err(RestError::rejected(
                StatusCode::BAD_REQUEST,
                detail.clone(),
                vec![FieldError {
                    field: "limit".into(),
                    detail,
                }],
            ))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_absent_is_fine() {
        assert_eq!(limit(None).unwrap(), None);
        assert_eq!(limit(Some(1)).unwrap(), Some(1));
        assert_eq!(limit(Some(MAX_LIMIT)).unwrap(), Some(MAX_LIMIT));
        for bad in [0, MAX_LIMIT + 1] {
            let e = limit(Some(bad)).unwrap_err();
            assert_eq!(e.fields[0].field, "limit");
            assert_eq!(e.problem().status, 400);
        }
    }
}
