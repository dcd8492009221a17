//! Sell Sync's sync engine: the till's outbox to the business's central MongoDB, exactly
//! once.
//!
//! - [`central`]: where the central database is and the connection to it.
//! - [`reconciler`]: applies a batch of outbox operations idempotently.

pub mod central;
pub mod error;
pub mod reconciler;

pub use central::{Central, CentralConfig};
pub use error::{Result, SyncError};
pub use reconciler::{BatchOutcome, Reconciler, Rejection};
