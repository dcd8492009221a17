//! Stock counts on a real till file: counted against the level when the count started,
//! so a sale during the count is not lost; posted as "count" adjustments; what a till may
//! not do refused in words with nothing written.

mod common;

use common::*;
use sellsync_contract::documents::Collection;
use sellsync_contract::Quantity;
use sellsync_core::stock::counts::COUNT_REASON;
use sellsync_core::{Cart, Money, NewProduct};

fn stock(s: &Shop, code: &str) -> Quantity {
    s.till.find_product(code).unwrap().unwrap().stock
}

#[test]
fn a_count_is_taken_against_the_level_when_it_started_and_posted_as_adjustments() {
    let mut s = shop();
    let count = s.till.start_count(&s.manager, Some("test")).unwrap();
    assert_eq!(count.category.as_deref(), Some("test"));
    assert_eq!(count.not_counted, 3);
    for _ in 0..3 {
        s.till
            .count_scan(&s.manager, MILK, Quantity::units(1))
            .unwrap();
    }
    let milk = s
        .till
        .count_scan(&s.manager, MILK, Quantity::units(4))
        .unwrap();
    assert_eq!(
        (milk.expected, milk.counted, milk.difference),
        (Quantity::units(10), Quantity::units(7), Quantity::units(-3))
    );

    // Two milk sold while the count goes on: the count still compares with 10.
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    assert_eq!(stock(&s, MILK), Quantity::units(8));
    let choc = s
        .till
        .count_set(&s.manager, CHOC, Quantity::units(6))
        .unwrap();
    assert_eq!(choc.difference, Quantity::units(0));
    let open = s.till.open_count().unwrap().unwrap();
    assert_eq!(open.lines.len(), 2);
    assert_eq!(
        open.lines[1].expected,
        Quantity::units(10),
        "still the level at the start"
    );
    assert_eq!(open.not_counted, 1);

    let posted = s.till.post_count(&s.manager).unwrap();
    assert_eq!(
        (posted.adjusted, posted.net_difference),
        (1, Quantity::units(-3))
    );
    assert_eq!(
        stock(&s, MILK),
        Quantity::units(5),
        "the sale during the count is not lost"
    );
    assert_eq!(
        (stock(&s, CHOC), stock(&s, CABLE)),
        (Quantity::units(6), Quantity::units(1))
    );
    let adjustments: Vec<bson::Document> = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .filter(|op| op.collection == Collection::StockMovements)
        .map(|op| op.payload)
        .filter(|m| m.get_str("reason") == Ok(COUNT_REASON))
        .collect();
    assert_eq!(adjustments.len(), 1);
    assert_eq!(adjustments[0].get_str("movement_type"), Ok("adjustment"));
    assert_eq!(adjustments[0].get_i64("quantity"), Ok(-3));
    assert_eq!(
        adjustments[0].get_object_id("transaction_id"),
        Ok(count.id.object_id())
    );
    assert!(s.till.open_count().unwrap().is_none());
    refused(s.till.post_count(&s.manager), "no_open_count");
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn what_a_count_may_not_do_is_refused_and_writes_nothing() {
    let mut s = shop();
    s.till
        .add_product(
            &s.admin,
            &NewProduct {
                sku: "BREAD-1".into(),
                product_name: "Sourdough".into(),
                price: Money::from_minor(450),
                category: Some("Bakery".into()),
                stock: Quantity::units(4),
                ..NewProduct::default()
            },
        )
        .unwrap();
    let before = snapshot(s.dir.path());
    refused(
        s.till.count_scan(&s.manager, MILK, Quantity::units(1)),
        "no_open_count",
    );
    refused(s.till.post_count(&s.manager), "no_open_count");
    refused(s.till.start_count(&s.cashier, None), "permission_denied");
    let words = refused(
        s.till.start_count(&s.manager, Some("Toys")),
        "unknown_category",
    );
    assert_eq!(words, "No product is in the category \"Toys\".");
    assert_eq!(snapshot(s.dir.path()), before);

    s.till.start_count(&s.manager, Some("Bakery")).unwrap();
    let before = snapshot(s.dir.path());
    refused(s.till.start_count(&s.manager, None), "count_open");
    let words = refused(
        s.till.count_scan(&s.manager, MILK, Quantity::units(1)),
        "not_in_count",
    );
    assert_eq!(
        words,
        "Test Whole Milk 1 L is not in Bakery, the category being counted."
    );
    refused(
        s.till
            .count_scan(&s.manager, "BREAD-1", Quantity::units(-1)),
        "bad_quantity",
    );
    refused(
        s.till.count_scan(&s.manager, "BREAD-1", Quantity::units(0)),
        "bad_quantity",
    );
    refused(
        s.till.count_set(&s.manager, "BREAD-1", Quantity::units(-4)),
        "bad_quantity",
    );
    refused(
        s.till.count_scan(&s.manager, "NO-SUCH", Quantity::units(1)),
        "unknown_product",
    );
    refused(
        s.till.count_scan(&s.cashier, "BREAD-1", Quantity::units(1)),
        "permission_denied",
    );
    assert_eq!(snapshot(s.dir.path()), before);

    // Counted none on the shelf, then given up: nothing is adjusted.
    s.till
        .count_set(&s.manager, "BREAD-1", Quantity::units(0))
        .unwrap();
    s.till.cancel_count(&s.manager).unwrap();
    assert_eq!(stock(&s, "BREAD-1"), Quantity::units(4));
    refused(s.till.cancel_count(&s.manager), "no_open_count");
}
