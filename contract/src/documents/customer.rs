//! `customers`: a business's customers, their loyalty points, their store credit and
//! their purchases.
//!
//! **Store credit on `customers`** (a Sell Sync field beside the seed's): `store_credit`,
//! `Decimal128`, moved by the `store_credit` delta of each `customer_purchase` operation
//! (`$inc` with the points, in the same guarded update); a refund as credit adds, a sale
//! paid with it subtracts. Its payments carry `kind: "store_credit"` and
//! `payment_method_id: null`, as loyalty points do.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{decimal_text, Read, Reader};
use super::value::{date, decimal, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq)]
pub struct CustomerDoc {
    pub id: Id,
    pub business_id: Id,
    pub name: String,
    pub phone: Option<String>,
    /// Lower case.
    pub email: Option<String>,
    pub loyalty_points: i64,
    /// Sell Sync's own field: refunds given as credit, less credit spent. Like the
    /// points, below zero when tills spent the same credit offline.
    pub store_credit: Money,
    pub purchase_history: Vec<PurchaseEntry>,
    pub created_at: Option<DateTime<Utc>>,
}

/// One sale in a customer's `purchase_history`; a return's amount is below zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseEntry {
    pub transaction_id: Id,
    pub date: DateTime<Utc>,
    pub amount: Money,
}

impl PurchaseEntry {
    pub fn to_document(&self, currency: &Currency) -> Document {
        doc! {
            field::TRANSACTION_ID: oid(self.transaction_id),
            field::DATE: date(self.date),
            field::AMOUNT: decimal(currency, self.amount),
        }
    }

    fn read(r: &Reader<'_>, currency: &Currency) -> Read<PurchaseEntry> {
        Ok(PurchaseEntry {
            transaction_id: r.id_field(field::TRANSACTION_ID)?,
            date: r.required_time(field::DATE)?,
            amount: r.required_signed_money(field::AMOUNT, currency)?,
        })
    }
}

impl CustomerDoc {
    pub fn to_document(&self, currency: &Currency) -> Document {
        let history: Vec<Document> = self
            .purchase_history
            .iter()
            .map(|entry| entry.to_document(currency))
            .collect();
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::NAME: &self.name,
            field::PHONE: self.phone.as_deref(),
            field::EMAIL: self.email.as_deref(),
            field::LOYALTY_POINTS: self.loyalty_points,
            field::STORE_CREDIT: decimal(currency, self.store_credit),
            field::PURCHASE_HISTORY: history,
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a name. The points are read as they are: below zero when tills
    /// redeemed the same points offline (the pull adds the till's unsent points before it
    /// shows them, at least zero). A purchase in the history that does not read as a sale,
    /// a date and an amount (a back office's) is left out rather than refusing the
    /// customer: the history is a record, not a figure the till sells by.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<CustomerDoc> {
        let r = Reader::new(Collection::Customers, doc)?;
        Ok(CustomerDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            name: r.required_text(field::NAME)?,
            phone: r.non_blank(field::PHONE)?,
            email: r.non_blank(field::EMAIL)?.map(|e| e.to_lowercase()),
            loyalty_points: r.integer(field::LOYALTY_POINTS)?.unwrap_or(0),
            store_credit: r
                .signed_money(field::STORE_CREDIT, currency)?
                .unwrap_or(Money::ZERO),
            purchase_history: r.readable_documents(field::PURCHASE_HISTORY, |entry| {
                PurchaseEntry::read(entry, currency)
            }),
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}

/// The payload of a `customer_purchase` operation: one sale for the history, the points
/// it earned less those it redeemed, and the store credit it gave less what it spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerPurchase {
    pub entry: PurchaseEntry,
    /// Signed: a sale paid with points takes them away.
    pub loyalty_points: i64,
    /// Signed: a refund as credit adds it, a sale paid with credit takes it away.
    pub store_credit: Money,
    /// A void's: the sale it undoes (its entry's id is [`CustomerPurchase::void_entry`] of
    /// it). `None`: the entry's transaction is the sale or return that moved these.
    pub voids: Option<Id>,
}

impl CustomerPurchase {
    /// The id of the history entry of a void of `sale`: one per sale, so that central
    /// takes back a sale's points once however often the void is sent.
    pub fn void_entry(sale: Id) -> Id {
        Id::derived(&format!("void:{sale}"))
    }

    pub fn to_document(&self, currency: &Currency) -> Document {
        let mut doc = self.entry.to_document(currency);
        doc.insert(field::LOYALTY_POINTS, self.loyalty_points);
        doc.insert(field::STORE_CREDIT, decimal(currency, self.store_credit));
        if let Some(sale) = self.voids {
            doc.insert(field::VOIDED_TRANSACTION_ID, oid(sale));
        }
        doc
    }

    /// `id` is the customer's, for the refusal.
    pub fn from_document(
        id: Id,
        payload: &Document,
        currency: &Currency,
    ) -> Read<CustomerPurchase> {
        let mut doc = payload.clone();
        doc.insert(field::ID, oid(id));
        let r = Reader::new(Collection::Customers, &doc)?;
        Ok(CustomerPurchase {
            entry: PurchaseEntry::read(&r, currency)?,
            loyalty_points: r.integer(field::LOYALTY_POINTS)?.unwrap_or(0),
            // A purchase written before store credit existed moves none.
            store_credit: r
                .signed_money(field::STORE_CREDIT, currency)?
                .unwrap_or(Money::ZERO),
            voids: r.optional_id(field::VOIDED_TRANSACTION_ID)?,
        })
    }

    /// The store credit of a payload without reading the rest, as `points_of`; a payload
    /// whose credit does not read in `currency` moves none (the upload refuses it).
    pub fn credit_of(payload: &Document, currency: &Currency) -> Money {
        payload
            .get(field::STORE_CREDIT)
            .and_then(decimal_text)
            .and_then(|text| currency.parse(&text).ok())
            .unwrap_or(Money::ZERO)
    }

    /// The points of a payload without reading the rest: what the pull adds to a
    /// customer's central points while the purchase has not gone out.
    pub fn points_of(payload: &Document) -> i64 {
        payload
            .get(field::LOYALTY_POINTS)
            .and_then(super::read::whole_number)
            .unwrap_or(0)
    }
}
