//! Sell Sync's central side of sync: what runs against the business's MongoDB, in the
//! gateway for the service's tills and in the till itself when it syncs directly. It links
//! no SQLite and knows no till: its inputs are the contract's operations and scopes.
//!
//! - [`database`]: where the central database is and the connection to it, its indexes.
//! - [`reconciler`]: applies a batch of outbox operations exactly once.
//! - [`feed`]: reads what one till should hold (a full read, then a change stream), a
//!   page at a time, statelessly.
//! - [`upgrade`]: central documents of an earlier Sell Sync brought up to date in place.
//! - [`audit`]: the tills' journals checked as central holds them.
//! - [`wire`]: what tills and the gateway send each other over HTTP.

pub mod audit;
pub mod database;
pub mod error;
pub mod feed;
pub mod reconciler;
pub mod upgrade;
pub mod wire;

pub use database::{Central, CentralConfig};
pub use error::{CentralError, Result};
pub use reconciler::{BatchOutcome, Reconciler, Rejection};
