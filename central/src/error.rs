//! The central side's errors, in words a store manager or the operator understands.
//! Connection strings never appear in them: only the host names, so that no password
//! reaches a log or a screen.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CentralError {
    #[error("The MongoDB connection string is not valid: {0}. It looks like mongodb://HOST:PORT or mongodb+srv://HOST.")]
    BadUri(String),
    #[error("The central database name {0:?} is not valid: use letters, digits, '-' or '_'.")]
    BadDatabaseName(String),
    #[error("Cannot reach the central database at {hosts}. The till keeps selling and will send its changes when the store is back online.")]
    Unreachable { hosts: String },
    #[error("The central database at {hosts} refused the till's credentials: check the user name and password in the connection string.")]
    Unauthorized { hosts: String },
    #[error("The central database failed: {0}")]
    Database(#[from] mongodb::error::Error),
    #[error("The central database did not confirm the write: {0}")]
    WriteNotConfirmed(String),
    #[error("The central database sent an answer the till does not understand: {0}")]
    UnexpectedReply(String),
    #[error("The till's record of where its last pull ended is unreadable ({0}); it reads the central data again.")]
    BadCheckpoint(String),
}

impl CentralError {
    /// A stable name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            CentralError::BadUri(_) => "bad_uri",
            CentralError::BadDatabaseName(_) => "bad_database_name",
            CentralError::Unreachable { .. } => "central_unreachable",
            CentralError::Unauthorized { .. } => "central_unauthorized",
            CentralError::Database(_) => "central_failed",
            CentralError::WriteNotConfirmed(_) => "write_not_confirmed",
            CentralError::UnexpectedReply(_) => "unexpected_reply",
            CentralError::BadCheckpoint(_) => "bad_checkpoint",
        }
    }
}

pub type Result<T, E = CentralError> = std::result::Result<T, E>;
