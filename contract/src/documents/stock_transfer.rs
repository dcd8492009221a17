//! `stock_transfers` (Sell Sync's own collection): stock sent from one store of a business
//! to another. The stock leaves the source with the sending (`transfer_out` movements of
//! the source), is in transit until the destination receives it (`transfer_in` movements
//! there, of what came), and comes back to the source if the transfer is cancelled.
//!
//! **`stock_transfers`** (Sell Sync's own; `StockTransferDoc`; a collection of its own
//! rather than purchase-order-like documents, because it belongs to two stores and moves
//! stock at both): `business_id`, `from_store_id`, `to_store_id`, `transfer_number` (the
//! sending till's, `T1-TR000001`), `status` (`in_transit`, `received`, `cancelled`),
//! `items[]` (`product_id`, `quantity_sent`, `quantity_received`), `note`, `sent_by`,
//! `received_by`, `received_at`, `created_at`, `updated_at`. The stock moves by the two
//! stores' movements (`transfer_out` at the source when sent, `transfer_in` at the
//! destination for what came, or back at the source when cancelled), each with the
//! transfer's id as `transaction_id`; so each store's level is its ledger, and the
//! business's total falls only by what went missing.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null, quantity};
use super::{field, Collection};
use crate::ids::Id;
use crate::quantity::Quantity;

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    /// Sent: out of the source's stock, not yet in the destination's.
    InTransit,
    /// Checked in at the destination (all of it, or what came; the rest is missing).
    Received,
    /// Called off while in transit: the stock went back to the source.
    Cancelled,
}

impl TransferStatus {
    pub const ALL: [TransferStatus; 3] = [
        TransferStatus::InTransit,
        TransferStatus::Received,
        TransferStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TransferStatus::InTransit => "in_transit",
            TransferStatus::Received => "received",
            TransferStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<TransferStatus> {
        TransferStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One product of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferItemDoc {
    pub product_id: Id,
    pub quantity_sent: Quantity,
    /// What the destination checked in (0 until it is received).
    pub quantity_received: Quantity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockTransferDoc {
    pub id: Id,
    pub business_id: Id,
    pub from_store_id: Id,
    pub to_store_id: Id,
    /// The sending till's number: `T1-TR000001`.
    pub transfer_number: String,
    pub status: TransferStatus,
    pub items: Vec<TransferItemDoc>,
    pub note: String,
    pub sent_by: Option<Id>,
    pub received_by: Option<Id>,
    pub received_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StockTransferDoc {
    pub fn to_document(&self) -> Document {
        let mut fields = doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::FROM_STORE_ID: oid(self.from_store_id),
            field::TO_STORE_ID: oid(self.to_store_id),
            field::TRANSFER_NUMBER: &self.transfer_number,
            field::NOTE: &self.note,
            field::SENT_BY: or_null(self.sent_by, oid),
            field::CREATED_AT: date(self.created_at),
        };
        fields.extend(self.to_update());
        fields
    }

    /// What changes once it is central: the state, what came, who checked it in.
    pub fn to_update(&self) -> Document {
        let items: Vec<Document> = self
            .items
            .iter()
            .map(|item| {
                doc! {
                    field::PRODUCT_ID: oid(item.product_id),
                    field::QUANTITY_SENT: quantity(item.quantity_sent),
                    field::QUANTITY_RECEIVED: quantity(item.quantity_received),
                }
            })
            .collect();
        doc! {
            field::ITEMS: items,
            field::STATUS: self.status.as_str(),
            field::RECEIVED_BY: or_null(self.received_by, oid),
            field::RECEIVED_AT: or_null(self.received_at, date),
            field::UPDATED_AT: date(self.updated_at),
        }
    }

    /// Refused without both stores, a known status, or with a line without a product or
    /// a quantity sent above zero.
    pub fn from_document(doc: &Document) -> Read<StockTransferDoc> {
        let r = Reader::new(Collection::StockTransfers, doc)?;
        let items = r
            .documents(field::ITEMS, |item| {
                Ok(TransferItemDoc {
                    product_id: item.id_field(field::PRODUCT_ID)?,
                    quantity_sent: item
                        .quantity(field::QUANTITY_SENT)?
                        .filter(|q| q.is_positive())
                        .ok_or_else(|| item.refuse("has a line without a quantity sent"))?,
                    quantity_received: item.non_negative_quantity(field::QUANTITY_RECEIVED)?,
                })
            })?
            .unwrap_or_default();
        let status = r.required_text(field::STATUS)?;
        let created_at = r.required_time(field::CREATED_AT)?;
        Ok(StockTransferDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            from_store_id: r.id_field(field::FROM_STORE_ID)?,
            to_store_id: r.id_field(field::TO_STORE_ID)?,
            transfer_number: r
                .non_blank(field::TRANSFER_NUMBER)?
                .unwrap_or_else(|| r.id().to_string()),
            status: TransferStatus::parse(&status).ok_or_else(|| {
                r.refuse(format!("has the status {status:?}, which is not known"))
            })?,
            items,
            note: r.text(field::NOTE)?.unwrap_or_default(),
            sent_by: r.optional_id(field::SENT_BY)?,
            received_by: r.optional_id(field::RECEIVED_BY)?,
            received_at: r.time(field::RECEIVED_AT)?,
            created_at,
            updated_at: r.time(field::UPDATED_AT)?.unwrap_or(created_at),
        })
    }
}
