//! What a till pulls: the collections, in the order a full read reads them, and one change
//! read from the central database as the feed hands it to the till.

use bson::oid::ObjectId;
use bson::Document;

use crate::documents::Collection;

/// The collections a till pulls, in the order a full read reads them (a sale after its
/// cashier, products and customer). Of `sales_transactions`, only the store's sales and
/// returns of the return window: what the till may be asked to take back; of
/// `parked_sales`, the store's of the return window (a parked sale after its products
/// and customer, before the sales that complete it).
pub const PULLED: [Collection; 12] = [
    Collection::Businesses,
    Collection::Stores,
    Collection::Users,
    Collection::PaymentMethods,
    Collection::Suppliers,
    Collection::Products,
    Collection::PurchaseOrders,
    Collection::StockTransfers,
    Collection::Customers,
    Collection::ParkedSales,
    Collection::SalesTransactions,
    Collection::StockMovements,
];

/// One change read from the central database.
#[derive(Debug, Clone, PartialEq)]
pub enum CentralChange {
    /// The document as the central database holds it now (inserted, updated or replaced).
    Upsert {
        collection: Collection,
        document: Document,
    },
    /// The document was deleted centrally.
    Delete {
        collection: Collection,
        id: ObjectId,
    },
}
