//! Sell Sync's sync engine: the till's outbox to the business's central MongoDB, exactly
//! once.
//!
//! - [`central`]: where the central database is and the connection to it.
//! - [`gateway`]: the till's side of the Sell Sync server (enrolment, push, pull over HTTP).
//! - [`wire`]: what tills and the gateway send each other.
//! - [`reconciler`]: applies a batch of outbox operations idempotently.
//! - [`pull`]: reads central changes for the till (a full read, then a change stream).
//! - [`upgrade`]: central documents of an earlier Sell Sync brought up to date in place.
//! - [`settings`]: where a till syncs, the gateway or a MongoDB (flags, environment,
//!   `sync.toml`).
//! - [`engine`]: pushes the outbox in batches, forever, with backoff; parks refusals.
//! - [`audit`]: the tills' journals checked as central holds them.

pub mod audit;
pub mod central;
pub mod engine;
pub mod error;
pub mod gateway;
pub mod pull;
pub mod reconciler;
pub mod settings;
mod transport;
pub mod upgrade;
pub mod wire;

pub use central::{Central, CentralConfig};

/// Runs `work` on the till's database (an fsync may take milliseconds) without holding up
/// the async runtime's other tasks: on a multi-threaded runtime the worker hands its
/// other tasks on while `work` runs; elsewhere it simply runs.
pub(crate) fn on_till<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}
pub use engine::{Engine, EngineOptions, EngineStatus, Step};
pub use error::{Result, SyncError};
pub use gateway::GatewayConfig;
pub use reconciler::{BatchOutcome, Reconciler, Rejection};
pub use settings::SyncTarget;
