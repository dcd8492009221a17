//! Pull on the till: pages of the central feed ([`sellsync_central::feed`]) applied to the
//! till, each with its checkpoint in one transaction, and a new till of a store set up from
//! the central data ([`provision`]).

use std::path::Path;

use bson::oid::ObjectId;
use bson::{doc, Document};
use sellsync_central::feed::{Page, Scope, MAX_PAGE};
use sellsync_central::{upgrade, Central, CentralConfig};
use sellsync_contract::documents::{field, Collection};
use sellsync_core::sync::pull::PullOutcome;
use sellsync_core::Till;

use crate::error::{Result, SyncError};
use crate::on_till;
use crate::settings::SyncTarget;
use crate::transport::Transport;

/// Whose central documents `till` holds: its business's, and of the store-bound ones, its
/// store's.
pub fn scope_of(till: &Till) -> Scope {
    Scope {
        business: till.business().id.object_id(),
        store: till.store().id.object_id(),
        return_window_days: till.business().return_window_days,
    }
}

/// What a pull did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Central documents read.
    pub read: usize,
    /// What the till made of them.
    pub outcome: PullOutcome,
}

impl Pulled {
    /// Applies `page` to the till with its checkpoint: `true` if it held anything to apply.
    pub(crate) fn apply(&mut self, till: &mut Till, page: &Page) -> Result<bool> {
        let moved = page.checkpoint.is_some();
        if page.changes.is_empty() && !moved {
            return Ok(false);
        }
        self.read += page.changes.len();
        self.outcome.add(on_till(|| {
            till.apply_central_changes(&page.changes, page.checkpoint.as_deref())
        })?);
        Ok(true)
    }
}

/// Brings `till` up to date through `transport`, page after page.
pub(crate) async fn pull_all(transport: &Transport, till: &mut Till) -> Result<Pulled> {
    let mut pulled = Pulled::default();
    loop {
        let checkpoint = on_till(|| till.pull_checkpoint())?;
        let page = transport.pull(checkpoint.as_deref(), MAX_PAGE).await?;
        pulled.apply(till, &page)?;
        if !page.more {
            return Ok(pulled);
        }
    }
}

/// Sets up a new till in `data_dir` for the store `store_id` of a business already in the
/// central database, reads everything it should hold and saves `config` as its central
/// database. Its staff can sign in at once. If anything fails, no till database is left
/// behind.
pub async fn provision(
    data_dir: &Path,
    config: &CentralConfig,
    store_id: &str,
    till_code: Option<&str>,
) -> Result<(Till, Pulled)> {
    let store_oid =
        ObjectId::parse_str(store_id.trim()).map_err(|_| SyncError::BadStoreId(store_id.into()))?;
    let central = Central::connect(config).await?;
    let find = |collection: Collection, id: ObjectId| {
        let collection = central.database().collection::<Document>(collection.name());
        async move { collection.find_one(doc! { field::ID: id }).await }
    };
    let unknown = || SyncError::UnknownStore {
        id: store_oid.to_hex(),
        central: config.to_string(),
    };
    let store = find(Collection::Stores, store_oid)
        .await
        .map_err(|e| central.classify(e))?
        .ok_or_else(unknown)?;
    let business_id = store
        .get_object_id(field::BUSINESS_ID)
        .map_err(|_| unknown())?;
    let business = find(Collection::Businesses, business_id)
        .await
        .map_err(|e| central.classify(e))?
        .ok_or_else(unknown)?;
    upgrade::bring_up_to_date(&central, business_id).await?;
    let till = Till::provision(data_dir, &business, &store, till_code, None)?;
    let transport = Transport::direct(central, scope_of(&till));
    fill_new_till(data_dir, till, &transport, || {
        SyncTarget::Mongo(config.clone()).write(data_dir)
    })
    .await
}

/// Reads everything a till just provisioned in `data_dir` should hold, then saves where it
/// syncs (`save`). If anything fails, no till database is left behind.
pub(crate) async fn fill_new_till(
    data_dir: &Path,
    mut till: Till,
    transport: &Transport,
    save: impl FnOnce() -> Result<()>,
) -> Result<(Till, Pulled)> {
    // Whoever sets up a till of a store chooses where it syncs.
    match pull_all(transport, &mut till).await.and_then(|pulled| {
        save()?;
        Ok(pulled)
    }) {
        Ok(pulled) => Ok((till, pulled)),
        Err(e) => {
            drop(till);
            sellsync_core::db::remove_database(data_dir);
            Err(e)
        }
    }
}
