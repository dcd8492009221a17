//! The contract with the central database: one typed document per collection, how each
//! is written to and read from BSON, and what a central document may hold.
//!
//! The till's outbox payloads are made here ([`ProductDoc::to_document`], …), the pull
//! reads central documents here ([`ProductDoc::from_document`], …), and the reconciler
//! and a server that checks what tills send use the same types, names and checks. No
//! collection or field name is written anywhere else: they are [`Collection`] and
//! [`field`]. Nothing here touches SQLite or the network.
//!
//! Reading is strict about types and lenient about absence where the seed's documents
//! may omit a field: a missing or `null` optional field reads as `None`, a field of the
//! wrong type refuses the whole document with a [`Refusal`] that names the field.
//!
//! **`synced_at`** (Sell Sync's, on every document central takes from a till or the
//! REST API): when central took it, set by the reconciler as it inserts the document, and
//! again as it applies a change to it (a field update, a customer's purchase); never what
//! a till says. A till's stock counted into a product's levels does not move it: its
//! stock movements carry their own. Readers who follow what changes page by it (the REST
//! API's `synced_since`); documents central held before Sell Sync wrote it have none.

mod business;
mod customer;
pub mod field;
mod journal_entry;
mod notification;
mod parked_sale;
mod payment_method;
mod product;
mod purchase_order;
mod read;
#[cfg(test)]
mod round_trips;
mod sale;
mod stock_movement;
mod stock_transfer;
mod store;
mod supplier;
mod user;
mod value;
mod z_report;

use std::fmt;

use serde::Serialize;
use thiserror::Error;

pub use business::{barcode_rules_bson, read_barcode_rules, BusinessDoc, BusinessSettings};
pub use customer::{CustomerDoc, CustomerPurchase, PurchaseEntry};
pub use journal_entry::JournalEntryDoc;
pub use notification::{NotificationDoc, NotificationKind, NotificationStatus, NotificationUpdate};
pub use parked_sale::{ParkedItemDoc, ParkedSaleDoc, ParkedStatus};
pub use payment_method::{default_methods, NewPaymentMethod, PaymentKind, PaymentMethodDoc};
pub use product::{unit_of, ProductChange, ProductDoc, ProductUpdate, StockLevel, Variant};
pub use purchase_order::{OrderItemDoc, OrderStatus, PurchaseOrderDoc, ReorderLine};
pub use read::{decimal_text, quantity_value, whole_number, Reader};
pub use sale::{SaleDoc, SaleItemDoc, SalePaymentDoc, SaleStatus, SaleVoid, TransactionType};
pub use stock_movement::StockMovementDoc;
pub use stock_transfer::{StockTransferDoc, TransferItemDoc, TransferStatus};
pub use store::{OperatingHours, StoreDoc};
pub use supplier::SupplierDoc;
pub use user::UserDoc;
pub use value::{date, decimal, oid, percent, quantity};
pub use z_report::ZReportDoc;

/// The central collections, by their names in MongoDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Businesses,
    Stores,
    Users,
    Products,
    StockMovements,
    SalesTransactions,
    Customers,
    PaymentMethods,
    Notifications,
    Suppliers,
    PurchaseOrders,
    /// Sell Sync's own: a till's closed shifts.
    ZReports,
    /// Sell Sync's own: each till's tamper-evident journal.
    JournalEntries,
    /// Sell Sync's own: carts put aside, which any till of the store can take up.
    ParkedSales,
    /// Sell Sync's own: stock sent from one store of the business to another.
    StockTransfers,
    /// The seed's: a business's keys to its REST API (held by the gateway, never pulled).
    ApiKeys,
}

impl Collection {
    pub const ALL: [Collection; 16] = [
        Collection::Businesses,
        Collection::Stores,
        Collection::Users,
        Collection::Products,
        Collection::StockMovements,
        Collection::SalesTransactions,
        Collection::Customers,
        Collection::PaymentMethods,
        Collection::Notifications,
        Collection::Suppliers,
        Collection::PurchaseOrders,
        Collection::ZReports,
        Collection::JournalEntries,
        Collection::ParkedSales,
        Collection::StockTransfers,
        Collection::ApiKeys,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Collection::Businesses => "businesses",
            Collection::Stores => "stores",
            Collection::Users => "users",
            Collection::Products => "products",
            Collection::StockMovements => "stock_movements",
            Collection::SalesTransactions => "sales_transactions",
            Collection::Customers => "customers",
            Collection::PaymentMethods => "payment_methods",
            Collection::Notifications => "notifications",
            Collection::Suppliers => "suppliers",
            Collection::PurchaseOrders => "purchase_orders",
            Collection::ZReports => "z_reports",
            Collection::JournalEntries => "journal_entries",
            Collection::ParkedSales => "parked_sales",
            Collection::StockTransfers => "stock_transfers",
            Collection::ApiKeys => "api_keys",
        }
    }

    /// The collection called `name` in MongoDB.
    pub fn from_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether the collection's documents carry a `business_id` (every one but the
    /// businesses themselves, whose `_id` is the business).
    pub fn is_scoped(self) -> bool {
        self != Collection::Businesses
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an outbox operation does to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Create the document made on the till (the payload is the whole document).
    Insert,
    /// Set the fields in the payload on an existing document ([`ProductUpdate`],
    /// [`NotificationUpdate`]); the payload's `updated_at` says when.
    Update,
    /// Append one sale to a customer's `purchase_history` and add its loyalty points
    /// ([`CustomerPurchase`]). A delta, so that tills serving the same customer offline
    /// never overwrite each other.
    CustomerPurchase,
    /// Add one automatic line to a store's draft order to a supplier ([`ReorderLine`]),
    /// opening the draft if there is none: tills of a store reordering offline add to
    /// one draft per supplier, each product once.
    Reorder,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Insert, Op::Update, Op::CustomerPurchase, Op::Reorder];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::CustomerPurchase => "customer_purchase",
            Op::Reorder => "reorder",
        }
    }

    pub fn parse(text: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

/// A central document that does not hold what its collection's contract says.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the {collection} document {id} {reason}")]
pub struct Refusal {
    pub collection: Collection,
    /// The document's `_id`, or what stood in its place.
    pub id: String,
    /// What is wrong, as a phrase: "has no price", "price is \"x\", not a number".
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for collection in Collection::ALL {
            assert_eq!(Collection::from_name(collection.name()), Some(collection));
        }
        assert_eq!(Collection::from_name("sales"), None);
        for op in Op::ALL {
            assert_eq!(Op::parse(op.as_str()), Some(op));
        }
        assert_eq!(Op::parse("delete"), None);
    }
}
