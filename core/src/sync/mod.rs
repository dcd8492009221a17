//! The till's side of sync: the outbox handed to the engine and what became of it
//! (`queue`), central changes applied to the till (`pull`), and what wins when both
//! changed a document, in both directions (`conflicts`).
//! The engine itself, with the network, is the `sellsync-sync` crate.

pub mod pull;
pub mod queue;
