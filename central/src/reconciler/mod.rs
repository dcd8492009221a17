//! The reconciler: applies a batch of outbox operations to the central collections so that
//! applying it again, or any prefix of it, leaves MongoDB exactly as applying it once.
//!
//! How each operation is made idempotent:
//!
//! - `insert`: the documents of a batch whose till-made `_id`s are not central yet are
//!   inserted (plain batched inserts, the fastest write); a replay finds them there and
//!   changes nothing, even if they have been edited centrally since. An insert whose reply
//!   was lost and that finds its `_id` taken on replay counts as applied.
//! - `update`: `$set` of the changed fields, applied only if the central document was not
//!   changed later (`updated_at`): the newer change wins, and a replay is a no-op.
//! - `customer_purchase`: `$push` to `purchase_history` and `$inc` of `loyalty_points` and
//!   `store_credit`, in one update guarded by "this sale is not in the history yet".
//! - stock movements, in a transaction: a movement inserted by the batch is counted into
//!   its product's total `stock` and into its store's entry in `stock_levels` (added at 0
//!   when the store has none yet) by the same transaction (one `$inc` per product and
//!   store), and inserted
//!   with `stock_applied: true`: both commit or neither does, and a replay finds the
//!   movement there and counts nothing.
//! - stock movements, without a transaction: the movement is inserted with
//!   `stock_applied: false`; its quantity is added to `products.stock` and its store's
//!   level (one update per product, store and batch) guarded by the product's `pending_movements`, which takes the ids
//!   of the movements being counted; once every movement holds its place there, they are
//!   marked `stock_applied: true` and their ids leave `pending_movements`. A replay at any point between those steps finishes the job
//!   without counting the movement twice. So each store's level in `products.stock_levels`
//!   is its opening stock plus the sum of its movements with `stock_applied: true`, and
//!   `products.stock` is the sum of the levels.
//!
//! Where the server offers transactions the whole batch is one transaction; without them
//! the steps above keep a batch cut off half way correct. An operation the server refuses
//! for good (a duplicate SKU, a document of another business, a product that does not
//! exist centrally) is returned as rejected, and the rest of the batch is applied.

use std::collections::{HashMap, HashSet};

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use mongodb::ClientSession;
use sellsync_contract::documents::{field, Collection, Op};
use sellsync_contract::operation::Operation;
use tracing::{debug, warn};

use crate::database::{Central, DUPLICATE_KEY};
use crate::error::{CentralError, Result};

mod plan;

use plan::drafts::{self, Draft, DraftWrite};
use plan::{Move, Refused, Write};

/// At most this many statements go in one write command.
const STATEMENTS_PER_COMMAND: usize = 1_000;

/// Server error codes that mean "try again later", not "this write is wrong".
const TRANSIENT_CODES: &[i32] = &[
    6, 7, 50, 89, 91, 112, 189, 251, 262, 9001, 10107, 11600, 11602, 13435, 13436,
];

/// How many times a batch is applied again after write conflicts before the caller is
/// told to send it again later.
const CONFLICT_RETRIES: u32 = 8;

/// Whether the server refused a transaction for a conflict with another one (labelled
/// TransientTransactionError in its reply, not a network failure, after which the
/// transaction may still be open).
fn is_conflict(error: &mongodb::error::Error) -> bool {
    matches!(*error.kind, mongodb::error::ErrorKind::Command(_))
        && error.contains_label(mongodb::error::TRANSIENT_TRANSACTION_ERROR)
}

/// A short pause before the `n`th new attempt, growing, with jitter so that two batches
/// that collided do not collide again.
fn conflict_pause(n: u32) -> std::time::Duration {
    let ceiling = 5 * u64::from(n.min(6)) * u64::from(n.min(6));
    std::time::Duration::from_millis(fastrand::u64(1..=ceiling.max(2)))
}

/// What became of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Operations now in the central database (applied by this call or an earlier one).
    pub applied: Vec<i64>,
    /// Those of `applied` that are documents made at the till and were central before
    /// this call: a batch sent again after its answer was lost.
    pub replayed: Vec<i64>,
    /// Operations the central database refused for good.
    pub rejected: Vec<Rejection>,
}

/// An operation refused for good, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub seq: i64,
    pub error: String,
    /// When a unique index refused it: the fields of that index the document shares with
    /// another of its business (`["sku"]`); empty otherwise.
    pub duplicate: Vec<String>,
}

/// Applies batches of one till's operations for its business.
pub struct Reconciler {
    central: Central,
    business_id: ObjectId,
}

impl Reconciler {
    pub fn new(central: Central, business_id: sellsync_contract::Id) -> Reconciler {
        Reconciler {
            central,
            business_id: business_id.object_id(),
        }
    }

    pub fn central(&self) -> &Central {
        &self.central
    }

    /// Applies `batch` (in commit order). Returns which operations are applied and which
    /// were refused for good; fails only for transient trouble (the network, the server),
    /// after which the whole batch may simply be sent again.
    pub async fn apply(&self, batch: &[Operation]) -> Result<BatchOutcome> {
        let mut rejected: Vec<Rejection> = Vec::new();
        let mut inserted: HashSet<i64> = HashSet::new();
        let mut conflicts = 0;
        loop {
            let refused: HashSet<i64> = rejected.iter().map(|r| r.seq).collect();
            let live: Vec<&Operation> = batch
                .iter()
                .filter(|op| !refused.contains(&op.seq))
                .collect();
            if live.is_empty() {
                break;
            }
            if !self.central.transactions() {
                let mut attempt = Attempt::new(self, None);
                attempt.run(&live).await?;
                rejected.extend(attempt.rejected);
                inserted = attempt.inserted;
                break;
            }
            self.kill_abandoned_sessions().await?;
            let mut session = self
                .central
                .client
                .start_session()
                .await
                .map_err(|e| self.central.classify(e))?;
            session
                .start_transaction()
                .await
                .map_err(|e| self.central.classify(e))?;
            let mut attempt = Attempt::new(self, Some(&mut session));
            let result = attempt.run(&live).await;
            let (failed_writes, new, fresh) =
                (attempt.write_failed, attempt.rejected, attempt.inserted);
            if result.is_err() || failed_writes {
                // A refused write ends the transaction: start again without it. A write
                // conflict with another till's batch (on the same products' stock, say):
                // the server aborted it, start again after a pause. After any other
                // failure the abort may not reach the server (the driver does not report
                // that), so the session is killed before the next batch.
                let _ = session.abort_transaction().await;
                match result {
                    Err(CentralError::Database(e))
                        if is_conflict(&e) && conflicts < CONFLICT_RETRIES =>
                    {
                        conflicts += 1;
                        debug!(
                            conflicts,
                            "a write conflict with another batch; applying again"
                        );
                        tokio::time::sleep(conflict_pause(conflicts)).await;
                    }
                    Err(e) => {
                        self.abandon(&session);
                        return Err(e);
                    }
                    Ok(()) => rejected.extend(new),
                }
                continue;
            }
            if let Err(e) = session.commit_transaction().await {
                if is_conflict(&e) && conflicts < CONFLICT_RETRIES {
                    conflicts += 1;
                    tokio::time::sleep(conflict_pause(conflicts)).await;
                    continue;
                }
                self.abandon(&session);
                return Err(self.central.classify(e));
            }
            rejected.extend(new);
            inserted = fresh;
            break;
        }
        rejected.sort_by_key(|r| r.seq);
        let refused: HashSet<i64> = rejected.iter().map(|r| r.seq).collect();
        let applied: Vec<&Operation> = batch
            .iter()
            .filter(|op| !refused.contains(&op.seq))
            .collect();
        Ok(BatchOutcome {
            replayed: applied
                .iter()
                .filter(|op| op.op == Op::Insert && !inserted.contains(&op.seq))
                .map(|op| op.seq)
                .collect(),
            applied: applied.iter().map(|op| op.seq).collect(),
            rejected,
        })
    }
}

impl Reconciler {
    fn abandon(&self, session: &ClientSession) {
        let mut abandoned = self.central.abandoned.lock().expect("not poisoned");
        abandoned.push(session.id().clone());
    }

    /// Ends the transactions of sessions abandoned after a cut connection, so that their
    /// uncommitted writes stop blocking the next batch.
    async fn kill_abandoned_sessions(&self) -> Result<()> {
        let sessions = std::mem::take(&mut *self.central.abandoned.lock().expect("not poisoned"));
        if sessions.is_empty() {
            return Ok(());
        }
        let admin = self.central.client.database("admin");
        match admin
            .run_command(doc! { "killSessions": sessions.clone() })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if matches!(*e.kind, mongodb::error::ErrorKind::Command(_)) => {
                // Refused (an old server, or no right to): the transactions time out instead.
                warn!(error = %e, "could not end abandoned sessions");
                Ok(())
            }
            Err(e) => {
                self.central
                    .abandoned
                    .lock()
                    .expect("not poisoned")
                    .extend(sessions);
                Err(self.central.classify(e))
            }
        }
    }
}

/// One pass over a batch, in a transaction or not.
struct Attempt<'a> {
    reconciler: &'a Reconciler,
    session: Option<&'a mut ClientSession>,
    rejected: Vec<Rejection>,
    /// A write was refused inside a transaction, which the server has now aborted.
    write_failed: bool,
    /// Operations whose documents this attempt inserted.
    inserted: HashSet<i64>,
}

impl<'a> Attempt<'a> {
    fn new(reconciler: &'a Reconciler, session: Option<&'a mut ClientSession>) -> Attempt<'a> {
        Attempt {
            reconciler,
            session,
            rejected: Vec::new(),
            write_failed: false,
            inserted: HashSet::new(),
        }
    }

    fn reject(&mut self, op: &Operation, error: impl Into<String>) {
        self.reject_duplicate(op, error, Vec::new());
    }

    fn reject_duplicate(
        &mut self,
        op: &Operation,
        error: impl Into<String>,
        duplicate: Vec<String>,
    ) {
        self.rejected.push(Rejection {
            seq: op.seq,
            error: error.into(),
            duplicate,
        });
    }

    fn is_rejected(&self, op: &Operation) -> bool {
        self.rejected.iter().any(|r| r.seq == op.seq)
    }

    /// Takes the plan's refusals.
    fn refuse(&mut self, ops: &[&Operation], refused: Vec<Refused>) {
        for (i, error) in refused {
            self.reject(ops[i], error);
        }
    }

    /// The indexes of the operations refused so far.
    fn refused_indexes(&self, ops: &[&Operation]) -> HashSet<usize> {
        ops.iter()
            .enumerate()
            .filter(|(_, op)| self.is_rejected(op))
            .map(|(i, _)| i)
            .collect()
    }

    async fn run(&mut self, ops: &[&Operation]) -> Result<()> {
        let business = self.reconciler.business_id;
        // 1. Documents made on the till, collection by collection, in commit order: those
        //    not central yet are inserted; those already there were applied before.
        let now = bson::DateTime::now();
        let (inserts, refused) = plan::inserts(ops, business, self.session.is_some(), now);
        self.refuse(ops, refused);
        for (collection, mut documents) in inserts {
            if collection == Collection::StockMovements {
                let (products, stores) = self.movement_facts(&documents).await?;
                let (kept, refused) =
                    plan::movements_on_central_products(documents, &products, &stores);
                self.refuse(ops, refused);
                documents = kept;
            }
            let ids = documents
                .iter()
                .map(|(i, _)| ops[*i].document_id.object_id());
            let owners = self.owners(collection, ids.collect()).await?;
            let (missing, refused) =
                plan::not_central_yet(collection, documents, &owners, ops, business);
            self.refuse(ops, refused);
            let inserting: Vec<usize> = missing.iter().map(|(i, _)| *i).collect();
            self.write(collection, Write::Insert(missing), ops).await?;
            if self.write_failed {
                return Ok(());
            }
            for i in inserting {
                if !self.is_rejected(ops[i]) {
                    self.inserted.insert(ops[i].seq);
                }
            }
        }

        // The business's `api_key`: its first key's label.
        let held = |op: &Operation| !self.is_rejected(op);
        if let Some(statement) = plan::first_key(ops, held, business) {
            self.write(Collection::Businesses, Write::Update(vec![statement]), ops)
                .await?;
            if self.write_failed {
                return Ok(());
            }
        }

        // 2. Field updates, newest change wins.
        let updates = self.present(ops, Op::Update).await?;
        let statements = updates
            .iter()
            .map(|&(i, op)| plan::update_statement(i, op, business, now))
            .collect();
        for (collection, statements) in plan::by_collection(statements, ops) {
            self.write(collection, Write::Update(statements), ops)
                .await?;
            if self.write_failed {
                return Ok(());
            }
        }

        // 3. The stores' automatic drafts: reorder lines placed once, changes merged
        //    with the lines other tills added.
        self.automatic_drafts(ops).await?;
        if self.write_failed {
            return Ok(());
        }

        // 4. Purchases added to customers, once per sale.
        let purchases = self.present(ops, Op::CustomerPurchase).await?;
        let mut statements = Vec::new();
        for (i, op) in purchases {
            match plan::purchase_statement(i, op, business, now) {
                Ok(statement) => statements.push(statement),
                Err(error) => self.reject(op, error),
            }
        }
        self.write(Collection::Customers, Write::Update(statements), ops)
            .await?;
        if self.write_failed {
            return Ok(());
        }

        // 5. Stock movements counted into their products, once each.
        self.count_movements(ops).await
    }

    /// The operations of kind `op` not refused so far whose documents exist centrally;
    /// the others are refused.
    async fn present<'o>(
        &mut self,
        ops: &[&'o Operation],
        kind: Op,
    ) -> Result<Vec<(usize, &'o Operation)>> {
        let wanted: Vec<(usize, &Operation)> = ops
            .iter()
            .enumerate()
            .filter(|(_, op)| op.op == kind && !self.is_rejected(op) && !drafts::is_for_drafts(op))
            .map(|(i, op)| (i, *op))
            .collect();
        let mut by_collection: HashMap<Collection, Vec<ObjectId>> = HashMap::new();
        for (_, op) in &wanted {
            by_collection
                .entry(op.collection)
                .or_default()
                .push(op.document_id.object_id());
        }
        let mut found: HashSet<(Collection, ObjectId)> = HashSet::new();
        for (collection, ids) in by_collection {
            for id in self.existing(collection, ids).await? {
                found.insert((collection, id));
            }
        }
        let (present, refused) = plan::present(wanted, &found);
        self.refuse(ops, refused);
        Ok(present)
    }

    /// Places the batch's reorder lines and applies its changes of automatic drafts
    /// (`plan::drafts`), then checks that every reorder is on a draft (else the batch is
    /// sent again) and notes the reorders that went past a closed draft on it.
    async fn automatic_drafts(&mut self, ops: &[&Operation]) -> Result<()> {
        let business = self.reconciler.business_id;
        let wanted: Vec<usize> = ops
            .iter()
            .enumerate()
            .filter(|(_, op)| drafts::is_for_drafts(op) && !self.is_rejected(op))
            .map(|(i, _)| i)
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let mut pairs: HashSet<(ObjectId, ObjectId)> = wanted
            .iter()
            .filter_map(|&i| drafts::reorder_pair(ops[i]))
            .collect();
        let changed: Vec<ObjectId> = wanted
            .iter()
            .filter(|&&i| ops[i].op == Op::Update)
            .map(|&i| ops[i].document_id.object_id())
            .collect();
        if !changed.is_empty() {
            let found = self
                .find(
                    Collection::PurchaseOrders,
                    doc! { field::ID: { "$in": changed }, field::BUSINESS_ID: business },
                    doc! { field::STORE_ID: 1, field::SUPPLIER_ID: 1 },
                )
                .await?;
            pairs.extend(found.iter().filter_map(|d| {
                Some((
                    d.get_object_id(field::STORE_ID).ok()?,
                    d.get_object_id(field::SUPPLIER_ID).ok()?,
                ))
            }));
        }
        let mut found = Vec::new();
        if !pairs.is_empty() {
            let either: Vec<Document> = pairs
                .iter()
                .map(|(store, supplier)| doc! { field::STORE_ID: store, field::SUPPLIER_ID: supplier })
                .collect();
            found = self
                .find(
                    Collection::PurchaseOrders,
                    doc! {
                        field::BUSINESS_ID: business,
                        field::REORDER_GENERATION: { "$ne": Bson::Null },
                        "$or": either,
                    },
                    Document::new(),
                )
                .await?;
        }
        let held = found.into_iter().filter_map(Draft::from_central).collect();
        let plan = drafts::plan(ops, &wanted, held, business);
        self.refuse(ops, plan.refused);
        for write in plan.writes {
            let write = match write {
                DraftWrite::Insert(i, document) => Write::Insert(vec![(i, document)]),
                DraftWrite::Update(statement) => Write::Update(vec![statement]),
            };
            self.write(Collection::PurchaseOrders, write, ops).await?;
            if self.write_failed {
                return Ok(());
            }
        }
        let reorders: Vec<ObjectId> = plan
            .reorders
            .iter()
            .filter(|(i, _)| !self.is_rejected(ops[*i]))
            .map(|(_, reorder)| *reorder)
            .collect();
        if !reorders.is_empty() {
            let on_drafts: HashSet<ObjectId> = self
                .find(
                    Collection::PurchaseOrders,
                    doc! { field::BUSINESS_ID: business, field::REORDER_IDS: { "$in": &reorders } },
                    doc! { field::REORDER_IDS: 1 },
                )
                .await?
                .iter()
                .filter_map(|d| d.get_array(field::REORDER_IDS).ok())
                .flat_map(|ids| ids.iter().filter_map(Bson::as_object_id))
                .collect();
            if let Some(missing) = reorders.iter().find(|r| !on_drafts.contains(r)) {
                return Err(CentralError::WriteNotConfirmed(format!(
                    "the automatic order line {missing} did not reach its draft; the batch will be sent again"
                )));
            }
        }
        self.write(
            Collection::PurchaseOrders,
            Write::Update(plan.passed_on),
            ops,
        )
        .await
    }

    async fn count_movements(&mut self, ops: &[&Operation]) -> Result<()> {
        let business = self.reconciler.business_id;
        let (movements, refused) = plan::movements(ops, &self.refused_indexes(ops));
        self.refuse(ops, refused);
        // In a transaction, a movement inserted by this attempt is counted by it too.
        let (fresh, movements): (Vec<Move>, Vec<Move>) = movements
            .into_iter()
            .partition(|m| self.session.is_some() && self.inserted.contains(&ops[m.op].seq));
        let statements = plan::count_fresh(&fresh, business);
        self.write(Collection::Products, Write::Update(statements), ops)
            .await?;
        if self.write_failed || movements.is_empty() {
            return Ok(());
        }
        let ids: Vec<ObjectId> = movements.iter().map(|m| m.id).collect();
        let all_products: Vec<ObjectId> = movements.iter().map(|m| m.product).collect();
        let counted: HashSet<ObjectId> = self
            .find_ids(
                Collection::StockMovements,
                doc! {
                    field::ID: { "$in": &ids },
                    field::BUSINESS_ID: business,
                    field::STOCK_APPLIED: true,
                },
            )
            .await?;
        let to_count: Vec<Move> = movements
            .into_iter()
            .filter(|m| !counted.contains(&m.id))
            .collect();
        let products: Vec<ObjectId> = to_count.iter().map(|m| m.product).collect();
        let held = self.pending_movements(products.clone()).await?;
        let (groups, statements, refused) = plan::count_pending(&to_count, &held, business);
        self.refuse(ops, refused);
        self.write(Collection::Products, Write::Update(statements), ops)
            .await?;
        if self.write_failed {
            return Ok(());
        }
        // Every movement must now hold its place before it is marked counted.
        let held = self.pending_movements(products).await?;
        let refused: HashMap<usize, String> = self
            .rejected
            .iter()
            .filter_map(|r| {
                let i = ops.iter().position(|op| op.seq == r.seq)?;
                Some((i, r.error.clone()))
            })
            .collect();
        let (counting, refused) = plan::confirm_counted(&to_count, &held, &groups, &refused)
            .map_err(|product| {
                CentralError::WriteNotConfirmed(format!(
                    "the stock of product {product} was not updated; the batch will be sent again"
                ))
            })?;
        self.refuse(ops, refused);
        self.command(doc! {
            "update": Collection::StockMovements.name(),
            "updates": [{
                "q": { field::ID: { "$in": &counting }, field::BUSINESS_ID: business },
                "u": { "$set": { field::STOCK_APPLIED: true } },
                "multi": true,
            }],
        })
        .await?;
        // Every movement of the batch leaves `pending_movements`, counted now or before:
        // an earlier attempt may have been cut between marking a movement and this.
        self.command(doc! {
            "update": Collection::Products.name(),
            "updates": [{
                "q": { field::ID: { "$in": all_products }, field::BUSINESS_ID: business },
                "u": { "$pull": { field::PENDING_MOVEMENTS: { "$in": &ids } } },
                "multi": true,
            }],
        })
        .await?;
        Ok(())
    }

    /// What the plan needs to check movement `documents`: their products that are this
    /// business's, each with its own store (`None`: sold at every store), and their stores
    /// that are this business's.
    async fn movement_facts(
        &mut self,
        documents: &[(usize, Document)],
    ) -> Result<(HashMap<ObjectId, Option<ObjectId>>, HashSet<ObjectId>)> {
        let business = self.reconciler.business_id;
        let ids = |field: &str| -> Vec<ObjectId> {
            documents
                .iter()
                .filter_map(|(_, d)| d.get_object_id(field).ok())
                .collect()
        };
        let (product_ids, store_ids) = (ids(field::PRODUCT_ID), ids(field::STORE_ID));
        let products = self
            .find(
                Collection::Products,
                doc! { field::ID: { "$in": product_ids }, field::BUSINESS_ID: business },
                doc! { field::ID: 1, field::STORE_ID: 1 },
            )
            .await?
            .iter()
            .filter_map(|d| {
                Some((
                    d.get_object_id(field::ID).ok()?,
                    d.get_object_id(field::STORE_ID).ok(),
                ))
            })
            .collect();
        let stores = self.existing(Collection::Stores, store_ids).await?;
        Ok((products, stores))
    }

    /// The `pending_movements` of each of `products` that exists for this business.
    async fn pending_movements(
        &mut self,
        products: Vec<ObjectId>,
    ) -> Result<HashMap<ObjectId, HashSet<ObjectId>>> {
        let business = self.reconciler.business_id;
        let found = self
            .find(
                Collection::Products,
                doc! { field::ID: { "$in": products }, field::BUSINESS_ID: business },
                doc! { field::ID: 1, field::PENDING_MOVEMENTS: 1 },
            )
            .await?;
        Ok(found
            .iter()
            .filter_map(|d| {
                let pending = d
                    .get_array(field::PENDING_MOVEMENTS)
                    .map(|a| a.iter().filter_map(Bson::as_object_id).collect())
                    .unwrap_or_default();
                Some((d.get_object_id(field::ID).ok()?, pending))
            })
            .collect())
    }

    /// Of `ids` in `collection`, those that exist for this business.
    async fn existing(
        &mut self,
        collection: Collection,
        ids: Vec<ObjectId>,
    ) -> Result<HashSet<ObjectId>> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let business = self.reconciler.business_id;
        let filter = if collection.is_scoped() {
            doc! { field::ID: { "$in": &ids }, field::BUSINESS_ID: business }
        } else {
            doc! { field::ID: { "$in": ids.iter().filter(|id| **id == business).collect::<Vec<_>>() } }
        };
        self.find_ids(collection, filter).await
    }

    /// The `_id`s of the documents of `collection` matching `filter`.
    async fn find_ids(
        &mut self,
        collection: Collection,
        filter: Document,
    ) -> Result<HashSet<ObjectId>> {
        let found = self.find(collection, filter, doc! { field::ID: 1 }).await?;
        Ok(found
            .iter()
            .filter_map(|d| d.get_object_id(field::ID).ok())
            .collect())
    }

    /// Which of `ids` exist in `collection`, with the business each belongs to.
    async fn owners(
        &mut self,
        collection: Collection,
        ids: Vec<ObjectId>,
    ) -> Result<HashMap<ObjectId, Option<ObjectId>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let found = self
            .find(
                collection,
                doc! { field::ID: { "$in": ids } },
                doc! { field::ID: 1, field::BUSINESS_ID: 1 },
            )
            .await?;
        Ok(found
            .iter()
            .filter_map(|d| {
                let id = d.get_object_id(field::ID).ok()?;
                Some((id, d.get_object_id(field::BUSINESS_ID).ok()))
            })
            .collect())
    }

    /// The documents of `collection` matching `filter`, with `projection`'s fields.
    async fn find(
        &mut self,
        collection: Collection,
        filter: Document,
        projection: Document,
    ) -> Result<Vec<Document>> {
        let mut found = Vec::new();
        let mut reply = self
            .command(doc! {
                "find": collection.name(),
                "filter": filter,
                "projection": projection,
                "batchSize": 10_000,
            })
            .await?;
        loop {
            let cursor = reply
                .get_document("cursor")
                .map_err(|e| CentralError::UnexpectedReply(format!("find: {e}")))?;
            let batch = cursor
                .get_array("firstBatch")
                .or_else(|_| cursor.get_array("nextBatch"))
                .map_err(|e| CentralError::UnexpectedReply(format!("find: {e}")))?;
            found.extend(batch.iter().filter_map(Bson::as_document).cloned());
            let cursor_id = cursor.get_i64("id").unwrap_or(0);
            if cursor_id == 0 {
                return Ok(found);
            }
            reply = self
                .command(doc! { "getMore": cursor_id, "collection": collection.name() })
                .await?;
        }
    }

    /// Sends `writes` to `collection` in commands of at most 1,000. A write the server
    /// refuses for good rejects its operation; inside a transaction it also ends the
    /// attempt (`write_failed`). An insert that finds its `_id` taken was applied by an
    /// earlier attempt whose reply was lost.
    async fn write(
        &mut self,
        collection: Collection,
        writes: Write,
        ops: &[&Operation],
    ) -> Result<()> {
        let in_transaction = self.session.is_some();
        let (command, field, items) = match writes {
            Write::Insert(documents) => ("insert", "documents", documents),
            Write::Update(statements) => (
                "update",
                "updates",
                statements
                    .into_iter()
                    .map(|s| {
                        let mut statement = doc! { "q": s.q, "u": s.u };
                        if !s.array_filters.is_empty() {
                            statement.insert("arrayFilters", s.array_filters);
                        }
                        (s.op, statement)
                    })
                    .collect(),
            ),
        };
        for chunk in items.chunks(STATEMENTS_PER_COMMAND) {
            let body: Vec<&Document> = chunk.iter().map(|(_, d)| d).collect();
            let reply = self
                .command(doc! {
                    command: collection.name(),
                    field: body,
                    // In a transaction the first refusal ends it; without one, let the
                    // other writes through.
                    "ordered": in_transaction,
                })
                .await?;
            if let Ok(concern) = reply.get_document("writeConcernError") {
                return Err(CentralError::WriteNotConfirmed(
                    concern
                        .get_str("errmsg")
                        .unwrap_or("no reason given")
                        .to_owned(),
                ));
            }
            let Ok(errors) = reply.get_array("writeErrors") else {
                continue;
            };
            let mut refused = false;
            for error in errors.iter().filter_map(Bson::as_document) {
                let index = error.get_i32("index").unwrap_or(0) as usize;
                let code = error.get_i32("code").unwrap_or(0);
                let message = error.get_str("errmsg").unwrap_or("refused").to_owned();
                if TRANSIENT_CODES.contains(&code) {
                    return Err(CentralError::WriteNotConfirmed(message));
                }
                let id_taken = code == DUPLICATE_KEY
                    && error.get_document("keyPattern").ok() == Some(&doc! { field::ID: 1 });
                if command == "insert" && id_taken && !in_transaction {
                    continue;
                }
                let op = ops[chunk.get(index).map_or(0, |(i, _)| *i)];
                debug!(seq = op.seq, code, %message, "write refused");
                let duplicate: Vec<String> = match error.get_document("keyPattern") {
                    Ok(key) if code == DUPLICATE_KEY => key
                        .keys()
                        .filter(|k| *k != field::BUSINESS_ID)
                        .cloned()
                        .collect(),
                    _ => Vec::new(),
                };
                self.reject_duplicate(op, format!("{message} (code {code})"), duplicate);
                refused = true;
            }
            if in_transaction && refused {
                self.write_failed = true;
                return Ok(());
            }
        }
        Ok(())
    }

    async fn command(&mut self, command: Document) -> Result<Document> {
        let db = &self.reconciler.central.db;
        let reply = match self.session.as_deref_mut() {
            Some(session) => db.run_command(command).session(session).await,
            None => db.run_command(command).await,
        };
        reply.map_err(|e| self.reconciler.central.classify(e))
    }
}
