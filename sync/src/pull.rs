//! Pull: the business's central documents, brought to the till.
//!
//! The first pull reads everything the till should hold (its business and store, their
//! staff, payment methods, the catalog, customers, the store's sales of the return window
//! and the stock ledger) in batches. It
//! first notes where the central database's change stream stands, so that every change
//! made while it reads is replayed afterwards: applying a document twice is harmless.
//! Later pulls follow the change stream from the checkpoint the till stored with the last
//! batch it applied. If the server no longer has that history, the till reads everything
//! again. A server without change streams (a standalone `mongod`) gets a full read at
//! most every [`FULL_READ_INTERVAL`].
//!
//! What a change does on the till, and which local changes it must not overwrite, is
//! core's business (`sellsync_core::sync::pull`); this module only reads.

use std::path::Path;
use std::time::{Duration, Instant};

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::Utc;
use mongodb::change_stream::event::{ChangeStreamEvent, OperationType, ResumeToken};
use mongodb::change_stream::ChangeStream;
use mongodb::error::ErrorKind;
use mongodb::options::FullDocumentType;
use sellsync_core::contract::{field, Collection};
use sellsync_core::sync::pull::{CentralChange, PullOutcome, PULLED};
use sellsync_core::Till;
use tracing::{info, warn};

use crate::central::{Central, CentralConfig};
use crate::error::{Result, SyncError};
use crate::{on_till, upgrade};

/// How often a server without change streams is read in full.
pub const FULL_READ_INTERVAL: Duration = Duration::from_secs(600);

/// Server error codes meaning the change stream cannot resume from the checkpoint:
/// FailedToParse (a token the server cannot read), InvalidResumeToken,
/// ChangeStreamFatalError, ChangeStreamHistoryLost.
const LOST_HISTORY: [i32; 4] = [9, 260, 280, 286];

/// What one pull did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Central documents read.
    pub read: usize,
    /// What the till made of them.
    pub outcome: PullOutcome,
}

impl Pulled {
    /// Applies a batch read in a full read (no checkpoint yet) and empties it.
    fn apply(&mut self, till: &mut Till, batch: &mut Vec<CentralChange>) -> Result<()> {
        if !batch.is_empty() {
            self.read += batch.len();
            self.outcome
                .add(on_till(|| till.apply_central_changes(batch, None))?);
            batch.clear();
        }
        Ok(())
    }
}

/// Reads one business's central changes for one till.
pub struct Puller {
    central: Central,
    business: Bson,
    store: Bson,
    /// Sales older than this many days are not pulled: they come back with a manager.
    return_window_days: i64,
    batch_size: usize,
    last_full_read: Option<Instant>,
}

impl Puller {
    pub fn new(central: Central, till: &Till, batch_size: usize) -> Puller {
        Puller {
            central,
            business: Bson::ObjectId(till.business().id.object_id()),
            store: Bson::ObjectId(till.store().id.object_id()),
            return_window_days: till.business().return_window_days,
            batch_size: batch_size.max(1),
            last_full_read: None,
        }
    }

    /// Brings the till up to date: a full read if it has no checkpoint, else the changes
    /// since it. `read == 0` means the till was already current.
    pub async fn pull(&mut self, till: &mut Till) -> Result<Pulled> {
        if !self.central.change_streams() {
            let due = self
                .last_full_read
                .is_none_or(|at| at.elapsed() >= FULL_READ_INTERVAL);
            return if due {
                self.read_everything(till).await
            } else {
                Ok(Pulled::default())
            };
        }
        let Some(checkpoint) = till.pull_checkpoint()? else {
            return self.read_everything(till).await;
        };
        let resumed = match decode_token(&checkpoint) {
            Ok(token) => self.follow(till, token).await,
            Err(e) => Err(e),
        };
        match resumed {
            Err(e) if must_read_again(&e) => {
                warn!(error = %e, "this till cannot resume its pull where it ended; reading everything again");
                till.reset_pull_checkpoint()?;
                self.read_everything(till).await
            }
            other => other,
        }
    }

    /// Reads every document the till should hold, then stores the checkpoint taken
    /// before the read began.
    async fn read_everything(&mut self, till: &mut Till) -> Result<Pulled> {
        let started = Instant::now();
        let checkpoint = if self.central.change_streams() {
            let stream = self.watch(None).await?;
            let token = stream.resume_token().ok_or_else(|| {
                SyncError::UnexpectedReply("a change stream without a resume token".into())
            })?;
            Some(encode_token(&token)?)
        } else {
            None
        };
        let mut pulled = Pulled::default();
        for collection in PULLED {
            let documents = self
                .central
                .database()
                .collection::<Document>(collection.name());
            let mut find = documents
                .find(self.filter(collection))
                .batch_size(u32::try_from(self.batch_size).unwrap_or(u32::MAX));
            if collection == Collection::SalesTransactions {
                // A sale before the returns of it.
                find = find.sort(doc! { field::CREATED_AT: 1, field::ID: 1 });
            }
            let mut cursor = find.await.map_err(|e| self.central.classify(e))?;
            let mut batch = Vec::with_capacity(self.batch_size);
            while cursor
                .advance()
                .await
                .map_err(|e| self.central.classify(e))?
            {
                batch.push(CentralChange::Upsert {
                    collection,
                    document: cursor.deserialize_current().map_err(SyncError::Central)?,
                });
                if batch.len() == self.batch_size {
                    pulled.apply(till, &mut batch)?;
                }
            }
            pulled.apply(till, &mut batch)?;
        }
        if let Some(checkpoint) = &checkpoint {
            on_till(|| till.apply_central_changes(&[], Some(checkpoint)))?;
        }
        self.last_full_read = Some(Instant::now());
        info!(
            read = pulled.read,
            applied = pulled.outcome.applied,
            refused = pulled.outcome.refused,
            seconds = started.elapsed().as_secs_f64(),
            "full read of the central data"
        );
        Ok(pulled)
    }

    /// Applies the changes after `checkpoint`, a batch at a time, each batch with the
    /// checkpoint after it.
    async fn follow(&self, till: &mut Till, checkpoint: ResumeToken) -> Result<Pulled> {
        let mut stream = self.watch(Some(checkpoint)).await?;
        let mut pulled = Pulled::default();
        loop {
            // Events the till does not mirror (another business's deleted user, say) still
            // move the checkpoint on, so they are not read again.
            let mut batch = Vec::new();
            let mut events = 0;
            while events < self.batch_size {
                let Some(event) = stream.next_if_any().await? else {
                    break;
                };
                events += 1;
                batch.extend(change(event));
            }
            if events == 0 {
                return Ok(pulled);
            }
            let token = stream.resume_token().ok_or_else(|| {
                SyncError::UnexpectedReply("a change stream without a resume token".into())
            })?;
            pulled.read += batch.len();
            let checkpoint = encode_token(&token)?;
            pulled.outcome.add(on_till(|| {
                till.apply_central_changes(&batch, Some(&checkpoint))
            })?);
            if events < self.batch_size {
                return Ok(pulled);
            }
        }
    }

    /// The business's change stream over the pulled collections.
    async fn watch(
        &self,
        resume_after: Option<ResumeToken>,
    ) -> Result<ChangeStream<ChangeStreamEvent<Document>>> {
        let scoped: Vec<&str> = PULLED
            .iter()
            .filter(|c| **c != Collection::Businesses)
            .map(|c| c.name())
            .collect();
        let pipeline = [doc! { "$match": { "$or": [
            { "ns.coll": { "$in": scoped }, full_document(field::BUSINESS_ID): &self.business },
            { "ns.coll": Collection::Businesses.name(), document_key(field::ID): &self.business },
            // A deleted document has no body to say whose it was; the till applies the
            // deletion only to a user it holds.
            { "ns.coll": Collection::Users.name(), "operationType": "delete" },
        ] } }];
        self.central
            .database()
            .watch()
            .pipeline(pipeline)
            .full_document(FullDocumentType::UpdateLookup)
            .resume_after(resume_after)
            .max_await_time(Duration::from_millis(200))
            .batch_size(u32::try_from(self.batch_size).unwrap_or(u32::MAX))
            .await
            .map_err(|e| match *e.kind {
                ErrorKind::Command(_) => SyncError::Central(e),
                _ => self.central.classify(e),
            })
    }

    /// The documents of `collection` this till should hold.
    fn filter(&self, collection: Collection) -> Document {
        let business = &self.business;
        match collection {
            Collection::Businesses => doc! { field::ID: business },
            // All the business's stores: this one's settings, the others to send stock to.
            Collection::Stores => doc! { field::BUSINESS_ID: business },
            // This store's, and the business-wide ones (no store).
            Collection::Users | Collection::Products => doc! {
                field::BUSINESS_ID: business,
                field::STORE_ID: { "$in": [&self.store, Bson::Null] },
            },
            // The store's of the return window: sales a till may take back, and parked
            // sales it may take up (with those finished since, so that none stays waiting
            // here after it was completed elsewhere).
            Collection::SalesTransactions | Collection::ParkedSales => {
                let since = Utc::now() - chrono::Duration::days(self.return_window_days);
                doc! {
                    field::BUSINESS_ID: business,
                    field::STORE_ID: &self.store,
                    field::CREATED_AT: { "$gte": bson::DateTime::from_chrono(since) },
                }
            }
            // Transfers this store sent or receives.
            Collection::StockTransfers => doc! {
                field::BUSINESS_ID: business,
                "$or": [
                    { field::FROM_STORE_ID: &self.store },
                    { field::TO_STORE_ID: &self.store },
                ],
            },
            // The store's orders (all of them: the open ones are what a till works on).
            Collection::PurchaseOrders => doc! {
                field::BUSINESS_ID: business,
                field::STORE_ID: &self.store,
            },
            _ => doc! { field::BUSINESS_ID: business },
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
    upgrade::give_products_stock_levels(&central, business_id).await?;
    let mut till = Till::provision(data_dir, &business, &store, till_code)?;
    let mut puller = Puller::new(central, &till, PROVISION_BATCH);
    match puller.pull(&mut till).await.and_then(|pulled| {
        // Whoever sets up a till of a store chooses where it syncs.
        config.write(data_dir)?;
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

/// Documents per transaction in a new till's first read.
const PROVISION_BATCH: usize = 1_000;

/// The till's change for a change-stream event; `None` for events it does not mirror.
fn change(event: ChangeStreamEvent<Document>) -> Option<CentralChange> {
    let collection = Collection::from_name(event.ns.as_ref()?.coll.as_deref()?)?;
    match event.operation_type {
        OperationType::Insert | OperationType::Update | OperationType::Replace => {
            // None: deleted again before it was looked up; its deletion follows.
            event.full_document.map(|document| CentralChange::Upsert {
                collection,
                document,
            })
        }
        OperationType::Delete => {
            let id = event.document_key?.get_object_id(field::ID).ok()?;
            Some(CentralChange::Delete { collection, id })
        }
        _ => None,
    }
}

/// A field of a change event's document, as the change stream's filter names it.
fn full_document(field: &str) -> String {
    format!("fullDocument.{field}")
}

/// A field of a change event's document key.
fn document_key(field: &str) -> String {
    format!("documentKey.{field}")
}

/// Whether the pull must start over: the central database no longer has the history
/// after the checkpoint, or the till's checkpoint is unreadable.
fn must_read_again(error: &SyncError) -> bool {
    match error {
        SyncError::Central(e) => {
            matches!(&*e.kind, ErrorKind::Command(e) if LOST_HISTORY.contains(&e.code))
        }
        SyncError::BadCheckpoint(_) => true,
        _ => false,
    }
}

/// A resume token as text for the till's database (canonical Extended JSON).
fn encode_token(token: &ResumeToken) -> Result<String> {
    let bson = bson::to_bson(token)
        .map_err(|e| SyncError::UnexpectedReply(format!("resume token: {e}")))?;
    Ok(bson.into_canonical_extjson().to_string())
}

fn decode_token(text: &str) -> Result<ResumeToken> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| SyncError::BadCheckpoint(e.to_string()))?;
    let bson = Bson::try_from(json).map_err(|e| SyncError::BadCheckpoint(e.to_string()))?;
    bson::from_bson(bson).map_err(|e| SyncError::BadCheckpoint(e.to_string()))
}
