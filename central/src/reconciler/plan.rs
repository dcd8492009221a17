//! The reconciler's decisions, pure: from a batch's operations and the facts read from the
//! central database, the writes to send and the operations to refuse. Nothing here does
//! I/O; `Attempt` (in `mod.rs`) reads the facts, asks these functions and sends what they
//! plan. The plan is made step by step, each step from facts read after the step before
//! it was written, because a later step may depend on an earlier one: a movement on a
//! product inserted by the same batch, an update of a document inserted by it.
//!
//! 1. [`inserts`]: the documents to insert, by collection, movements last;
//!    [`movements_on_central_products`] and [`not_central_yet`] narrow them down.
//! 2. [`present`]: the updates and purchases whose documents exist; [`update_statement`]
//!    and [`purchase_statement`] for each.
//! 3. [`movements`], then [`count_fresh`] (in the transaction that inserted them) or
//!    [`count_pending`] and [`confirm_counted`] (without a transaction).

use std::collections::{HashMap, HashSet};

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use sellsync_contract::conflicts;
use sellsync_contract::documents::{self, field, BusinessDoc, Collection, Op, StockMovementDoc};
use sellsync_contract::operation::Operation;
use sellsync_contract::Quantity;

/// An operation refused for good: its index in the batch, and why.
pub(super) type Refused = (usize, String);

/// Documents to write, each with the index of its operation in the batch.
pub(super) type Documents = Vec<(usize, Document)>;

/// Writes for one collection, each with the index of its operation in the batch.
pub(super) enum Write {
    Insert(Documents),
    Update(Vec<Statement>),
}

/// One statement of an `update` command, and the operation it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Statement {
    pub op: usize,
    pub q: Document,
    pub u: Document,
    /// The `arrayFilters` of the statement's `$[name]` placeholders.
    pub array_filters: Vec<Document>,
}

impl Statement {
    fn new(op: usize, q: Document, u: Document) -> Statement {
        Statement {
            op,
            q,
            u,
            array_filters: Vec::new(),
        }
    }
}

/// A product of this business, by id.
fn product_filter(product: ObjectId, business: ObjectId) -> Document {
    doc! { field::ID: product, field::BUSINESS_ID: business }
}

/// The two statements that count `sum` into one store's level of a product (and into the
/// product's total `stock`): the store's level is added at 0 if the product has none yet,
/// then both are incremented. `guard` narrows which product documents the increment may
/// touch; `also` adds to its update.
fn count_into_level(
    op: usize,
    product: Document,
    store: ObjectId,
    sum: Quantity,
    guard: Document,
    also: Document,
) -> [Statement; 2] {
    let mut ensure = product.clone();
    ensure.insert(field::STOCK_LEVELS_STORE_ID, doc! { "$ne": store });
    let mut q = product;
    q.extend(guard);
    let level_stock = format!("{}.$[level].{}", field::STOCK_LEVELS, field::STOCK);
    let sum = documents::quantity(sum);
    let mut u = doc! { "$inc": { field::STOCK: sum.clone(), level_stock: sum } };
    u.extend(also);
    [
        Statement::new(
            op,
            ensure,
            doc! { "$push": { field::STOCK_LEVELS: {
                field::STORE_ID: store, field::OPENING_STOCK: 0_i64, field::STOCK: 0_i64,
            } } },
        ),
        Statement {
            op,
            q,
            u,
            array_filters: vec![doc! { format!("level.{}", field::STORE_ID): store }],
        },
    ]
}

/// The documents the batch's `insert`s create, by collection in the order first seen,
/// stock movements last (after the products they may need); the payloads that are not
/// this business's documents are refused. A movement inserted in a transaction is counted
/// in the same one, so it goes in with `stock_applied: true`; a sale goes in with
/// `synced_at: now`.
pub(super) fn inserts(
    ops: &[&Operation],
    business: ObjectId,
    in_transaction: bool,
    now: bson::DateTime,
) -> (Vec<(Collection, Documents)>, Vec<Refused>) {
    let mut inserts: Vec<(Collection, Documents)> = Vec::new();
    let mut refused = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if op.op != Op::Insert {
            continue;
        }
        match insert_document(op, business, in_transaction, now) {
            Ok(document) => match inserts.iter_mut().find(|(c, _)| *c == op.collection) {
                Some((_, documents)) => documents.push((i, document)),
                None => inserts.push((op.collection, vec![(i, document)])),
            },
            Err(error) => refused.push((i, error)),
        }
    }
    inserts.sort_by_key(|(collection, _)| *collection == Collection::StockMovements);
    (inserts, refused)
}

/// The payload of an `insert`, checked to be this business's document.
fn insert_document(
    op: &Operation,
    business: ObjectId,
    in_transaction: bool,
    now: bson::DateTime,
) -> Result<Document, String> {
    let mut document = op.payload.clone();
    if document.get_object_id(field::ID) != Ok(op.document_id.object_id()) {
        return Err("the document's _id is not the operation's".into());
    }
    if !op.collection.is_scoped() {
        if op.document_id.object_id() != business {
            return Err("the business is not this till's business".into());
        }
    } else if document.get_object_id(field::BUSINESS_ID) != Ok(business) {
        return Err("the document belongs to another business".into());
    }
    if op.collection == Collection::StockMovements {
        // Checked before it is written: one the contract refuses is never inserted.
        StockMovementDoc::from_document(&document).map_err(|refusal| refusal.to_string())?;
        document.insert(field::STOCK_APPLIED, in_transaction);
    }
    document.insert(field::SYNCED_AT, now);
    Ok(document)
}

/// Of the movement `documents`, those whose product is central (`products`: each one's
/// own store, `None` for one sold at every store) and sold at the movement's store, one of
/// this business's `stores`; the others are refused before anything of them is written.
pub(super) fn movements_on_central_products(
    documents: Documents,
    products: &HashMap<ObjectId, Option<ObjectId>>,
    stores: &HashSet<ObjectId>,
) -> (Documents, Vec<Refused>) {
    let mut kept = Vec::with_capacity(documents.len());
    let mut refused = Vec::new();
    for (i, document) in documents {
        let product = document.get_object_id(field::PRODUCT_ID);
        let store = document.get_object_id(field::STORE_ID);
        let refusal = match (product, store) {
            (Err(_), _) | (_, Err(_)) => {
                Some("a stock movement needs a product_id and a store_id".to_owned())
            }
            (Ok(product), _) if !products.contains_key(&product) => Some(format!(
                "product {product} does not exist in the central database"
            )),
            (_, Ok(store)) if !stores.contains(&store) => Some(format!(
                "store {store} does not exist in the central database"
            )),
            (Ok(product), Ok(store)) => match products[&product] {
                Some(own) if own != store => Some(format!(
                    "product {product} is sold only at store {own}, not at store {store}"
                )),
                _ => None,
            },
        };
        match refusal {
            Some(error) => refused.push((i, error)),
            None => kept.push((i, document)),
        }
    }
    (kept, refused)
}

/// Of the `documents` to insert into `collection`, those not central yet (`owners`: the
/// business of each one that is). One already there was inserted before (a replay); one
/// whose id belongs to another business is refused.
pub(super) fn not_central_yet(
    collection: Collection,
    documents: Documents,
    owners: &HashMap<ObjectId, Option<ObjectId>>,
    ops: &[&Operation],
    business: ObjectId,
) -> (Documents, Vec<Refused>) {
    let mut missing = Vec::new();
    let mut refused = Vec::new();
    for (i, document) in documents {
        match owners.get(&ops[i].document_id.object_id()) {
            None => missing.push((i, document)),
            Some(owner) if *owner == Some(business) || !collection.is_scoped() => {}
            Some(_) => refused.push((
                i,
                "a document with this id belongs to another business".to_owned(),
            )),
        }
    }
    (missing, refused)
}

/// Of the `wanted` operations, those whose documents are central (`found`); the others
/// are refused.
pub(super) fn present<'o>(
    wanted: Vec<(usize, &'o Operation)>,
    found: &HashSet<(Collection, ObjectId)>,
) -> (Vec<(usize, &'o Operation)>, Vec<Refused>) {
    let mut present = Vec::new();
    let mut refused = Vec::new();
    for (i, op) in wanted {
        if found.contains(&(op.collection, op.document_id.object_id())) {
            present.push((i, op));
        } else {
            refused.push((
                i,
                format!(
                    "{} {} does not exist in the central database",
                    op.collection, op.document_id
                ),
            ));
        }
    }
    (present, refused)
}

/// `$set` of the changed fields, unless the central document changed later (the
/// newest-wins rule, written with the pull's in `sellsync_contract::conflicts`) or holds
/// them already, and of when central took the change (`synced_at`).
pub(super) fn update_statement(
    i: usize,
    op: &Operation,
    business: ObjectId,
    now: bson::DateTime,
) -> Statement {
    let mut q = doc! { field::ID: op.document_id.object_id() };
    if op.collection.is_scoped() {
        q.insert(field::BUSINESS_ID, business);
    }
    if let Ok(at) = op.payload.get_datetime(field::UPDATED_AT) {
        q.extend(conflicts::not_changed_since(*at));
    }
    // A document that holds the change already (a replay) is left as it is, its
    // `synced_at` too.
    if !op.payload.is_empty() {
        q.insert("$nor", vec![op.payload.clone()]);
    }
    let mut set = op.payload.clone();
    set.insert(field::SYNCED_AT, now);
    Statement::new(i, q, doc! { "$set": set })
}

/// Adds a sale to a customer's history and its points and store credit to their
/// balances, once, and when central took it (`synced_at`).
pub(super) fn purchase_statement(
    i: usize,
    op: &Operation,
    business: ObjectId,
    now: bson::DateTime,
) -> Result<Statement, String> {
    let p = &op.payload;
    let (Ok(transaction), Ok(date), Some(amount), Ok(points)) = (
        p.get_object_id(field::TRANSACTION_ID),
        p.get_datetime(field::DATE),
        p.get(field::AMOUNT),
        p.get_i64(field::LOYALTY_POINTS),
    ) else {
        return Err("a purchase needs transaction_id, date, amount and loyalty_points".into());
    };
    let mut increments = doc! { field::LOYALTY_POINTS: points };
    // Store credit moves as a delta too; a purchase written before it existed moves none.
    match p.get(field::STORE_CREDIT) {
        Some(credit @ Bson::Decimal128(_)) => {
            increments.insert(field::STORE_CREDIT, credit.clone());
        }
        Some(other) => {
            return Err(format!(
                "a purchase's store_credit is {other}, not a decimal"
            ))
        }
        None => {}
    }
    Ok(Statement::new(
        i,
        doc! {
            field::ID: op.document_id.object_id(),
            field::BUSINESS_ID: business,
            field::PURCHASE_HISTORY_TRANSACTION_ID: { "$ne": transaction },
        },
        doc! {
            "$push": { field::PURCHASE_HISTORY: {
                field::TRANSACTION_ID: transaction,
                field::DATE: *date,
                field::AMOUNT: amount.clone(),
            } },
            "$inc": increments,
            "$set": { field::SYNCED_AT: now },
        },
    ))
}

/// The seed's `api_key` on the business, from the first API key of the batch that central
/// holds (inserted now, or before by a batch cut short): set only where the business has
/// none yet, so it stays its first key's label and a replay changes nothing.
pub(super) fn first_key(
    ops: &[&Operation],
    held: impl Fn(&Operation) -> bool,
    business: ObjectId,
) -> Option<Statement> {
    let (i, label) = ops.iter().enumerate().find_map(|(i, op)| {
        let key = op.collection == Collection::ApiKeys && op.op == Op::Insert && held(op);
        key.then(|| op.payload.get_str(field::API_KEY).ok())
            .flatten()
            .map(|label| (i, label))
    })?;
    let (q, u) = BusinessDoc::first_key(business, label);
    Some(Statement::new(i, q, u))
}

/// Groups update statements by their operation's collection, keeping commit order.
pub(super) fn by_collection(
    statements: Vec<Statement>,
    ops: &[&Operation],
) -> Vec<(Collection, Vec<Statement>)> {
    let mut grouped: Vec<(Collection, Vec<Statement>)> = Vec::new();
    for statement in statements {
        let collection = ops[statement.op].collection;
        match grouped.iter_mut().find(|(c, _)| *c == collection) {
            Some((_, list)) => list.push(statement),
            None => grouped.push((collection, vec![statement])),
        }
    }
    grouped
}

/// A stock movement of the batch, to count into its product's level at its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Move {
    pub op: usize,
    pub id: ObjectId,
    pub product: ObjectId,
    pub store: ObjectId,
    pub quantity: Quantity,
}

impl Move {
    fn level(&self) -> (ObjectId, ObjectId) {
        (self.product, self.store)
    }
}

/// The batch's stock movements not refused so far (`refused`: by index); a payload that
/// is not a movement by the contract is refused.
pub(super) fn movements(ops: &[&Operation], refused: &HashSet<usize>) -> (Vec<Move>, Vec<Refused>) {
    let mut moves = Vec::new();
    let mut bad = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if op.op != Op::Insert
            || op.collection != Collection::StockMovements
            || refused.contains(&i)
        {
            continue;
        }
        match StockMovementDoc::from_document(&op.payload) {
            Ok(m) => moves.push(Move {
                op: i,
                id: m.id.object_id(),
                product: m.product_id.object_id(),
                store: m.store_id.object_id(),
                quantity: m.quantity,
            }),
            Err(refusal) => bad.push((i, refusal.to_string())),
        }
    }
    (moves, bad)
}

/// Counting movements in the transaction that inserted them: the two commit together or
/// not at all, so no marker is needed. One count per product and store.
pub(super) fn count_fresh(fresh: &[Move], business: ObjectId) -> Vec<Statement> {
    let mut sums: Vec<((ObjectId, ObjectId), usize, Quantity)> = Vec::new();
    for m in fresh {
        match sums.iter_mut().find(|(l, _, _)| *l == m.level()) {
            Some((_, _, sum)) => *sum += m.quantity,
            None => sums.push((m.level(), m.op, m.quantity)),
        }
    }
    sums.into_iter()
        .flat_map(|((product, store), op, sum)| {
            count_into_level(
                op,
                product_filter(product, business),
                store,
                sum,
                Document::new(),
                Document::new(),
            )
        })
        .collect()
}

/// Movements of one product at one store, counted together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    pub product: ObjectId,
    pub store: ObjectId,
    pub moves: Vec<Move>,
}

/// Counting movements without a transaction. `to_count`: those not marked counted yet;
/// `held`: each product's `pending_movements` (a product missing from it does not exist
/// centrally). A movement held already was added by an earlier, cut-off attempt; the
/// others are added now, one statement per product and store that takes their ids into
/// `pending_movements` with their quantities, unless one of them is there already.
pub(super) fn count_pending(
    to_count: &[Move],
    held: &HashMap<ObjectId, HashSet<ObjectId>>,
    business: ObjectId,
) -> (Vec<Group>, Vec<Statement>, Vec<Refused>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut refused = Vec::new();
    for m in to_count {
        match held.get(&m.product) {
            None => refused.push((
                m.op,
                format!(
                    "product {} does not exist in the central database",
                    m.product
                ),
            )),
            Some(pending) if pending.contains(&m.id) => {}
            Some(_) => match groups
                .iter_mut()
                .find(|g| (g.product, g.store) == m.level())
            {
                Some(group) => group.moves.push(*m),
                None => groups.push(Group {
                    product: m.product,
                    store: m.store,
                    moves: vec![*m],
                }),
            },
        }
    }
    let statements = groups
        .iter()
        .flat_map(|group| {
            let ids: Vec<ObjectId> = group.moves.iter().map(|m| m.id).collect();
            let sum: Quantity = group.moves.iter().map(|m| m.quantity).sum();
            count_into_level(
                group.moves[0].op,
                product_filter(group.product, business),
                group.store,
                sum,
                doc! { field::PENDING_MOVEMENTS: { "$nin": &ids } },
                doc! { "$push": { field::PENDING_MOVEMENTS: { "$each": ids } } },
            )
        })
        .collect();
    (groups, statements, refused)
}

/// After [`count_pending`]'s statements: the movements now held in their product's
/// `pending_movements` (`held`), to be marked counted. A movement not held whose group's
/// statement was refused (`refused`: why, by index) is refused the same; one not held
/// otherwise did not take (an earlier attempt's late write got there first): `Err` with
/// its product, and the batch is sent again.
pub(super) fn confirm_counted(
    to_count: &[Move],
    held: &HashMap<ObjectId, HashSet<ObjectId>>,
    groups: &[Group],
    refused: &HashMap<usize, String>,
) -> Result<(Vec<ObjectId>, Vec<Refused>), ObjectId> {
    let mut counted = Vec::new();
    let mut also_refused = Vec::new();
    for m in to_count {
        if refused.contains_key(&m.op) {
            continue;
        }
        if held.get(&m.product).is_some_and(|p| p.contains(&m.id)) {
            counted.push(m.id);
            continue;
        }
        let group = groups.iter().find(|g| (g.product, g.store) == m.level());
        match group.and_then(|g| refused.get(&g.moves[0].op)) {
            Some(error) => also_refused.push((m.op, error.clone())),
            None => return Err(m.product),
        }
    }
    Ok((counted, also_refused))
}

pub(super) mod drafts;

#[cfg(test)]
mod tests;
