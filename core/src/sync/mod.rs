//! The till's side of sync: the outbox handed to the engine and what became of it
//! (`queue`), and central changes applied to the till by the conflict rules (`pull`).
//! The engine itself, with the network, is the `sellsync-sync` crate.

pub mod pull;
pub mod queue;
