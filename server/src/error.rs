//! What the gateway refuses or fails at, each with a stable code: one type per boundary.
//! [`ApiError`] is every HTTP answer that is not a success (RFC 9457 problem+json, its
//! status chosen here by its constructor, never at the call); [`ServerError`] is what the
//! operator's commands and the server's start fail with.

use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sellsync_central::CentralError;
use tracing::warn;

use crate::keys::KeyError;

/// A refusal of the API, as JSON with a stable code.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// For 429 and 503: when to try again.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed; the caller must correct it.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: no credential, or one that is not the service's.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 403: a known caller who may not do this.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 404: nothing of the caller's by that id (another tenant's answers the same).
    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 402: the business's subscription is not active.
    pub fn payment_required(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYMENT_REQUIRED, code, message)
    }

    /// 408: the request took longer than the gateway waits.
    pub fn timeout(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, code, message)
    }

    /// 409: it clashes with what is there (a key made twice, a code already used).
    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// 429 without a time to wait: too many of something outstanding.
    pub fn too_many_waiting(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message)
    }

    /// 413: more than the gateway takes at once.
    pub fn too_large(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, code, message)
    }

    /// 422: well-formed, but not something the business may hold.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// The business's other tills are being served: try again after `wait`.
    pub fn busy(wait: Duration) -> ApiError {
        ApiError {
            retry_after: Some(wait),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The server is applying other tills' changes of this business; \
                 this till sends its own again in a moment.",
            )
        }
    }

    /// The key made more requests than its rate allows.
    /// `who` ("This API key", "This till") made too many requests: wait `wait`.
    pub fn too_many(who: &str, wait: Duration) -> ApiError {
        ApiError {
            retry_after: Some(wait),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("{who} made too many requests: wait for the seconds Retry-After says."),
            )
        }
    }

    /// A method the route does not take.
    pub fn method_not_allowed(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
        )
    }

    /// What the HTTP layer answered with `status` and `words` in plain text (a query or a
    /// path id that does not parse), as a problem with a code of its status.
    pub fn other(status: StatusCode, words: String) -> ApiError {
        let code = match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
            s if s.is_server_error() => "server_error",
            _ => "refused",
        };
        let message = if words.is_empty() {
            status.canonical_reason().unwrap_or("Refused").to_owned()
        } else {
            words
        };
        ApiError::new(status, code, message)
    }

    /// 503: this gateway cannot serve this, and says why.
    pub fn not_ready(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }

    /// The database did not answer: try again.
    pub fn unavailable(error: impl std::fmt::Display) -> ApiError {
        warn!(%error, "the central database did not answer");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "central_unavailable",
            "The central database is not answering; try again shortly.",
        )
    }
}

/// Every refusal's body: RFC 9457 problem details, with the stable code beside them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    /// The status's name: `Not Found`.
    pub title: &'static str,
    pub status: u16,
    /// What was refused and what to do, in words.
    pub detail: String,
    /// Stable, for programs: `not_found`, `invalid_field`, `duplicate`, `rate_limited`, …
    pub code: &'static str,
}

impl IntoResponse for ApiError {
    /// A [`Problem`].
    fn into_response(self) -> Response {
        let body = Problem {
            kind: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: self.message,
            code: self.code,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"sellsync\""),
            );
        }
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(seconds.max(1)),
            );
        }
        response
    }
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> ApiError {
        ApiError::unauthorized(e.code(), e.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Input an operator or a client must correct.
    #[error("{0}")]
    Invalid(String),
    #[error("{0:?} is not a plan: use Free, Standard or Premium.")]
    UnknownPlan(String),
    #[error("The operating system gave no random bytes for a key: {0}")]
    Random(String),
    #[error("{}", in_operator_words(.0))]
    Central(#[from] CentralError),
    #[error("Could not listen on {address}: {reason}")]
    Listen { address: String, reason: String },
    #[error("Could not use the TLS certificate {cert} and its key: {reason}")]
    Tls { cert: String, reason: String },
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Invalid(_) => "invalid",
            ServerError::UnknownPlan(_) => "unknown_plan",
            ServerError::Random(_) => "no_randomness",
            ServerError::Central(e) => e.code(),
            ServerError::Listen { .. } => "cannot_listen",
            ServerError::Tls { .. } => "bad_tls_certificate",
        }
    }
}

/// A refusal the API would answer, for the operator's commands that share its checks:
/// its words.
impl From<ApiError> for ServerError {
    fn from(e: ApiError) -> ServerError {
        ServerError::Invalid(e.message)
    }
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

/// A sync error as the gateway's operator reads it, in its log or from its commands: the
/// words a till shows for the same error speak of the till and its store.
pub fn in_operator_words(error: &CentralError) -> String {
    match error {
        CentralError::Unreachable { hosts } => format!("Cannot reach MongoDB at {hosts}."),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_told_to_the_operator_without_the_tills_words() {
        let error = ServerError::from(CentralError::Unreachable {
            hosts: "db:27017".into(),
        });
        assert_eq!(error.to_string(), "Cannot reach MongoDB at db:27017.");
        assert_eq!(error.code(), "central_unreachable");
    }
}
