//! `stock_movements`: the stock ledger, one signed movement of one product at one store.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null, quantity};
use super::{field, Collection};
use crate::ids::Id;
use crate::quantity::Quantity;
use crate::stock::MovementType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMovementDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    pub product_id: Id,
    pub movement_type: MovementType,
    /// Signed, never zero, in the product's unit: negative takes stock out.
    pub quantity: Quantity,
    pub handled_by: Option<Id>,
    pub reason: String,
    /// The sale that moved it, for sales.
    pub transaction_id: Option<Id>,
    /// `None` from a back office that gave no time: the till files it as arriving now.
    pub created_at: Option<DateTime<Utc>>,
}

impl StockMovementDoc {
    pub fn to_document(&self) -> Document {
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::PRODUCT_ID: oid(self.product_id),
            field::MOVEMENT_TYPE: self.movement_type.as_str(),
            field::QUANTITY: quantity(self.quantity),
            field::HANDLED_BY: or_null(self.handled_by, oid),
            field::REASON: &self.reason,
            field::TRANSACTION_ID: or_null(self.transaction_id, oid),
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a store, a product, a known movement type or a quantity other
    /// than zero.
    pub fn from_document(doc: &Document) -> Read<StockMovementDoc> {
        let r = Reader::new(Collection::StockMovements, doc)?;
        let kind = r.required_text(field::MOVEMENT_TYPE)?;
        Ok(StockMovementDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            product_id: r.id_field(field::PRODUCT_ID)?,
            movement_type: MovementType::parse(&kind).ok_or_else(|| {
                r.refuse(format!(
                    "has the movement type {kind:?}, which is not known"
                ))
            })?,
            quantity: r
                .quantity(field::QUANTITY)?
                .filter(|q| *q != Quantity::ZERO)
                .ok_or_else(|| r.refuse("has no quantity"))?,
            handled_by: r.optional_id(field::HANDLED_BY)?,
            reason: r.text(field::REASON)?.unwrap_or_default(),
            transaction_id: r.optional_id(field::TRANSACTION_ID)?,
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}
