//! Automatic reorders on a real till file: a movement that takes a product down to its
//! threshold puts its reorder quantity on the store's automatic draft to its supplier, in
//! the movement's transaction, once per product per draft; the next draft opens when that
//! one is ordered.

mod common;

use common::*;
use sellsync_contract::documents::{Collection, Op, OrderStatus, PurchaseOrderDoc};
use sellsync_contract::Quantity;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::purchasing::orders::PurchaseOrder;
use sellsync_core::purchasing::suppliers::{NewSupplier, Supplier};
use sellsync_core::Cart;

fn supplier(s: &mut Shop, name: &str) -> Supplier {
    s.till
        .add_supplier(
            &s.manager,
            &NewSupplier {
                supplier_name: name.into(),
                ..NewSupplier::default()
            },
        )
        .unwrap()
}

/// `code` is ordered from `supplier`, `quantity` at a time, at `cost`.
fn reorder_rule(s: &mut Shop, code: &str, supplier: &Supplier, quantity: i64, cost: &str) {
    s.till
        .update_product(
            &s.manager,
            code,
            &ProductChanges {
                supplier_id: Some(Some(supplier.id)),
                reorder_quantity: Some(Quantity::units(quantity)),
                unit_cost: Some(Some(usd(cost))),
                ..ProductChanges::default()
            },
        )
        .unwrap();
}

fn sell(s: &mut Shop, code: &str, quantity: i64) {
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, code, Quantity::units(quantity))
        .unwrap();
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
}

fn drafts(s: &Shop) -> Vec<PurchaseOrder> {
    s.till.purchase_orders(Some(OrderStatus::Draft)).unwrap()
}

fn reorder_ops(s: &Shop) -> Vec<bson::Document> {
    s.till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .filter(|op| op.op == Op::Reorder)
        .map(|op| {
            assert_eq!(op.collection, Collection::PurchaseOrders);
            op.payload
        })
        .collect()
}

fn reordered_notes(s: &Shop) -> Vec<String> {
    s.till
        .notifications(false, 100)
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "reordered")
        .map(|n| n.message)
        .collect()
}

#[test]
fn a_sale_down_to_the_threshold_puts_the_reorder_quantity_on_the_suppliers_draft() {
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    reorder_rule(&mut s, MILK, &dairy, 24, "2.10"); // 10 in stock, threshold 3
    reorder_rule(&mut s, CHOC, &dairy, 12, "0.80"); // 6 in stock, threshold 5

    sell(&mut s, MILK, 6); // 4 left: above the threshold
    assert!(drafts(&s).is_empty());
    assert!(reorder_ops(&s).is_empty());

    sell(&mut s, MILK, 1); // 3: down to it
    let draft = &drafts(&s)[0];
    assert!(draft.automatic);
    assert_eq!(draft.supplier_name, "Valley Dairy");
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.lines[0].sku, "T-MILK");
    assert_eq!(draft.lines[0].quantity_ordered, Quantity::units(24));
    assert_eq!(draft.lines[0].unit_price, Some(usd("2.10")));
    let store = s.till.store().id;
    assert_eq!(
        draft.id,
        PurchaseOrderDoc::reorder_draft_id(store, dairy.id, 0),
        "the id every till of the store derives"
    );
    let ops = reorder_ops(&s);
    assert_eq!(ops.len(), 1);
    assert_eq!(
        ops[0]
            .get_document("item")
            .unwrap()
            .get_i64("quantity_ordered"),
        Ok(24)
    );
    let notes = reordered_notes(&s);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("24 × Test Whole Milk 1 L") && notes[0].contains(&draft.order_number),
        "{}",
        notes[0]
    );

    // The same dip, and a second dip while the draft is open: no second line.
    sell(&mut s, MILK, 1);
    s.till
        .restock(&s.manager, MILK, Quantity::units(10), "")
        .unwrap(); // 12
    sell(&mut s, MILK, 9); // 3 again
    let draft = &drafts(&s)[0];
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.lines[0].quantity_ordered, Quantity::units(24));
    assert_eq!(reorder_ops(&s).len(), 1);

    // Another product of the supplier joins the same draft.
    sell(&mut s, CHOC, 1); // 5: its threshold
    let all = drafts(&s);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].lines.len(), 2);
    assert_eq!(reorder_ops(&s).len(), 2);

    // Once it is ordered, the next dip opens the next draft.
    s.till
        .mark_purchase_order_ordered(&s.manager, &all[0].order_number)
        .unwrap();
    s.till
        .restock(&s.manager, MILK, Quantity::units(10), "")
        .unwrap();
    sell(&mut s, MILK, 10);
    let next = &drafts(&s)[0];
    assert_ne!(next.id, all[0].id);
    assert_eq!(
        next.id,
        PurchaseOrderDoc::reorder_draft_id(store, dairy.id, 1)
    );
    assert_eq!(next.lines.len(), 1);
    assert_eq!(next.lines[0].sku, "T-MILK");
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn an_adjustment_down_to_the_threshold_reorders_too_but_only_what_has_a_supplier_and_a_quantity() {
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    reorder_rule(&mut s, MILK, &dairy, 24, "2.10");
    reorder_rule(&mut s, CHOC, &dairy, 0, "0.80"); // never reordered
    sell(&mut s, CHOC, 1);
    sell(&mut s, CABLE, 1); // no supplier
    assert!(drafts(&s).is_empty());

    s.till
        .adjust_stock(
            &s.manager,
            MILK,
            Quantity::units(-8),
            "broken in the back room",
        )
        .unwrap();
    let draft = &drafts(&s)[0];
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.lines[0].quantity_ordered, Quantity::units(24));

    // A draft a manager made for the supplier is theirs: reorders keep to their own.
    let by_hand = s
        .till
        .create_purchase_order(&s.manager, dairy.id, None, &[])
        .unwrap();
    assert!(!by_hand.automatic);
    assert_eq!(drafts(&s).len(), 2);
}

#[test]
fn a_cancelled_automatic_draft_makes_way_for_the_next() {
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    reorder_rule(&mut s, MILK, &dairy, 24, "2.10");
    sell(&mut s, MILK, 7);
    let first = drafts(&s).remove(0);
    s.till
        .cancel_purchase_order(&s.manager, &first.order_number)
        .unwrap();
    s.till
        .restock(&s.manager, MILK, Quantity::units(5), "")
        .unwrap(); // 8
    sell(&mut s, MILK, 5);
    let next = drafts(&s).remove(0);
    assert_ne!(next.id, first.id);
    assert_eq!(next.lines[0].quantity_ordered, Quantity::units(24));
    assert_ne!(next.order_number, first.order_number);
}
