//! Turns S3 SDK errors into `AdapterError`s an admin can act on.

use crate::error::AdapterError;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

/// Error codes meaning the credentials themselves were rejected.
const AUTH_CODES: &[&str] = &[
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "NotSignedUp",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
    "InvalidSecurity",
    "MissingSecurityHeader",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
];

const PERMISSION_CODES: &[&str] = &[
    "AccessDenied",
    "AllAccessDisabled",
    "AccountProblem",
    "InvalidPayer",
];

const FULL_CODES: &[&str] = &[
    "QuotaExceeded",
    "XMinioStorageFull",
    "StorageFull",
    "InsufficientStorage",
];

/// What a 404 without an error code (HEAD responses have no body) means for this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Missing {
    Bucket,
    Object,
}

/// Where a request went, for messages.
#[derive(Debug, Clone)]
pub(super) struct Target<'a> {
    /// `https://host` or `AWS S3 (region)`.
    pub endpoint: &'a str,
    pub bucket: &'a str,
}

/// Maps an SDK error from doing `what` (e.g. "uploading part 3 of s3://b/k").
pub(super) fn map_sdk_error<E>(
    err: SdkError<E, HttpResponse>,
    what: &str,
    target: &Target<'_>,
    missing: Missing,
) -> AdapterError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let details = error_chain(&err);
    match &err {
        SdkError::TimeoutError(_) => {
            AdapterError::HostUnreachable(format!("{}: timed out {what}: {details}", target.endpoint))
        }
        SdkError::DispatchFailure(failure) => {
            if failure.is_user() {
                AdapterError::Other(format!("{what}: {details}"))
            } else if failure.is_other() && details.contains("credentials") {
                AdapterError::AuthenticationFailed(format!(
                    "no usable S3 credentials: set an access key and secret, or provide them through \
                     the standard AWS environment variables or profile ({details})"
                ))
            } else {
                AdapterError::HostUnreachable(format!("{}: {what}: {details}", target.endpoint))
            }
        }
        SdkError::ConstructionFailure(_) => AdapterError::InvalidConfig(format!("{what}: {details}")),
        SdkError::ResponseError(_) => AdapterError::Other(format!(
            "{what}: unreadable response from {}: {details}",
            target.endpoint
        )),
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let region_hint = service
                .raw()
                .headers()
                .get("x-amz-bucket-region")
                .map(|r| format!(" (the bucket is in region {r})"))
                .unwrap_or_default();
            classify(
                service.err().code(),
                service.err().message(),
                status,
                &format!("{what}{region_hint}"),
                target,
                missing,
            )
        }
        _ => AdapterError::Other(format!("{what}: {details}")),
    }
}

/// The error and its sources on one line, without repeating a source that its parent
/// already quoted.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text = format!("{text}: {line}");
        }
        source = cause.source();
    }
    text
}

/// Classifies a service error by its S3 error code, or by HTTP status when the response
/// had no body.
pub(super) fn classify(
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
    what: &str,
    target: &Target<'_>,
    missing: Missing,
) -> AdapterError {
    let text = match (code, message) {
        (Some(code), Some(message)) => format!("{what}: {code}: {message} (HTTP {status})"),
        (Some(code), None) => format!("{what}: {code} (HTTP {status})"),
        (None, _) => format!("{what}: HTTP {status}"),
    };
    match code {
        Some(c) if AUTH_CODES.contains(&c) => AdapterError::AuthenticationFailed(format!(
            "{text}; check the access key ID and secret access key"
        )),
        Some(c) if PERMISSION_CODES.contains(&c) => AdapterError::PermissionDenied(text),
        Some(c) if FULL_CODES.contains(&c) => AdapterError::DiskFull(text),
        Some("NoSuchBucket") => bucket_missing(target, &text),
        Some("NoSuchKey" | "NotFound") if missing == Missing::Object => AdapterError::NotFound(text),
        Some("NotFound") => bucket_missing(target, &text),
        Some(
            "InvalidBucketName"
            | "InvalidStorageClass"
            | "AuthorizationHeaderMalformed"
            | "PermanentRedirect",
        ) => AdapterError::InvalidConfig(text),
        Some("InvalidObjectState") => AdapterError::Other(format!(
            "{text}; the object is archived (e.g. GLACIER) and must be restored before it can be read"
        )),
        Some(_) => AdapterError::Other(text),
        None => match status {
            401 => AdapterError::AuthenticationFailed(text),
            403 => AdapterError::PermissionDenied(format!(
                "{text}: forbidden (the credentials were rejected or lack permission)"
            )),
            404 if missing == Missing::Bucket => bucket_missing(target, &text),
            404 => AdapterError::NotFound(text),
            301 | 307 | 400 => AdapterError::InvalidConfig(format!(
                "{text}: the request was refused; check the region, endpoint and path-style settings"
            )),
            _ => AdapterError::Other(text),
        },
    }
}

fn bucket_missing(target: &Target<'_>, text: &str) -> AdapterError {
    AdapterError::BucketMissing(format!(
        "{} does not exist at {} ({text})",
        target.bucket, target.endpoint
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target<'static> {
        Target {
            endpoint: "http://127.0.0.1:9000",
            bucket: "backups",
        }
    }

    fn of(code: Option<&str>, status: u16, missing: Missing) -> AdapterError {
        classify(code, Some("msg"), status, "doing it", &target(), missing)
    }

    #[test]
    fn codes_map_to_the_admins_words() {
        use Missing::*;
        assert!(matches!(
            of(Some("NoSuchBucket"), 404, Object),
            AdapterError::BucketMissing(_)
        ));
        assert!(matches!(
            of(Some("InvalidAccessKeyId"), 403, Object),
            AdapterError::AuthenticationFailed(_)
        ));
        assert!(matches!(
            of(Some("SignatureDoesNotMatch"), 403, Object),
            AdapterError::AuthenticationFailed(_)
        ));
        assert!(matches!(
            of(Some("AccessDenied"), 403, Object),
            AdapterError::PermissionDenied(_)
        ));
        assert!(matches!(
            of(Some("NoSuchKey"), 404, Object),
            AdapterError::NotFound(_)
        ));
        assert!(matches!(
            of(Some("NotFound"), 404, Bucket),
            AdapterError::BucketMissing(_)
        ));
        assert!(matches!(of(None, 404, Object), AdapterError::NotFound(_)));
        assert!(matches!(of(None, 404, Bucket), AdapterError::BucketMissing(_)));
        assert!(matches!(of(None, 403, Object), AdapterError::PermissionDenied(_)));
        assert!(matches!(
            of(Some("InternalError"), 500, Object),
            AdapterError::Other(_)
        ));
    }

    #[test]
    fn messages_carry_the_code_and_the_services_words() {
        let e = of(Some("SignatureDoesNotMatch"), 403, Missing::Object);
        assert_eq!(
            e.to_string(),
            "authentication failed: doing it: SignatureDoesNotMatch: msg (HTTP 403); \
             check the access key ID and secret access key"
        );
        let e = of(Some("NoSuchBucket"), 404, Missing::Object);
        assert_eq!(
            e.to_string(),
            "bucket missing: backups does not exist at http://127.0.0.1:9000 \
             (doing it: NoSuchBucket: msg (HTTP 404))"
        );
    }
}
