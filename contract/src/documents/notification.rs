//! `notifications`: alerts for a store's managers (low stock, a refused change, a
//! receipt that did not print).

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    /// `None`: for the store's managers, not one person.
    pub user_id: Option<Id>,
    pub kind: NotificationKind,
    pub product_id: Option<Id>,
    pub message: String,
    pub status: NotificationStatus,
    pub created_at: DateTime<Utc>,
}

impl NotificationDoc {
    pub fn to_document(&self) -> Document {
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::USER_ID: or_null(self.user_id, oid),
            field::KIND: self.kind.as_str(),
            field::PRODUCT_ID: or_null(self.product_id, oid),
            field::MESSAGE: &self.message,
            field::STATUS: self.status.as_str(),
            field::CREATED_AT: date(self.created_at),
        }
    }

    /// Refused without a store, a known kind and status, a message or a date.
    pub fn from_document(doc: &Document) -> Read<NotificationDoc> {
        let r = Reader::new(Collection::Notifications, doc)?;
        let kind = r.required_text(field::KIND)?;
        Ok(NotificationDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            user_id: r.optional_id(field::USER_ID)?,
            kind: NotificationKind::parse(&kind)
                .ok_or_else(|| r.refuse(format!("has the kind {kind:?}, which is not known")))?,
            product_id: r.optional_id(field::PRODUCT_ID)?,
            message: r.required_text(field::MESSAGE)?,
            status: read_status(&r)?,
            created_at: r.required_time(field::CREATED_AT)?,
        })
    }
}

fn read_status(r: &Reader<'_>) -> Read<NotificationStatus> {
    let status = r.required_text(field::STATUS)?;
    NotificationStatus::parse(&status)
        .ok_or_else(|| r.refuse(format!("has the status {status:?}, which is not known")))
}

/// A notification's status changed on a till (a manager read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationUpdate {
    pub status: NotificationStatus,
    pub updated_at: DateTime<Utc>,
}

impl NotificationUpdate {
    pub fn to_document(&self) -> Document {
        doc! {
            field::STATUS: self.status.as_str(),
            field::UPDATED_AT: date(self.updated_at),
        }
    }

    /// Refused with any other field, an unknown status or no `updated_at`.
    pub fn from_document(id: Id, set: &Document) -> Read<NotificationUpdate> {
        let mut doc = set.clone();
        doc.insert(field::ID, oid(id));
        let r = Reader::new(Collection::Notifications, &doc)?;
        if let Some(other) = set
            .keys()
            .find(|k| ![field::STATUS, field::UPDATED_AT].contains(&k.as_str()))
        {
            return Err(r.refuse(format!("cannot have {other} set by a till")));
        }
        Ok(NotificationUpdate {
            status: read_status(&r)?,
            updated_at: r.required_time(field::UPDATED_AT)?,
        })
    }
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A product fell to or below its low-stock threshold.
    LowStock,
    /// A sale took a product's stock on this till below zero.
    Oversold,
    /// The central database refused an outbox operation for good; a manager should retry
    /// or discard it.
    SyncParked,
    /// A receipt or the cash drawer did not print or open.
    PrinterProblem,
    /// Tills that were offline together took back more of a sale than was sold.
    OverReturned,
    /// Tills that were offline together each completed the same parked sale.
    ParkedCompletedTwice,
    /// A product fell to its threshold and went onto its supplier's draft order.
    Reordered,
    /// A purchase order's expected delivery has passed and not everything came in.
    OrderOverdue,
    /// Tills that were offline together closed the same transfer twice (cancelled and
    /// received, or received twice): its stock was counted twice.
    TransferClosedTwice,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::LowStock,
        NotificationKind::Oversold,
        NotificationKind::SyncParked,
        NotificationKind::PrinterProblem,
        NotificationKind::OverReturned,
        NotificationKind::ParkedCompletedTwice,
        NotificationKind::Reordered,
        NotificationKind::OrderOverdue,
        NotificationKind::TransferClosedTwice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::LowStock => "low_stock",
            NotificationKind::Oversold => "oversold",
            NotificationKind::SyncParked => "sync_parked",
            NotificationKind::PrinterProblem => "printer_problem",
            NotificationKind::OverReturned => "over_returned",
            NotificationKind::ParkedCompletedTwice => "parked_completed_twice",
            NotificationKind::Reordered => "reordered",
            NotificationKind::OrderOverdue => "order_overdue",
            NotificationKind::TransferClosedTwice => "transfer_closed_twice",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Whether a notification has been seen to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationStatus {
    Unread,
    Read,
}

impl NotificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationStatus::Unread => "unread",
            NotificationStatus::Read => "read",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationStatus> {
        [NotificationStatus::Unread, NotificationStatus::Read]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}
