//! What the gateway refuses or fails at, each with a stable code.

use mongodb::error::{ErrorKind, WriteFailure};
use sellsync_central::CentralError;

/// Whether MongoDB refused a write for a unique key already taken (E11000).
pub fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    matches!(&*error.kind, ErrorKind::Write(WriteFailure::WriteError(e)) if e.code == 11000)
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
impl From<crate::auth::ApiError> for ServerError {
    fn from(e: crate::auth::ApiError) -> ServerError {
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
