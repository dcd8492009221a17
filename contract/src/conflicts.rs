//! What wins when a document changed on the till and centrally, in both directions.
//!
//! # Up: the till's changes applied centrally (the reconciler)
//!
//! An `insert` creates the document once: a document already there is left as it is. An
//! `update` sets its fields only if the central document was not changed after it (its
//! `updated_at`): the newest change wins ([`not_changed_since`]). Loyalty points and stock
//! travel as deltas (`customer_purchase`, stock movements), so no till's change is lost.
//!
//! # Down: central changes applied on the till (the pull)
//!
//! Applied by core's `sync/pull.rs` (DESIGN invariant 6). Everywhere: a field with an
//! unsent local change (a pending or parked outbox operation on that document that sets it)
//! keeps the till's value, every other field takes the central one; a document made on the
//! till and not sent yet is left alone; documents of another business never land. Then:
//!
//! | collection | what the till takes |
//! |---|---|
//! | `products` (this store's and business-wide) | name, SKU, barcode, category, price, tax rate, threshold, supplier, reorder quantity, unit cost, and this store's opening stock (its entry in `stock_levels`, none: 0; a back office's document without levels that belongs to this store: its `opening_stock`, else `stock`). Never `stock`: the till's stock is its store's opening stock + the store's movements |
//! | `stock_movements` (this store's) | a set: added once by `_id`, never changed; moves the product's stock. The store's other tills' sales and corrections arrive this way; other stores' movements are skipped |
//! | `customers` | name, phone, email; loyalty points = central points + the till's unsent purchase deltas; store credit likewise (both at least zero on the till; central may hold a negative balance when tills spent the same credit offline) |
//! | `users` (this store's and business-wide) | name, email, role, permissions, PIN and password hashes; lockout stays local; deleted centrally = can no longer sign in here and is off the staff list (signing in as them is `unknown_user`, no try counted) |
//! | `sales_transactions` (this store's, of the return window) | a set: added once by `_id`, never changed, so that any till of the store can take back a sale of another. Skipped while the till lacks its cashier, a product, its customer or (a return) its sale. No stock moves (the movements arrive on their own). A return taking back more of a line than it sold (tills offline together) raises one `over_returned` notification for the business (its id is derived from the sale's) |
//! | `parked_sales` (this store's, of the return window) | the whole document (parked at another till, claimed, completed, discarded), unless this till has a change of it unsent: a till's update carries every field a till sets |
//! | `payment_methods` | name, provider, kind |
//! | `suppliers` | name, contact person, email, phone, address |
//! | `purchase_orders` (this store's) | the whole order (lines, state, expected delivery), unless this till has a change of it unsent; skipped while the till lacks its supplier or a product of it |
//! | `stores` (this till's) / `businesses` (this till's) | names, contact, hours; time zone, tax, discount and loyalty settings. Never the currency (amounts are minor units of it) |
//! | `stores` (the business's others) | name, location, phone: where stock can be sent |
//! | `stock_transfers` (sent or received by this store) | the whole transfer (state, what came), unless this till has a change of it unsent; skipped while the till lacks a product of it. Closed here one way and centrally another: one `transfer_closed_twice` notification |
//!
//! A document the till cannot use (no name, a price with too many decimals, an unknown role or
//! movement type: whatever its collection's `from_document` refuses) is refused and logged;
//! the rest of the batch lands.

use std::collections::HashSet;

use bson::{doc, Document};

use crate::documents::{field, CustomerPurchase, Op};
use crate::money::{Currency, Money};

/// The filter that lets an update made at `at` through only if the central document was
/// not changed later (or never records when it was).
pub fn not_changed_since(at: bson::DateTime) -> Document {
    doc! { "$or": [
        { field::UPDATED_AT: { "$lte": at } },
        { field::UPDATED_AT: { "$exists": false } },
    ] }
}

/// This till's unsent changes to one document (its pending and parked operations), which
/// the pull does not overwrite.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Unsent {
    /// The document was made here and its insert has not gone out: left alone.
    pub created_here: bool,
    /// Central field names set by unsent updates: they keep the till's values.
    pub fields: HashSet<String>,
    /// Loyalty points of unsent purchases (customers): added to the central points.
    pub loyalty_points: i64,
    /// Store credit of unsent purchases (customers): added to the central credit.
    pub store_credit: Money,
}

impl Unsent {
    pub fn of(operations: &[(Op, Document)], currency: &Currency) -> Unsent {
        let mut unsent = Unsent::default();
        for (op, payload) in operations {
            match op {
                Op::Insert => unsent.created_here = true,
                Op::CustomerPurchase => {
                    unsent.loyalty_points += CustomerPurchase::points_of(payload);
                    let credit = CustomerPurchase::credit_of(payload, currency);
                    unsent.store_credit = Money::from_minor(
                        unsent.store_credit.minor().saturating_add(credit.minor()),
                    );
                }
                Op::Update => unsent.fields.extend(payload.keys().cloned()),
                // An automatic line not sent yet: the till's lines stand.
                Op::Reorder => {
                    unsent.fields.insert(field::ITEMS.to_owned());
                }
            }
        }
        unsent
    }

    /// Whether the till's value of `field` (a central name, dotted for nested fields)
    /// is kept.
    pub fn keeps(&self, field: &str) -> bool {
        self.fields.contains(field)
            || field
                .split_once('.')
                .is_some_and(|(top, _)| self.fields.contains(top))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::Decimal128;
    use std::str::FromStr;

    #[test]
    fn unsent_changes_keep_their_fields_points_and_credit() {
        let usd = Currency::from_code("USD").unwrap();
        let at = bson::DateTime::from_millis(1_000);
        let unsent = Unsent::of(
            &[
                (
                    Op::Update,
                    doc! { "price": 1, "settings": { "timezone": "UTC" }, "updated_at": at },
                ),
                (Op::CustomerPurchase, doc! { "loyalty_points": 30_i64 }),
                (
                    Op::CustomerPurchase,
                    doc! { "loyalty_points": -10_i64, "store_credit": Decimal128::from_str("4.50").unwrap() },
                ),
                (
                    Op::CustomerPurchase,
                    doc! { "store_credit": Decimal128::from_str("-1.25").unwrap() },
                ),
            ],
            &usd,
        );
        assert!(!unsent.created_here);
        assert_eq!(unsent.loyalty_points, 20);
        assert_eq!(unsent.store_credit, Money::from_minor(325));
        let table = [
            ("price", true),
            ("settings.timezone", true),
            ("settings.currency", true),
            ("product_name", false),
            ("stock", false),
        ];
        for (field, kept) in table {
            assert_eq!(unsent.keeps(field), kept, "{field}");
        }
        assert!(Unsent::of(&[(Op::Insert, Document::new())], &usd).created_here);
        assert_eq!(Unsent::of(&[], &usd), Unsent::default());
    }

    #[test]
    fn an_update_goes_through_only_if_nothing_changed_later() {
        let filter = not_changed_since(bson::DateTime::from_millis(5_000));
        let arms = filter.get_array("$or").unwrap();
        assert_eq!(
            arms[0].as_document().unwrap(),
            &doc! { "updated_at": { "$lte": bson::DateTime::from_millis(5_000) } }
        );
        assert_eq!(
            arms[1].as_document().unwrap(),
            &doc! { "updated_at": { "$exists": false } }
        );
    }
}
