//! Sell Sync's sync engine, the till's side: the till's outbox to the business's central
//! data exactly once, and central changes back, through the Sell Sync server or directly to
//! MongoDB (then with [`sellsync_central`]'s reconciler and feed, in process).
//!
//! - [`gateway`]: the till's side of the Sell Sync server (enrolment, push, pull over HTTP).
//! - [`pull`]: pages of central changes applied to the till; a new till set up from
//!   central.
//! - [`settings`]: where a till syncs, the gateway or a MongoDB (flags, environment,
//!   `sync.toml`).
//! - [`engine`]: pushes the outbox in batches, forever, with backoff; parks refusals.

pub mod engine;
pub mod error;
pub mod gateway;
pub mod pull;
pub mod settings;
mod transport;

pub use sellsync_central::{Central, CentralConfig};

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
pub use settings::SyncTarget;
