//! `parked_sales` (Sell Sync's own collection): carts put aside at a till, which any till
//! of the store can take up again. A till inserts one when it parks a cart and updates it
//! when a till claims it, completes it, parks it again or discards it.
//!
//! **`parked_sales`** (Sell Sync's own; `ParkedSaleDoc`): one document per parked cart:
//! `business_id`, `store_id`, `till_id` (where it was last parked), `park_number`
//! (`T1-P000001`), `parked_by`/`parked_by_name`, `note`, `items[]` (`product_id`,
//! `product_name`, `sku`, `quantity`, `unit_price` as parked, `discount_percent` or
//! `discount_amount` as keyed), the cart's `discount_percent`/`discount_amount`,
//! `customer_id`, `currency`, `total_amount`, `status` (`parked`, `resumed`, `completed`,
//! `discarded`), `claimed_by_till`/`claimed_by`/`claimed_at`, `transaction_id` (the sale that
//! completed it; the sale carries `parked_sale_id`), `created_at`, `updated_at`.

use bson::{doc, Bson, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, decimal, oid, or_null, percent, quantity};
use super::{field, Collection};
use crate::ids::Id;
use crate::money::{Currency, Money};
use crate::pricing::Discount;
use crate::quantity::Quantity;

/// Where a parked sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkedStatus {
    /// Waiting to be taken up.
    Parked,
    /// Taken up at a till (`claimed_by_till`), not completed yet.
    Resumed,
    /// A sale completed it (`transaction_id`).
    Completed,
    /// Thrown away; the customer did not come back.
    Discarded,
}

impl ParkedStatus {
    pub const ALL: [ParkedStatus; 4] = [
        ParkedStatus::Parked,
        ParkedStatus::Resumed,
        ParkedStatus::Completed,
        ParkedStatus::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParkedStatus::Parked => "parked",
            ParkedStatus::Resumed => "resumed",
            ParkedStatus::Completed => "completed",
            ParkedStatus::Discarded => "discarded",
        }
    }

    pub fn parse(text: &str) -> Option<ParkedStatus> {
        ParkedStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParkedSaleDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    /// Where it was parked (last).
    pub till_id: Id,
    pub park_number: String,
    pub parked_by: Id,
    pub parked_by_name: String,
    pub note: String,
    pub items: Vec<ParkedItemDoc>,
    /// The cart's discount as keyed.
    pub discount: Option<Discount>,
    pub customer_id: Option<Id>,
    pub currency: Currency,
    /// What the cart came to when parked.
    pub total_amount: Money,
    pub status: ParkedStatus,
    pub claimed_by_till: Option<Id>,
    pub claimed_by: Option<Id>,
    pub claimed_at: Option<DateTime<Utc>>,
    /// The sale that completed it.
    pub transaction_id: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParkedItemDoc {
    pub product_id: Id,
    pub product_name: String,
    pub sku: String,
    pub quantity: Quantity,
    /// The price when parked: the price the customer was told.
    pub unit_price: Money,
    pub discount: Option<Discount>,
}

/// A discount as keyed, as the fields `discount_percent` or `discount_amount`.
fn put_discount(doc: &mut Document, discount: Option<Discount>, currency: &Currency) {
    let (percent_value, amount_value) = match discount {
        Some(Discount::Percent(p)) => (percent(p), Bson::Null),
        Some(Discount::Amount(a)) => (Bson::Null, decimal(currency, a)),
        None => (Bson::Null, Bson::Null),
    };
    doc.insert(field::DISCOUNT_PERCENT, percent_value);
    doc.insert(field::DISCOUNT_AMOUNT, amount_value);
}

fn read_discount(r: &Reader<'_>, currency: &Currency) -> Read<Option<Discount>> {
    match (
        r.percent(field::DISCOUNT_PERCENT)?,
        r.money(field::DISCOUNT_AMOUNT, currency)?,
    ) {
        (Some(_), Some(_)) => Err(r.refuse("has both a percentage and an amount off")),
        (Some(p), None) => Ok(Some(Discount::Percent(p))),
        (None, Some(a)) => Ok(Some(Discount::Amount(a))),
        (None, None) => Ok(None),
    }
}

impl ParkedSaleDoc {
    /// Its items as a receipt counts them: its pieces, and one for each item of a weight
    /// (a parked item keeps no unit, so a whole weight counts as that many).
    pub fn item_count(&self) -> i64 {
        self.items
            .iter()
            .map(|i| i.quantity.whole().unwrap_or(1))
            .sum()
    }

    /// The whole document, as inserted.
    pub fn to_document(&self) -> Document {
        let mut fields = doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::PARK_NUMBER: &self.park_number,
            field::CREATED_AT: date(self.created_at),
        };
        fields.extend(self.to_update());
        fields
    }

    /// What a till may change once it is central: everything but its identity, store,
    /// number and creation. The payload of an update (newest wins).
    pub fn to_update(&self) -> Document {
        let currency = &self.currency;
        let items: Vec<Document> = self
            .items
            .iter()
            .map(|item| {
                let mut fields = doc! {
                    field::PRODUCT_ID: oid(item.product_id),
                    field::PRODUCT_NAME: &item.product_name,
                    field::SKU: &item.sku,
                    field::QUANTITY: quantity(item.quantity),
                    field::UNIT_PRICE: decimal(currency, item.unit_price),
                };
                put_discount(&mut fields, item.discount, currency);
                fields
            })
            .collect();
        let mut fields = doc! {
            field::TILL_ID: oid(self.till_id),
            field::PARKED_BY: oid(self.parked_by),
            field::PARKED_BY_NAME: &self.parked_by_name,
            field::NOTE: &self.note,
            field::ITEMS: items,
            field::CUSTOMER_ID: or_null(self.customer_id, oid),
            field::CURRENCY: currency.code(),
            field::TOTAL_AMOUNT: decimal(currency, self.total_amount),
            field::STATUS: self.status.as_str(),
            field::CLAIMED_BY_TILL: or_null(self.claimed_by_till, oid),
            field::CLAIMED_BY: or_null(self.claimed_by, oid),
            field::CLAIMED_AT: or_null(self.claimed_at, date),
            field::TRANSACTION_ID: or_null(self.transaction_id, oid),
            field::UPDATED_AT: date(self.updated_at),
        };
        put_discount(&mut fields, self.discount, currency);
        fields
    }

    /// Refused in another currency than the business's, without items or a number, with
    /// an unknown status, or with a field of the wrong type.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<ParkedSaleDoc> {
        let r = Reader::new(Collection::ParkedSales, doc)?;
        r.require_currency(currency)?;
        let items = r
            .documents(field::ITEMS, |item| {
                Ok(ParkedItemDoc {
                    product_id: item.id_field(field::PRODUCT_ID)?,
                    product_name: item.required_text(field::PRODUCT_NAME)?,
                    sku: item.required_text(field::SKU)?,
                    quantity: item
                        .quantity(field::QUANTITY)?
                        .filter(|q| q.is_positive())
                        .ok_or_else(|| item.refuse("has an item without a quantity"))?,
                    unit_price: item.required_money(field::UNIT_PRICE, currency)?,
                    discount: read_discount(item, currency)?,
                })
            })?
            .filter(|items| !items.is_empty())
            .ok_or_else(|| r.refuse("has no items"))?;
        let status = r.required_text(field::STATUS)?;
        Ok(ParkedSaleDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            till_id: r.id_field(field::TILL_ID)?,
            park_number: r.required_text(field::PARK_NUMBER)?,
            parked_by: r.id_field(field::PARKED_BY)?,
            parked_by_name: r.text(field::PARKED_BY_NAME)?.unwrap_or_default(),
            note: r.text(field::NOTE)?.unwrap_or_default(),
            items,
            discount: read_discount(&r, currency)?,
            customer_id: r.optional_id(field::CUSTOMER_ID)?,
            currency: currency.clone(),
            total_amount: r.required_money(field::TOTAL_AMOUNT, currency)?,
            status: ParkedStatus::parse(&status).ok_or_else(|| {
                r.refuse(format!("has the status {status:?}, which is not known"))
            })?,
            claimed_by_till: r.optional_id(field::CLAIMED_BY_TILL)?,
            claimed_by: r.optional_id(field::CLAIMED_BY)?,
            claimed_at: r.time(field::CLAIMED_AT)?,
            transaction_id: r.optional_id(field::TRANSACTION_ID)?,
            created_at: r.required_time(field::CREATED_AT)?,
            updated_at: r.required_time(field::UPDATED_AT)?,
        })
    }
}
