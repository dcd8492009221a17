//! The feed: the business's central documents a till should hold, a page at a time.
//!
//! A [`Feed`] reads what one till should hold ([`Scope`]: its business and store) and
//! answers pages of changes, each with the checkpoint after it; the till applies a page
//! and its checkpoint in one transaction, so a pull cut off anywhere resumes after the last
//! page it applied, and applying a change twice is the same as applying it once. The feed
//! keeps no state between pages: everything it needs is in the checkpoint, so the gateway
//! serves it to tills statelessly and a till syncing directly uses it in process.
//!
//! The first pull reads everything the till should hold (its business and store, their
//! staff, payment methods, the catalog, customers, the store's sales of the return window
//! and the stock ledger), collection by collection in `_id` order. It first notes where
//! the central database's change stream stands, so that every change made while it reads
//! is replayed afterwards. Later pulls follow the change stream from the checkpoint. If
//! the server no longer has that history, the feed reads everything again. A server
//! without change streams (a standalone `mongod`) is read in full at most every
//! [`FULL_READ_INTERVAL`].
//!
//! What a change does on the till, and which local changes it must not overwrite, is the
//! till's business (`sellsync_core::sync::pull`); this module only reads.

use std::time::Duration;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::Utc;
use mongodb::change_stream::event::{ChangeStreamEvent, OperationType, ResumeToken};
use mongodb::change_stream::ChangeStream;
use mongodb::error::ErrorKind;
use mongodb::options::{FullDocumentBeforeChangeType, FullDocumentType};
use sellsync_contract::change::{CentralChange, PULLED};
use sellsync_contract::documents::{field, Collection};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::database::Central;
use crate::error::{CentralError, Result};

/// How often a server without change streams is read in full.
pub const FULL_READ_INTERVAL: Duration = Duration::from_secs(600);

/// The most changes one page carries.
pub const MAX_PAGE: usize = 1_000;

/// Server error codes meaning the change stream cannot resume from the checkpoint:
/// FailedToParse (a token the server cannot read), InvalidResumeToken,
/// ChangeStreamFatalError, ChangeStreamHistoryLost.
const LOST_HISTORY: [i32; 4] = [9, 260, 280, 286];

/// Whose central documents a till holds: its business's, and of the store-bound ones,
/// its store's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub business: ObjectId,
    pub store: ObjectId,
    /// Sales older than this many days are not pulled: they come back with a manager.
    pub return_window_days: i64,
}

/// One page of central changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub changes: Vec<CentralChange>,
    /// Where the next page starts, to be stored with this page's changes; `None`: where
    /// it started.
    pub checkpoint: Option<String>,
    /// More changes wait: ask again at once.
    pub more: bool,
}

/// Where a pull stands, as the till stores it (Extended JSON, opaque to the till).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Checkpoint {
    /// A full read under way: the collection `PULLED[collection]`, after the document
    /// with the sort key `after`; then the change stream from `stream` (none: a server
    /// without change streams).
    Reading {
        collection: usize,
        after: Option<Box<Key>>,
        stream: Option<ResumeToken>,
    },
    /// Following the change stream from here.
    Following(ResumeToken),
    /// A server without change streams, last read in full then.
    ReadAt(bson::DateTime),
}

/// Where a full read of a collection stands: the last document's `_id` (and
/// `created_at`, for sales, which are read in time order: a sale before its returns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Key {
    id: Bson,
    at: Option<Bson>,
}

impl Checkpoint {
    fn encode(&self) -> Result<String> {
        let bson = bson::to_bson(self)
            .map_err(|e| CentralError::UnexpectedReply(format!("pull checkpoint: {e}")))?;
        Ok(bson.into_canonical_extjson().to_string())
    }

    /// Reads a stored checkpoint; a bare resume token is what earlier versions stored.
    fn decode(text: &str) -> Result<Checkpoint> {
        let bad = |e: &dyn std::fmt::Display| CentralError::BadCheckpoint(e.to_string());
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(&e))?;
        let bson = Bson::try_from(json).map_err(|e| bad(&e))?;
        if matches!(&bson, Bson::Document(d) if d.contains_key("_data")) {
            return bson::from_bson(bson)
                .map(Checkpoint::Following)
                .map_err(|e| bad(&e));
        }
        bson::from_bson(bson).map_err(|e| bad(&e))
    }
}

/// Reads one scope's central changes, a page at a time.
pub struct Feed {
    central: Central,
    scope: Scope,
}

impl Feed {
    pub fn new(central: Central, scope: Scope) -> Feed {
        Feed { central, scope }
    }

    /// The changes after `checkpoint` (none: from the start), at most `limit` of them.
    pub async fn page(&self, checkpoint: Option<&str>, limit: usize) -> Result<Page> {
        let limit = limit.clamp(1, MAX_PAGE);
        let checkpoint = match checkpoint.map(Checkpoint::decode) {
            None => None,
            Some(Ok(checkpoint)) => Some(checkpoint),
            Some(Err(e)) => {
                warn!(error = %e, "an unreadable pull checkpoint; reading everything again");
                None
            }
        };
        match checkpoint {
            None => self.start_reading(limit).await,
            Some(Checkpoint::Reading {
                collection,
                after,
                stream,
            }) => self.read(collection, after, stream, limit).await,
            Some(Checkpoint::Following(token)) => match self.follow(token, limit).await {
                Err(e) if lost_history(&e) => {
                    warn!(error = %e, "the central database no longer has the changes after this checkpoint; reading everything again");
                    self.start_reading(limit).await
                }
                other => other,
            },
            Some(Checkpoint::ReadAt(at)) => {
                let age = Utc::now().signed_duration_since(at.to_chrono());
                let due = age.to_std().is_ok_and(|age| age >= FULL_READ_INTERVAL);
                if due || self.central.change_streams() {
                    self.start_reading(limit).await
                } else {
                    Ok(Page::default())
                }
            }
        }
    }

    /// The first page of a full read, noting first where the change stream stands.
    async fn start_reading(&self, limit: usize) -> Result<Page> {
        let stream = if self.central.change_streams() {
            let stream = self.watch(None, limit).await?;
            Some(stream.resume_token().ok_or_else(|| {
                CentralError::UnexpectedReply("a change stream without a resume token".into())
            })?)
        } else {
            None
        };
        info!(business = %self.scope.business, store = %self.scope.store, "a full read of the central data begins");
        self.read(0, None, stream, limit).await
    }

    /// A page of a full read from collection `PULLED[from]` after `after`.
    async fn read(
        &self,
        from: usize,
        mut after: Option<Box<Key>>,
        stream: Option<ResumeToken>,
        limit: usize,
    ) -> Result<Page> {
        let mut changes = Vec::new();
        for (index, collection) in PULLED.iter().copied().enumerate().skip(from) {
            let wanted = limit - changes.len();
            let found = self
                .read_collection(collection, after.take().map(|key| *key), wanted)
                .await?;
            let full = found.len() == wanted;
            let last = found.last().map(|d| Box::new(key_of(collection, d)));
            changes.extend(found.into_iter().map(|document| CentralChange::Upsert {
                collection,
                document,
            }));
            if full {
                let next = Checkpoint::Reading {
                    collection: index,
                    after: last,
                    stream,
                };
                return Ok(Page {
                    changes,
                    checkpoint: Some(next.encode()?),
                    more: true,
                });
            }
        }
        let next = match stream {
            Some(token) => Checkpoint::Following(token),
            None => Checkpoint::ReadAt(bson::DateTime::now()),
        };
        info!(business = %self.scope.business, store = %self.scope.store, "a full read of the central data ended");
        Ok(Page {
            changes,
            checkpoint: Some(next.encode()?),
            more: false,
        })
    }

    /// Up to `limit` documents of `collection` this scope holds, after `after`.
    async fn read_collection(
        &self,
        collection: Collection,
        after: Option<Key>,
        limit: usize,
    ) -> Result<Vec<Document>> {
        let by_time = collection == Collection::SalesTransactions;
        let mut filter = self.filter(collection);
        if let Some(Key { id, at }) = after {
            let next = match (by_time, at) {
                (true, Some(at)) => doc! { "$or": [
                    { field::CREATED_AT: { "$gt": &at } },
                    { field::CREATED_AT: &at, field::ID: { "$gt": &id } },
                ] },
                _ => doc! { field::ID: { "$gt": id } },
            };
            filter = doc! { "$and": [filter, next] };
        }
        let sort = if by_time {
            doc! { field::CREATED_AT: 1, field::ID: 1 }
        } else {
            doc! { field::ID: 1 }
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut cursor = self
            .central
            .database()
            .collection::<Document>(collection.name())
            .find(filter)
            .sort(sort)
            .limit(limit)
            .batch_size(u32::try_from(limit).unwrap_or(u32::MAX))
            .await
            .map_err(|e| self.central.classify(e))?;
        let mut documents = Vec::new();
        while cursor
            .advance()
            .await
            .map_err(|e| self.central.classify(e))?
        {
            documents.push(
                cursor
                    .deserialize_current()
                    .map_err(CentralError::Database)?,
            );
        }
        Ok(documents)
    }

    /// The changes after `token`, up to `limit` events.
    async fn follow(&self, token: ResumeToken, limit: usize) -> Result<Page> {
        let mut stream = self.watch(Some(token), limit).await?;
        // Events the till does not mirror still move the checkpoint on, so they are not
        // read again.
        let mut changes = Vec::new();
        let mut events = 0;
        while events < limit {
            let Some(event) = stream.next_if_any().await? else {
                break;
            };
            events += 1;
            changes.extend(change(event));
        }
        if events == 0 {
            return Ok(Page::default());
        }
        let token = stream.resume_token().ok_or_else(|| {
            CentralError::UnexpectedReply("a change stream without a resume token".into())
        })?;
        Ok(Page {
            changes,
            checkpoint: Some(Checkpoint::Following(token).encode()?),
            more: events == limit,
        })
    }

    /// The scope's change stream over the pulled collections: the same documents a full
    /// read gives ([`Feed::filter`], matched on the changed document), and the deletions of
    /// the scope's users (matched on the document as it was before, where the server keeps
    /// it: [`Central::ensure_indexes`] asks it to for `users`).
    async fn watch(
        &self,
        resume_after: Option<ResumeToken>,
        batch_size: usize,
    ) -> Result<ChangeStream<ChangeStreamEvent<Document>>> {
        let mut held: Vec<Document> = PULLED
            .iter()
            .filter(|c| **c != Collection::Businesses)
            .map(|c| {
                let mut held = doc! { "ns.coll": c.name() };
                held.extend(within(FULL_DOCUMENT, self.filter(*c)));
                held
            })
            .collect();
        held.push(doc! {
            "ns.coll": Collection::Businesses.name(),
            document_key(field::ID): self.scope.business,
        });
        let mut deleted = doc! { "ns.coll": Collection::Users.name(), "operationType": "delete" };
        deleted.extend(within(BEFORE_CHANGE, self.filter(Collection::Users)));
        held.push(deleted);
        let pipeline = [doc! { "$match": { "$or": held } }];
        self.central
            .database()
            .watch()
            .pipeline(pipeline)
            .full_document(FullDocumentType::UpdateLookup)
            .full_document_before_change(FullDocumentBeforeChangeType::WhenAvailable)
            .resume_after(resume_after)
            .max_await_time(Duration::from_millis(200))
            .batch_size(u32::try_from(batch_size).unwrap_or(u32::MAX))
            .await
            .map_err(|e| match *e.kind {
                ErrorKind::Command(_) => CentralError::Database(e),
                _ => self.central.classify(e),
            })
    }

    /// The documents of `collection` this scope holds: its business's, and of the
    /// store-bound ones its store's (and the business-wide ones). Never another store's
    /// sales, movements, orders, parked sales or staff.
    fn filter(&self, collection: Collection) -> Document {
        let business = Bson::ObjectId(self.scope.business);
        let store = Bson::ObjectId(self.scope.store);
        match collection {
            Collection::Businesses => doc! { field::ID: business },
            // All the business's stores: this one's settings, the others to send stock to.
            Collection::Stores => doc! { field::BUSINESS_ID: business },
            // This store's, and the business-wide ones (no store).
            Collection::Users | Collection::Products => doc! {
                field::BUSINESS_ID: business,
                field::STORE_ID: { "$in": [&store, Bson::Null] },
            },
            // The store's of the return window: sales a till may take back, and parked
            // sales it may take up (with those finished since, so that none stays waiting
            // here after it was completed elsewhere).
            Collection::SalesTransactions | Collection::ParkedSales => {
                let since = Utc::now() - chrono::Duration::days(self.scope.return_window_days);
                doc! {
                    field::BUSINESS_ID: business,
                    field::STORE_ID: store,
                    field::CREATED_AT: { "$gte": bson::DateTime::from_chrono(since) },
                }
            }
            // Transfers this store sent or receives.
            Collection::StockTransfers => doc! {
                field::BUSINESS_ID: business,
                "$or": [
                    { field::FROM_STORE_ID: &store },
                    { field::TO_STORE_ID: &store },
                ],
            },
            // The store's orders (all of them: the open ones are what a till works on) and
            // its stock ledger.
            Collection::PurchaseOrders | Collection::StockMovements => doc! {
                field::BUSINESS_ID: business,
                field::STORE_ID: store,
            },
            _ => doc! { field::BUSINESS_ID: business },
        }
    }
}

/// A change event's document as it is now, and as it was before the change.
const FULL_DOCUMENT: &str = "fullDocument";
const BEFORE_CHANGE: &str = "fullDocumentBeforeChange";

/// `filter`, a filter on a document, as a filter on the change event's document `at`:
/// each field's path prefixed, through `$or` and `$and`.
fn within(at: &str, filter: Document) -> Document {
    filter
        .into_iter()
        .map(|(name, value)| match (name.as_str(), value) {
            ("$or" | "$and", Bson::Array(clauses)) => {
                let clauses: Vec<Bson> = clauses
                    .into_iter()
                    .map(|clause| match clause {
                        Bson::Document(clause) => Bson::Document(within(at, clause)),
                        other => other,
                    })
                    .collect();
                (name, Bson::Array(clauses))
            }
            (_, value) => (format!("{at}.{name}"), value),
        })
        .collect()
}

/// The sort key of `document` in a full read of `collection`.
fn key_of(collection: Collection, document: &Document) -> Key {
    Key {
        id: document.get(field::ID).cloned().unwrap_or(Bson::Null),
        at: (collection == Collection::SalesTransactions).then(|| {
            document
                .get(field::CREATED_AT)
                .cloned()
                .unwrap_or(Bson::Null)
        }),
    }
}

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

/// A field of a change event's document key.
fn document_key(field: &str) -> String {
    format!("documentKey.{field}")
}

/// Whether the feed must read everything again: the central database no longer has the
/// history after the checkpoint.
fn lost_history(error: &CentralError) -> bool {
    matches!(error, CentralError::Database(e)
        if matches!(&*e.kind, ErrorKind::Command(e) if LOST_HISTORY.contains(&e.code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_read_back_and_an_earlier_versions_token_is_followed() {
        let token: ResumeToken =
            bson::from_bson(Bson::Document(doc! { "_data": "82657A1B2C" })).unwrap();
        let reading = Checkpoint::Reading {
            collection: 10,
            after: Some(Box::new(Key {
                id: Bson::ObjectId(ObjectId::new()),
                at: Some(Bson::DateTime(bson::DateTime::now())),
            })),
            stream: Some(token.clone()),
        };
        assert_eq!(
            Checkpoint::decode(&reading.encode().unwrap()).unwrap(),
            reading
        );
        let at = Checkpoint::ReadAt(bson::DateTime::from_millis(1_700_000_000_000));
        assert_eq!(Checkpoint::decode(&at.encode().unwrap()).unwrap(), at);
        // What a till of an earlier version stored: the change stream's token alone.
        let stored = Bson::Document(doc! { "_data": "82657A1B2C" })
            .into_canonical_extjson()
            .to_string();
        assert_eq!(
            Checkpoint::decode(&stored).unwrap(),
            Checkpoint::Following(token)
        );
        assert!(matches!(
            Checkpoint::decode("{not json"),
            Err(CentralError::BadCheckpoint(_))
        ));
    }
}
