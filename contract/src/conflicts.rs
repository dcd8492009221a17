//! What wins when a document changed on the till and centrally, in both directions (the
//! rules are in ARCHITECTURE.md too).
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
//! For every collection: a field that this till changed and has not sent yet (an
//! operation on the same document still pending or parked in the outbox) keeps the till's
//! value; every other field takes the central value. A document made on this till and not
//! sent yet is left alone. Documents of another business are never applied.
//!
//! - `products` (this store's and the business-wide ones): name, SKU, barcode, category,
//!   price, tax rate, threshold, supplier, and this store's opening stock (its entry in
//!   `stock_levels`; none: 0). `stock` is never copied: the till's stock is its store's
//!   ledger, opening stock plus the store's movements, and the store's other tills' sales
//!   and restocks arrive as `stock_movements`.
//! - `stock_movements` (this store's): a set, not a counter. A movement is added once, by
//!   its `_id`, and moves its product's stock; it is never changed. Movements of other
//!   stores, and of products this till does not hold, are skipped.
//! - `customers`: name, phone, email. Loyalty points are the central points plus the
//!   points of this till's purchases not sent yet (deltas, so no till's points are lost).
//! - `users` (this store's and the business-wide ones): name, email, role, permissions,
//!   PIN and password hashes; the lockout state stays the till's own. A user deleted
//!   centrally can no longer sign in here (the row stays: sales name their cashier).
//! - `payment_methods`: name, provider, kind.
//! - `stores` (this till's store only): name, location, phone, opening hours.
//! - `businesses` (this till's business only): name, plan, subscription, time zone, tax
//!   settings, cashier discount limit, loyalty settings. The currency is not changed on a
//!   till: its amounts are stored in the old currency's minor units.

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
