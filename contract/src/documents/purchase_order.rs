//! `purchase_orders`: a store's order to one supplier (the seed's fields, plus the till's
//! order number, what came in of each line (sound and damaged), who made it and when it
//! last changed).
//!
//! **`purchase_orders`** (the seed's collection; `PurchaseOrderDoc`): `business_id`,
//! `store_id`, `supplier_id`, `items[]` (`product_id`, `quantity_ordered`, `unit_price`
//! (`Decimal128` or null), plus `quantity_received` and `quantity_damaged`), `order_status` (`draft`, `ordered`,
//! `partially_received`, `received`, `cancelled`; the seed's `pending` reads as ordered),
//! `expected_delivery` (a date at midnight UTC), `created_at`, plus `order_number` (the
//! till's, `T1-PO000001`), `created_by` and `updated_at`. A store's automatic draft to a
//! supplier also has `reorder_generation` (0, 1, …; its `_id` is derived from store, supplier
//! and generation), `reorder_ids` (the reorders whose lines it took) and
//! `reorders_passed_on` (those that came after it was ordered or cancelled and went to the
//! next draft).
//!
//! **Automatic drafts centrally** (`central/src/reconciler/plan/drafts.rs`, pure): a `reorder`
//! operation carries its id, the draft to open (without lines) and one line. Central adds the
//! line to the draft of its generation while that is a draft, else to the first later one
//! that is (opened if there is none); once per reorder id, and never a second line for a
//! product the draft has. A till's update of an automatic draft carries the lines as that
//! till saw them and the products it took off (`removed_products`, not stored): the lines
//! central has that the till never saw are kept, or, when the update orders or cancels the
//! draft, moved to the next draft (nobody ordered them); an edit of a draft that central has
//! ordered meanwhile comes too late, but its new lines go to the next draft. Adding a line
//! leaves `updated_at` alone, so newest-wins still decides between people's edits only.
//! After writing, every reorder of the batch must be on a draft, or the batch is sent again.

use bson::{doc, Bson, Document};
use chrono::{DateTime, NaiveDate, Utc};

use super::read::{Read, Reader};
use super::value::{date, decimal, oid, or_null, quantity};
use super::{field, Collection};
use crate::ids::Id;
use crate::money::{Currency, Money};
use crate::quantity::Quantity;

/// Where a purchase order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Being put together; lines may change.
    Draft,
    /// Sent to the supplier.
    Ordered,
    /// Something came in, not everything.
    PartiallyReceived,
    Received,
    /// Given up (never once anything came in).
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::Draft,
        OrderStatus::Ordered,
        OrderStatus::PartiallyReceived,
        OrderStatus::Received,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Ordered => "ordered",
            OrderStatus::PartiallyReceived => "partially_received",
            OrderStatus::Received => "received",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// The seed's example status `pending` (an order sent, nothing in) reads as ordered.
    pub fn parse(text: &str) -> Option<OrderStatus> {
        match text {
            "pending" => Some(OrderStatus::Ordered),
            _ => OrderStatus::ALL.into_iter().find(|s| s.as_str() == text),
        }
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItemDoc {
    pub product_id: Id,
    pub quantity_ordered: Quantity,
    /// The supplier's price for one, if known.
    pub unit_price: Option<Money>,
    /// Came in sound (into stock).
    pub quantity_received: Quantity,
    /// Came in broken (written off, not into stock).
    pub quantity_damaged: Quantity,
}

impl OrderItemDoc {
    /// What came in, sound or not, less what was ordered: below zero short, above over.
    pub fn difference(&self) -> Quantity {
        self.quantity_received + self.quantity_damaged - self.quantity_ordered
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseOrderDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    pub supplier_id: Id,
    pub order_number: String,
    pub order_status: OrderStatus,
    pub expected_delivery: Option<NaiveDate>,
    pub items: Vec<OrderItemDoc>,
    pub created_by: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Some for a store's automatic draft to its supplier: which of them it is (0, 1, …;
    /// the next opens when this one is ordered or cancelled). None: made by a manager.
    pub reorder_generation: Option<i64>,
}

/// A date as BSON holds one: midnight UTC of the day.
fn day(d: NaiveDate) -> Bson {
    date(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
}

impl OrderItemDoc {
    pub fn to_document(&self, currency: &Currency) -> Document {
        doc! {
            field::PRODUCT_ID: oid(self.product_id),
            field::QUANTITY_ORDERED: quantity(self.quantity_ordered),
            field::UNIT_PRICE: or_null(self.unit_price, |p| decimal(currency, p)),
            field::QUANTITY_RECEIVED: quantity(self.quantity_received),
            field::QUANTITY_DAMAGED: quantity(self.quantity_damaged),
        }
    }
}

impl PurchaseOrderDoc {
    /// The id of `store`'s automatic draft to `supplier` of this `generation`: every till
    /// derives it alike, so the drafts that tills of the store open offline are one
    /// document centrally.
    pub fn reorder_draft_id(store: Id, supplier: Id, generation: i64) -> Id {
        Id::derived(&format!("reorder:{store}:{supplier}:{generation}"))
    }

    pub fn to_document(&self, currency: &Currency) -> Document {
        let mut fields = doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::SUPPLIER_ID: oid(self.supplier_id),
            field::ORDER_NUMBER: &self.order_number,
            field::CREATED_BY: or_null(self.created_by, oid),
            field::CREATED_AT: date(self.created_at),
            field::REORDER_GENERATION: or_null(self.reorder_generation, Bson::Int64),
        };
        fields.extend(self.to_update(currency));
        fields
    }

    /// What a till may change once it is central: the lines, the state, the expected
    /// delivery. The payload of an update (newest wins).
    fn to_update(&self, currency: &Currency) -> Document {
        let items: Vec<Document> = self
            .items
            .iter()
            .map(|item| item.to_document(currency))
            .collect();
        doc! {
            field::ITEMS: items,
            field::ORDER_STATUS: self.order_status.as_str(),
            field::EXPECTED_DELIVERY: or_null(self.expected_delivery, day),
            field::UPDATED_AT: date(self.updated_at),
        }
    }

    /// The update of a change that took the products `removed` off the order. An
    /// automatic draft's names its generation and what was taken off, so that central
    /// keeps the lines other tills added meanwhile (and only those).
    pub fn to_change(&self, currency: &Currency, removed: &[Id]) -> Document {
        let mut update = self.to_update(currency);
        if let Some(generation) = self.reorder_generation {
            update.insert(field::REORDER_GENERATION, generation);
            let removed: Vec<Bson> = removed.iter().map(|id| oid(*id)).collect();
            update.insert(field::REMOVED_PRODUCTS, removed);
        }
        update
    }

    /// Refused without a store, a supplier or a known status, or with a line without a
    /// product or a quantity ordered above zero. A back office's order without a number
    /// or `updated_at` takes its id and its creation.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<PurchaseOrderDoc> {
        let r = Reader::new(Collection::PurchaseOrders, doc)?;
        let items = r
            .documents(field::ITEMS, |item| {
                Ok(OrderItemDoc {
                    product_id: item.id_field(field::PRODUCT_ID)?,
                    quantity_ordered: item
                        .quantity(field::QUANTITY_ORDERED)?
                        .filter(|q| q.is_positive())
                        .ok_or_else(|| item.refuse("has a line without a quantity ordered"))?,
                    unit_price: item.money(field::UNIT_PRICE, currency)?,
                    quantity_received: item.non_negative_quantity(field::QUANTITY_RECEIVED)?,
                    quantity_damaged: item.non_negative_quantity(field::QUANTITY_DAMAGED)?,
                })
            })?
            .unwrap_or_default();
        let status = r.required_text(field::ORDER_STATUS)?;
        let created_at = r.required_time(field::CREATED_AT)?;
        Ok(PurchaseOrderDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            supplier_id: r.id_field(field::SUPPLIER_ID)?,
            order_number: r
                .non_blank(field::ORDER_NUMBER)?
                .unwrap_or_else(|| r.id().to_string()),
            order_status: OrderStatus::parse(&status).ok_or_else(|| {
                r.refuse(format!(
                    "has the order_status {status:?}, which is not known"
                ))
            })?,
            expected_delivery: r.time(field::EXPECTED_DELIVERY)?.map(|t| t.date_naive()),
            items,
            created_by: r.optional_id(field::CREATED_BY)?,
            created_at,
            updated_at: r.time(field::UPDATED_AT)?.unwrap_or(created_at),
            reorder_generation: r.integer(field::REORDER_GENERATION)?.filter(|g| *g >= 0),
        })
    }
}

/// The payload of a `reorder` operation: one line that a product falling to its
/// threshold adds to its store's automatic draft to its supplier, with the draft to open
/// (without lines) if there is none. Central adds the line once (`reorder_id`), and not
/// where the draft has the product already; a draft ordered or cancelled meanwhile passes
/// it on to the next generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReorderLine {
    pub reorder_id: Id,
    pub draft: PurchaseOrderDoc,
    pub item: OrderItemDoc,
}

impl ReorderLine {
    pub fn to_document(&self, currency: &Currency) -> Document {
        let mut draft = self.draft.to_document(currency);
        draft.insert(field::ITEMS, Bson::Array(Vec::new()));
        doc! {
            field::REORDER_ID: oid(self.reorder_id),
            field::ORDER: draft,
            field::ITEM: self.item.to_document(currency),
        }
    }
}
