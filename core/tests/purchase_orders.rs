//! Purchase orders on a real till file: a draft put together line by line, ordered,
//! exported for the supplier, cancelled; what a till may not do to one refused in words,
//! with nothing written; what central receives.

mod common;

use chrono::NaiveDate;
use common::*;
use sellsync_contract::documents::{Collection, Op, OrderStatus};
use sellsync_contract::Quantity;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::purchasing::export::to_csv;
use sellsync_core::purchasing::orders::OrderLineInput;
use sellsync_core::purchasing::suppliers::{NewSupplier, Supplier};
use sellsync_core::{Currency, Money};

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

fn line(s: &Shop, code: &str, quantity: i64, price: Option<&str>) -> OrderLineInput {
    OrderLineInput {
        product: s.till.find_product(code).unwrap().unwrap(),
        quantity: Quantity::units(quantity),
        unit_price: price.map(usd),
    }
}

fn last_order_op(s: &Shop) -> (Op, bson::Document) {
    let op = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .rev()
        .find(|op| op.collection == Collection::PurchaseOrders)
        .unwrap();
    (op.op, op.payload)
}

#[test]
fn a_draft_is_put_together_ordered_exported_and_cancelled() {
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    s.till
        .update_product(
            &s.manager,
            MILK,
            &ProductChanges {
                supplier_id: Some(Some(dairy.id)),
                unit_cost: Some(Some(usd("2.10"))),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    let expected = NaiveDate::from_ymd_opt(2026, 12, 24);
    let order = s
        .till
        .create_purchase_order(
            &s.manager,
            dairy.id,
            expected,
            &[line(&s, MILK, 12, None), line(&s, CHOC, 5, Some("1.20"))],
        )
        .unwrap();
    assert_eq!(order.order_number, "T1-PO000001");
    assert_eq!(order.order_status, OrderStatus::Draft);
    assert_eq!(order.supplier_name, "Valley Dairy");
    assert_eq!(
        order.lines[0].unit_price,
        Some(usd("2.10")),
        "the product's cost"
    );
    assert_eq!(order.total, usd("31.20"), "12 x 2.10 + 5 x 1.20");
    let (op, sent) = last_order_op(&s);
    assert_eq!(op, Op::Insert);
    assert_eq!(sent.get_str("order_status"), Ok("draft"));
    assert_eq!(
        sent.get_object_id("supplier_id").unwrap(),
        dairy.id.object_id()
    );
    assert_eq!(
        sent.get_object_id("store_id").unwrap(),
        s.till.store().id.object_id()
    );
    assert!(sent.get_datetime("expected_delivery").is_ok());
    let items = sent.get_array("items").unwrap();
    let first = items[0].as_document().unwrap();
    assert_eq!(first.get_i64("quantity_ordered"), Ok(12));
    assert_eq!(
        first.get_decimal128("unit_price").unwrap().to_string(),
        "2.10"
    );

    // More milk merges into its line; the chocolate comes off.
    let choc = order.lines[1].product_id;
    let order = s
        .till
        .add_to_purchase_order(&s.manager, "T1-PO000001", &[line(&s, MILK, 6, None)])
        .unwrap();
    assert_eq!(order.lines.len(), 2);
    assert_eq!(order.lines[0].quantity_ordered, Quantity::units(18));
    let order = s
        .till
        .set_purchase_order_quantity(&s.manager, &order.id.to_string(), choc, Quantity::units(0))
        .unwrap();
    assert_eq!(order.lines.len(), 1);

    let order = s
        .till
        .mark_purchase_order_ordered(&s.manager, "T1-PO000001")
        .unwrap();
    assert_eq!(order.order_status, OrderStatus::Ordered);
    let (op, sent) = last_order_op(&s);
    assert_eq!(op, Op::Update);
    assert_eq!(sent.get_str("order_status"), Ok("ordered"));
    assert!(sent.get_datetime("updated_at").is_ok());
    assert!(
        !sent.contains_key("order_number"),
        "an update sets what changes"
    );
    let csv = to_csv(&order, &Currency::from_code("USD").unwrap()).unwrap();
    assert_eq!(
        csv,
        "sku,product,quantity,unit_price,line_total\nT-MILK,Test Whole Milk 1 L,18,2.10,37.80\n"
    );
    assert_eq!(
        s.till.purchase_orders(Some(OrderStatus::Ordered)).unwrap(),
        std::slice::from_ref(&order)
    );
    assert!(s
        .till
        .purchase_orders(Some(OrderStatus::Draft))
        .unwrap()
        .is_empty());

    let cancelled = s
        .till
        .cancel_purchase_order(&s.manager, "T1-PO000001")
        .unwrap();
    assert_eq!(cancelled.order_status, OrderStatus::Cancelled);
}

#[test]
fn what_may_not_be_done_to_an_order_is_refused_and_writes_nothing() {
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    let other = supplier(&mut s, "Cable World");
    s.till
        .update_product(
            &s.manager,
            CABLE,
            &ProductChanges {
                supplier_id: Some(Some(other.id)),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    let empty = s
        .till
        .create_purchase_order(&s.manager, dairy.id, None, &[])
        .unwrap();
    let before = snapshot(s.dir.path());
    let number = empty.order_number.clone();
    let r = s
        .till
        .create_purchase_order(&s.cashier, dairy.id, None, &[]);
    refused(r, "permission_denied");
    let r = s
        .till
        .create_purchase_order(&s.manager, dairy.id, None, &[line(&s, CABLE, 1, None)]);
    let message = refused(r, "product_of_another_supplier");
    assert_eq!(
        message,
        "Test USB-C Cable 1 m comes from another supplier: order it from them."
    );
    let r = s
        .till
        .create_purchase_order(&s.manager, dairy.id, None, &[line(&s, MILK, 0, None)]);
    refused(r, "bad_quantity");
    let r = s
        .till
        .create_purchase_order(&s.manager, sellsync_core::Id::new(), None, &[]);
    refused(r, "unknown_supplier");
    let r = s.till.mark_purchase_order_ordered(&s.manager, &number);
    let message = refused(r, "order_empty");
    assert!(message.contains("has no lines"), "{message}");
    let r = s.till.add_to_purchase_order(&s.manager, "T1-PO000099", &[]);
    refused(r, "unknown_order");
    let milk = s.till.find_product(MILK).unwrap().unwrap();
    let r = s
        .till
        .set_purchase_order_quantity(&s.manager, &number, milk.id, Quantity::units(3));
    refused(r, "not_on_order");
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // Ordered, it no longer changes; cancelled, it cannot be cancelled again.
    s.till
        .add_to_purchase_order(&s.manager, &number, &[line(&s, MILK, 2, None)])
        .unwrap();
    s.till
        .mark_purchase_order_ordered(&s.manager, &number)
        .unwrap();
    let r = s
        .till
        .add_to_purchase_order(&s.manager, &number, &[line(&s, MILK, 2, None)]);
    let message = refused(r, "order_closed");
    assert_eq!(
        message,
        format!("Purchase order {number} is ordered: only a draft can change.")
    );
    s.till.cancel_purchase_order(&s.manager, &number).unwrap();
    let r = s.till.cancel_purchase_order(&s.manager, &number);
    refused(r, "order_closed");
    assert_eq!(
        s.till.purchase_order(&number).unwrap().total,
        Money::ZERO,
        "no price known for the milk"
    );
}

#[test]
fn the_stores_orders_arrive_by_the_pull_and_an_unsent_change_stands() {
    use bson::{doc, Bson};
    use sellsync_contract::change::CentralChange;
    use sellsync_core::Id;
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    let milk = s.till.find_product(MILK).unwrap().unwrap();
    let oid = |id: Id| Bson::ObjectId(id.object_id());
    let order = |store: Id, product: Id, status: &str| {
        doc! {
            "_id": oid(Id::new()),
            "business_id": oid(s.till.business().id),
            "store_id": oid(store),
            "supplier_id": oid(dairy.id),
            "order_number": "T2-PO000001",
            "items": [{ "product_id": oid(product), "quantity_ordered": 10, "unit_price": Bson::Null, "quantity_received": 4 }],
            "order_status": status,
            "created_by": oid(Id::new()),
            "created_at": bson::DateTime::now(),
            "updated_at": bson::DateTime::now(),
        }
    };
    let here = order(s.till.store().id, milk.id, "partially_received");
    let elsewhere = order(Id::new(), milk.id, "ordered");
    let unknown_product = order(s.till.store().id, Id::new(), "ordered");
    let changes: Vec<CentralChange> = [here.clone(), elsewhere, unknown_product]
        .into_iter()
        .map(|document| CentralChange::Upsert {
            collection: Collection::PurchaseOrders,
            document,
        })
        .collect();
    s.till.apply_central_changes(&changes, None).unwrap();
    let orders = s.till.purchase_orders(None).unwrap();
    assert_eq!(
        orders.len(),
        1,
        "another store's, and one naming a product the till lacks, do not land"
    );
    assert_eq!(orders[0].order_number, "T2-PO000001");
    assert_eq!(orders[0].order_status, OrderStatus::PartiallyReceived);
    assert_eq!(orders[0].lines[0].quantity_received, Quantity::units(4));

    // A draft cancelled here, not sent yet, stays cancelled over central's older copy.
    let draft = s
        .till
        .create_purchase_order(&s.manager, dairy.id, None, &[line(&s, MILK, 3, None)])
        .unwrap();
    let central = last_order_op(&s).1;
    deliver_all(&mut s.till);
    s.till
        .cancel_purchase_order(&s.manager, &draft.order_number)
        .unwrap();
    s.till
        .apply_central_changes(
            &[CentralChange::Upsert {
                collection: Collection::PurchaseOrders,
                document: central,
            }],
            None,
        )
        .unwrap();
    assert_eq!(
        s.till
            .purchase_order(&draft.order_number)
            .unwrap()
            .order_status,
        OrderStatus::Cancelled
    );
}

#[test]
fn a_delivery_is_received_in_parts_into_stock_with_its_differences_and_cost() {
    use sellsync_core::purchasing::orders::ReceivedLine;
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    let order = s
        .till
        .create_purchase_order(
            &s.manager,
            dairy.id,
            None,
            &[
                line(&s, MILK, 12, Some("2.10")),
                line(&s, CHOC, 5, Some("1.20")),
            ],
        )
        .unwrap();
    let number = order.order_number.clone();
    let received =
        |s: &Shop, code: &str, quantity: i64, damaged: i64, cost: Option<&str>| ReceivedLine {
            product: s.till.find_product(code).unwrap().unwrap(),
            quantity: Quantity::units(quantity),
            damaged: Quantity::units(damaged),
            unit_cost: cost.map(usd),
        };
    // A draft is not received.
    let before = snapshot(s.dir.path());
    let r = s
        .till
        .receive_purchase_order(&s.manager, &number, &[received(&s, MILK, 1, 0, None)]);
    let message = refused(r, "not_receivable");
    assert_eq!(
        message,
        format!("Purchase order {number} is draft: only an ordered one is received.")
    );
    assert_eq!(before, snapshot(s.dir.path()));
    s.till
        .mark_purchase_order_ordered(&s.manager, &number)
        .unwrap();

    let before = snapshot(s.dir.path());
    let r = s
        .till
        .receive_purchase_order(&s.manager, &number, &[received(&s, CABLE, 1, 0, None)]);
    refused(r, "not_on_order");
    let r = s
        .till
        .receive_purchase_order(&s.manager, &number, &[received(&s, MILK, 0, 0, None)]);
    refused(r, "bad_quantity");
    let r = s
        .till
        .receive_purchase_order(&s.manager, &number, &[received(&s, MILK, -2, 0, None)]);
    refused(r, "bad_quantity");
    let r = s
        .till
        .receive_purchase_order(&s.cashier, &number, &[received(&s, MILK, 1, 0, None)]);
    refused(r, "permission_denied");
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // The first box: 8 milk (1 broken), the supplier now charges 2.25.
    let milk_before = s.till.find_product(MILK).unwrap().unwrap().stock;
    let order = s
        .till
        .receive_purchase_order(
            &s.manager,
            &number,
            &[received(&s, MILK, 7, 1, Some("2.25"))],
        )
        .unwrap();
    assert_eq!(order.order_status, OrderStatus::PartiallyReceived);
    assert_eq!(order.lines[0].quantity_received, Quantity::units(7));
    assert_eq!(order.lines[0].quantity_damaged, Quantity::units(1));
    assert_eq!(
        order.lines[0].difference,
        Quantity::units(-4),
        "4 short so far"
    );
    assert_eq!(order.lines[0].unit_price, Some(usd("2.25")));
    let milk = s.till.find_product(MILK).unwrap().unwrap();
    assert_eq!(
        milk.stock,
        milk_before + Quantity::units(7),
        "the broken one is not on the shelf"
    );
    assert_eq!(
        milk.unit_cost,
        Some(usd("2.25")),
        "the cost received is the product's"
    );
    let ledger = s.till.verify_stock_ledger().unwrap();
    assert!(ledger.mismatches.is_empty(), "{ledger:?}");
    let restock = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .find(|op| {
            op.collection == Collection::StockMovements
                && op.payload.get_str("movement_type") == Ok("restock")
        })
        .unwrap()
        .payload;
    assert_eq!(restock.get_i64("quantity"), Ok(7));
    assert_eq!(
        restock.get_object_id("transaction_id").unwrap(),
        order.id.object_id()
    );
    assert_eq!(
        restock.get_object_id("store_id").unwrap(),
        s.till.store().id.object_id()
    );

    // The rest, with one milk more than ordered: received, the difference kept.
    let order = s
        .till
        .receive_purchase_order(
            &s.manager,
            &number,
            &[
                received(&s, MILK, 5, 0, None),
                received(&s, CHOC, 5, 0, None),
            ],
        )
        .unwrap();
    assert_eq!(order.order_status, OrderStatus::Received);
    assert_eq!(order.lines[0].difference, Quantity::units(1), "one over");
    let r = s.till.cancel_purchase_order(&s.manager, &number);
    refused(r, "cancel_after_receipt");
    let r = s
        .till
        .receive_purchase_order(&s.manager, &number, &[received(&s, MILK, 1, 0, None)]);
    refused(r, "not_receivable");
}

#[test]
fn an_order_past_its_expected_delivery_is_notified_once_until_it_has_come_in() {
    use sellsync_core::purchasing::orders::ReceivedLine;
    let mut s = shop();
    let dairy = supplier(&mut s, "Valley Dairy");
    let christmas_eve = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    let late = s
        .till
        .create_purchase_order(
            &s.manager,
            dairy.id,
            Some(christmas_eve),
            &[line(&s, MILK, 12, None)],
        )
        .unwrap();
    let draft = s
        .till
        .create_purchase_order(
            &s.manager,
            dairy.id,
            Some(christmas_eve),
            &[line(&s, CHOC, 5, None)],
        )
        .unwrap();
    s.till
        .mark_purchase_order_ordered(&s.manager, &late.order_number)
        .unwrap();
    let overdue = |s: &Shop| -> Vec<String> {
        s.till
            .notifications(false, 100)
            .unwrap()
            .into_iter()
            .filter(|n| n.kind == "order_overdue")
            .map(|n| n.message)
            .collect()
    };
    assert_eq!(
        s.till.raise_overdue_orders(christmas_eve).unwrap(),
        0,
        "due today is not late"
    );
    let boxing_day = christmas_eve.succ_opt().unwrap();
    s.till
        .receive_purchase_order(
            &s.manager,
            &late.order_number,
            &[ReceivedLine {
                product: s.till.find_product(MILK).unwrap().unwrap(),
                quantity: Quantity::units(4),
                damaged: Quantity::units(0),
                unit_cost: None,
            }],
        )
        .unwrap();
    let done = s
        .till
        .create_purchase_order(
            &s.manager,
            dairy.id,
            Some(christmas_eve),
            &[line(&s, CABLE, 1, None)],
        )
        .unwrap();
    s.till
        .mark_purchase_order_ordered(&s.manager, &done.order_number)
        .unwrap();
    s.till
        .receive_purchase_order(
            &s.manager,
            &done.order_number,
            &[ReceivedLine {
                product: s.till.find_product(CABLE).unwrap().unwrap(),
                quantity: Quantity::units(1),
                damaged: Quantity::units(0),
                unit_cost: None,
            }],
        )
        .unwrap();
    assert_eq!(
        s.till.raise_overdue_orders(boxing_day).unwrap(),
        1,
        "not the draft (never sent) nor the order that came in"
    );
    let notes = overdue(&s);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains(&late.order_number)
            && notes[0].contains("2026-12-24")
            && notes[0].contains("8 still to come in"),
        "{}",
        notes[0]
    );
    assert_eq!(s.till.raise_overdue_orders(boxing_day).unwrap(), 0, "once");
    assert_eq!(overdue(&s).len(), 1);
    assert_eq!(draft.order_status, OrderStatus::Draft);
}
