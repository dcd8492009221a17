//! The way a till's changes go out and central changes come in: the central MongoDB
//! directly (a self-hosted business), or the gateway (the service). The engine, a new
//! till's first read and the tests use either through this one type.

use sellsync_contract::operation::Operation;

use crate::error::Result;
use crate::gateway::GatewayClient;
use sellsync_central::feed::{Feed, Page, Scope};
use sellsync_central::reconciler::{BatchOutcome, Reconciler};
use sellsync_central::Central;

pub(crate) enum Transport {
    Direct { reconciler: Reconciler, feed: Feed },
    Gateway(GatewayClient),
}

impl Transport {
    /// Straight to `central`, for a till of `scope`.
    pub(crate) fn direct(central: Central, scope: Scope) -> Transport {
        Transport::Direct {
            reconciler: Reconciler::new(central.clone(), scope.business.into()),
            feed: Feed::new(central, scope),
        }
    }

    /// Applies a batch of the outbox centrally.
    pub(crate) async fn push(&self, batch: &[Operation]) -> Result<BatchOutcome> {
        match self {
            Transport::Direct { reconciler, .. } => Ok(reconciler.apply(batch).await?),
            Transport::Gateway(client) => client.push(batch).await,
        }
    }

    /// The central changes after `checkpoint`.
    pub(crate) async fn pull(&self, checkpoint: Option<&str>, limit: usize) -> Result<Page> {
        match self {
            Transport::Direct { feed, .. } => Ok(feed.page(checkpoint, limit).await?),
            Transport::Gateway(client) => client.pull(checkpoint, limit).await,
        }
    }
}
