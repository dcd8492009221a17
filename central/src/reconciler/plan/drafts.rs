//! The stores' automatic drafts, pure: where each `reorder` line goes, and how a till's
//! change of an automatic draft merges with lines other tills added meanwhile.
//!
//! A store's automatic drafts to one supplier are numbered by generation and their ids
//! derived from store, supplier and generation (`PurchaseOrderDoc::reorder_draft_id`).
//! A `reorder` goes to the draft of its generation while it is a draft, else to the first
//! later one that is (opened when there is none): once by its id (`reorder_ids`), never a
//! second line for a product the draft has. A till's `update` of an automatic draft
//! carries the lines as that till saw them and the products it took off
//! (`removed_products`): the lines central has that the till never saw are kept, or, when
//! the update orders or cancels the draft, moved on to the next draft, because nobody
//! ordered them; a change of a draft that central has ordered or cancelled meanwhile
//! comes too late, but the lines it added go on to the next draft too. Lines are added without touching `updated_at`, so that newest wins still
//! decides between people's changes only.

use std::collections::HashSet;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use sellsync_contract::documents::{field, OrderStatus, PurchaseOrderDoc};
use sellsync_contract::operation::Operation;
use sellsync_contract::Id;

use super::{Refused, Statement};

/// A store's automatic draft to a supplier, as central holds it (and as the plan changes
/// it while it goes through the batch).
#[derive(Debug, Clone, PartialEq)]
pub(in crate::reconciler) struct Draft {
    pub doc: Document,
    pub id: ObjectId,
    pub store: ObjectId,
    pub supplier: ObjectId,
    pub generation: i64,
    /// Still a draft.
    pub open: bool,
    pub updated_at: Option<bson::DateTime>,
    pub items: Vec<Document>,
    pub reorders: HashSet<ObjectId>,
}

impl Draft {
    /// `None` for an order that is not an automatic draft (or is unreadable).
    pub fn from_central(doc: Document) -> Option<Draft> {
        let generation = doc.get(field::REORDER_GENERATION).and_then(whole)?;
        Some(Draft {
            id: doc.get_object_id(field::ID).ok()?,
            store: doc.get_object_id(field::STORE_ID).ok()?,
            supplier: doc.get_object_id(field::SUPPLIER_ID).ok()?,
            generation,
            open: doc.get_str(field::ORDER_STATUS).ok() == Some(OrderStatus::Draft.as_str()),
            updated_at: doc.get_datetime(field::UPDATED_AT).ok().copied(),
            items: documents(&doc, field::ITEMS),
            reorders: doc
                .get_array(field::REORDER_IDS)
                .map(|ids| ids.iter().filter_map(Bson::as_object_id).collect())
                .unwrap_or_default(),
            doc,
        })
    }

    fn has(&self, product: ObjectId) -> bool {
        self.items.iter().any(|i| product_of(i) == Some(product))
    }
}

/// A write to `purchase_orders`, with the index of its operation; sent in this order.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::reconciler) enum DraftWrite {
    Insert(usize, Document),
    Update(Statement),
}

/// What the batch does to the stores' automatic drafts.
#[derive(Debug, Default)]
pub(in crate::reconciler) struct DraftPlan {
    pub writes: Vec<DraftWrite>,
    /// Written once the lines are confirmed: the reorders that came for a closed draft
    /// and went on, noted on it (so that the tills holding it read it again).
    pub passed_on: Vec<Statement>,
    /// The reorders that must be on a draft once the writes are sent.
    pub reorders: Vec<(usize, ObjectId)>,
    pub refused: Vec<Refused>,
}

/// Whether `op` is for the stores' automatic drafts: a `reorder`, or an `update` of an
/// automatic draft (its payload names the generation).
pub(in crate::reconciler) fn is_for_drafts(op: &Operation) -> bool {
    use sellsync_contract::documents::{Collection, Op};
    op.collection == Collection::PurchaseOrders
        && (op.op == Op::Reorder
            || (op.op == Op::Update && op.payload.contains_key(field::REORDER_GENERATION)))
}

/// The store and supplier of a `reorder` (from the draft it would open).
pub(in crate::reconciler) fn reorder_pair(op: &Operation) -> Option<(ObjectId, ObjectId)> {
    let draft = op.payload.get_document(field::ORDER).ok()?;
    Some((
        draft.get_object_id(field::STORE_ID).ok()?,
        draft.get_object_id(field::SUPPLIER_ID).ok()?,
    ))
}

/// Plans the batch's operations at `wanted` (in batch order), given every automatic
/// draft central holds of the stores and suppliers they concern.
pub(in crate::reconciler) fn plan(
    ops: &[&Operation],
    wanted: &[usize],
    drafts: Vec<Draft>,
    business: ObjectId,
) -> DraftPlan {
    let mut planner = Planner {
        drafts,
        business,
        plan: DraftPlan::default(),
    };
    for &i in wanted {
        let op = ops[i];
        let result = if op.op == sellsync_contract::documents::Op::Reorder {
            planner.reorder(i, op)
        } else {
            planner.update(i, op)
        };
        if let Err(error) = result {
            planner.plan.refused.push((i, error));
        }
    }
    planner.plan
}

struct Planner {
    drafts: Vec<Draft>,
    business: ObjectId,
    plan: DraftPlan,
}

impl Planner {
    fn reorder(&mut self, i: usize, op: &Operation) -> Result<(), String> {
        let p = &op.payload;
        let (Ok(reorder), Ok(template), Ok(item)) = (
            p.get_object_id(field::REORDER_ID),
            p.get_document(field::ORDER),
            p.get_document(field::ITEM),
        ) else {
            return Err("a reorder needs reorder_id, order and item".into());
        };
        if template.get_object_id(field::BUSINESS_ID) != Ok(self.business) {
            return Err("the order belongs to another business".into());
        }
        let (Some((store, supplier)), Some(generation)) = (
            reorder_pair(op),
            template.get(field::REORDER_GENERATION).and_then(whole),
        ) else {
            return Err(
                "a reorder's order needs store_id, supplier_id and reorder_generation".into(),
            );
        };
        let id = draft_id(store, supplier, generation);
        if op.document_id.object_id() != id || template.get_object_id(field::ID) != Ok(id) {
            return Err("the order's _id is not its store's draft to its supplier".into());
        }
        let ordered = item
            .get(field::QUANTITY_ORDERED)
            .and_then(sellsync_contract::documents::quantity_value);
        if product_of(item).is_none() || !ordered.is_some_and(|q| q.is_positive()) {
            return Err("a reorder's item needs product_id and quantity_ordered above 0".into());
        }
        self.plan.reorders.push((i, reorder));
        let applied = self
            .drafts
            .iter()
            .any(|d| (d.store, d.supplier) == (store, supplier) && d.reorders.contains(&reorder));
        if !applied {
            self.place(i, template, item.clone(), Some(reorder), generation);
        }
        Ok(())
    }

    fn update(&mut self, i: usize, op: &Operation) -> Result<(), String> {
        let id = op.document_id.object_id();
        let Some(at) = self.drafts.iter().position(|d| d.id == id) else {
            return Err(format!(
                "purchase order {} does not exist in the central database",
                op.document_id
            ));
        };
        let mut set = op.payload.clone();
        let removed: HashSet<ObjectId> = set
            .remove(field::REMOVED_PRODUCTS)
            .and_then(|r| match r {
                Bson::Array(ids) => Some(ids.iter().filter_map(Bson::as_object_id).collect()),
                _ => None,
            })
            .unwrap_or_default();
        let payload_at = set.get_datetime(field::UPDATED_AT).ok().copied();
        let draft = &self.drafts[at];
        let newer_centrally = matches!((draft.updated_at, payload_at), (Some(c), Some(p)) if c > p);
        let mut q = doc! { field::ID: id, field::BUSINESS_ID: self.business };
        if let Some(at) = payload_at {
            q.extend(sellsync_contract::conflicts::not_changed_since(at));
        }
        let still_draft =
            set.get_str(field::ORDER_STATUS).ok() == Some(OrderStatus::Draft.as_str());
        let (generation, template) = (draft.generation, draft.doc.clone());
        if !draft.open && still_draft {
            // Ordered or cancelled centrally first: this change of the draft comes too
            // late, but the lines it added go on to the next draft.
            let extra: Vec<Document> = documents(&set, field::ITEMS)
                .into_iter()
                .filter(|item| product_of(item).is_some_and(|p| !draft.has(p)))
                .collect();
            for item in extra {
                self.place(i, &template, item, None, generation + 1);
            }
            return Ok(());
        }
        if newer_centrally || !draft.open {
            // Newest wins, or a closed order: the plain update (which may match nothing).
            self.plan.writes.push(DraftWrite::Update(Statement::new(
                i,
                q,
                doc! { "$set": set },
            )));
            return Ok(());
        }
        let mut items = documents(&set, field::ITEMS);
        let seen: HashSet<ObjectId> = items.iter().filter_map(product_of).collect();
        let unseen: Vec<Document> = draft
            .items
            .iter()
            .filter(|item| {
                product_of(item).is_some_and(|p| !seen.contains(&p) && !removed.contains(&p))
            })
            .cloned()
            .collect();
        if still_draft {
            items.extend(unseen);
        } else {
            for item in unseen {
                self.place(i, &template, item, None, generation + 1);
            }
        }
        set.insert(field::ITEMS, items.clone());
        let draft = &mut self.drafts[at];
        draft.items = items;
        draft.open = still_draft;
        draft.updated_at = payload_at;
        self.plan.writes.push(DraftWrite::Update(Statement::new(
            i,
            q,
            doc! { "$set": set },
        )));
        Ok(())
    }

    /// Puts `item` on the store's draft to the supplier of `template`: the one of
    /// `generation` if it is a draft, else the first later one that is, opened from
    /// `template` when there is none.
    fn place(
        &mut self,
        i: usize,
        template: &Document,
        item: Document,
        reorder: Option<ObjectId>,
        mut generation: i64,
    ) {
        let (Ok(store), Ok(supplier)) = (
            template.get_object_id(field::STORE_ID),
            template.get_object_id(field::SUPPLIER_ID),
        ) else {
            return;
        };
        let product = product_of(&item).expect("checked by the caller");
        loop {
            let found = self
                .drafts
                .iter_mut()
                .find(|d| (d.store, d.supplier, d.generation) == (store, supplier, generation));
            match found {
                None => {
                    let id = draft_id(store, supplier, generation);
                    let mut doc = template.clone();
                    doc.insert(field::ID, id);
                    doc.insert(field::REORDER_GENERATION, generation);
                    doc.insert(field::ORDER_STATUS, OrderStatus::Draft.as_str());
                    doc.insert(field::ITEMS, vec![item]);
                    doc.insert(field::REORDER_IDS, reorder.into_iter().collect::<Vec<_>>());
                    doc.remove(field::REORDERS_PASSED_ON);
                    if let Some(number) = template
                        .get_str(field::ORDER_NUMBER)
                        .ok()
                        .filter(|_| template.get_object_id(field::ID) != Ok(id))
                    {
                        // Opened for lines moved on from an order it follows.
                        doc.insert(field::ORDER_NUMBER, format!("{number}-{generation}"));
                    }
                    self.plan.writes.push(DraftWrite::Insert(i, doc.clone()));
                    self.drafts
                        .push(Draft::from_central(doc).expect("a draft just made"));
                    return;
                }
                Some(draft) if draft.open => {
                    let mut q = doc! {
                        field::ID: draft.id,
                        field::BUSINESS_ID: self.business,
                        field::ORDER_STATUS: OrderStatus::Draft.as_str(),
                    };
                    let mut u = Document::new();
                    if let Some(reorder) = reorder {
                        q.insert(field::REORDER_IDS, doc! { "$ne": reorder });
                        u.insert("$addToSet", doc! { field::REORDER_IDS: reorder });
                        draft.reorders.insert(reorder);
                    }
                    if !draft.has(product) {
                        q.insert(field::ITEMS_PRODUCT_ID, doc! { "$ne": product });
                        u.insert("$push", doc! { field::ITEMS: item.clone() });
                        draft.items.push(item);
                    }
                    if !u.is_empty() {
                        self.plan
                            .writes
                            .push(DraftWrite::Update(Statement::new(i, q, u)));
                    }
                    return;
                }
                Some(draft) => {
                    if let Some(reorder) = reorder {
                        self.plan.passed_on.push(Statement::new(
                            i,
                            doc! { field::ID: draft.id, field::BUSINESS_ID: self.business },
                            doc! { "$addToSet": { field::REORDERS_PASSED_ON: reorder } },
                        ));
                    }
                    generation += 1;
                }
            }
        }
    }
}

fn draft_id(store: ObjectId, supplier: ObjectId, generation: i64) -> ObjectId {
    PurchaseOrderDoc::reorder_draft_id(Id::from(store), Id::from(supplier), generation).object_id()
}

fn whole(value: &Bson) -> Option<i64> {
    sellsync_contract::documents::whole_number(value)
}

fn product_of(item: &Document) -> Option<ObjectId> {
    item.get_object_id(field::PRODUCT_ID).ok()
}

fn documents(doc: &Document, key: &str) -> Vec<Document> {
    doc.get_array(key)
        .map(|a| a.iter().filter_map(Bson::as_document).cloned().collect())
        .unwrap_or_default()
}
