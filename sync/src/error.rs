//! Sync errors at the till, in words a store manager understands: the central database's
//! (`CentralError`), the Sell Sync server's, the settings' and the till's own. Connection
//! strings never appear in them: only the host names, so that no password reaches a log or
//! a screen.

use sellsync_central::CentralError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Central(#[from] CentralError),
    #[error("{0:?} is not a store id: a store id is 24 hexadecimal digits, as in the central stores collection.")]
    BadStoreId(String),
    #[error("There is no store {id} in {central}. Check the store id and the database name.")]
    UnknownStore { id: String, central: String },
    #[error("The central database sent an answer the till does not understand: {0}")]
    UnexpectedReply(String),
    #[error("Could not read the sync settings in {path}: {reason}")]
    Settings { path: String, reason: String },
    #[error("{url:?} is not the address of a Sell Sync server: {reason}.")]
    BadServerUrl { url: String, reason: String },
    #[error("Cannot reach the Sell Sync server at {server}. The till keeps selling and will send its changes when the store is back online.")]
    ServerUnreachable { server: String },
    /// The gateway asked the till to send again later (it serves the business's other
    /// tills, or the key's rate is spent).
    #[error("The Sell Sync server is busy; the till sends its changes again in {} s.", retry_after.as_secs().max(1))]
    ServerBusy { retry_after: std::time::Duration },
    /// The gateway refused the request: `code` is its stable code.
    #[error("The Sell Sync server refused: {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error(transparent)]
    Till(#[from] sellsync_core::Error),
}

impl SyncError {
    /// A stable name for the kind of error, as core's [`sellsync_core::Error::code`].
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Central(e) => e.code(),
            SyncError::BadStoreId(_) => "bad_store_id",
            SyncError::UnknownStore { .. } => "unknown_store",
            SyncError::UnexpectedReply(_) => "unexpected_reply",
            SyncError::Settings { .. } => "bad_sync_settings",
            SyncError::BadServerUrl { .. } => "bad_server_url",
            SyncError::ServerUnreachable { .. } => "server_unreachable",
            SyncError::ServerBusy { .. } => "server_busy",
            SyncError::Server { .. } => "server_refused",
            SyncError::Till(e) => e.code(),
        }
    }
}

impl From<mongodb::error::Error> for SyncError {
    fn from(error: mongodb::error::Error) -> SyncError {
        SyncError::Central(CentralError::Database(error))
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;
