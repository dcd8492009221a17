//! Transfers between stores on a real till file: sent (the stock leaves at once),
//! cancelled (it comes back), received at the other store in full or in part (what did
//! not come is missing); what a till may not do to one refused in words, with nothing
//! written; one closed twice by tills offline together is told to a manager.

mod common;

use bson::Document;
use common::*;
use sellsync_contract::change::CentralChange;
use sellsync_contract::documents::{
    Collection, Op, StockTransferDoc, StoreDoc, TransferItemDoc, TransferStatus,
};
use sellsync_contract::Quantity;
use sellsync_core::stock::transfers::TransferLineInput;
use sellsync_core::{Id, Money, NewProduct};

const UPTOWN: &str = "Corner Market - Uptown";

/// Another store of the business, as the pull brings it.
fn uptown(s: &mut Shop) -> Id {
    let id = Id::new();
    let store = StoreDoc {
        id,
        business_id: s.till.business().id,
        store_name: UPTOWN.into(),
        location: Some("9 Hill St".into()),
        phone: None,
        operating_hours: None,
        created_at: None,
    };
    pull(s, Collection::Stores, store.to_document());
    id
}

fn pull(s: &mut Shop, collection: Collection, document: Document) {
    let outcome = s
        .till
        .apply_central_changes(
            &[CentralChange::Upsert {
                collection,
                document,
            }],
            None,
        )
        .unwrap();
    assert_eq!(outcome.refused, 0);
}

fn line(s: &Shop, code: &str, quantity: i64) -> TransferLineInput {
    TransferLineInput {
        product: s.till.find_product(code).unwrap().unwrap(),
        quantity: Quantity::units(quantity),
    }
}

fn stock(s: &Shop, code: &str) -> Quantity {
    s.till.find_product(code).unwrap().unwrap().stock
}

#[test]
fn stock_sent_leaves_at_once_and_comes_back_when_the_transfer_is_cancelled() {
    let mut s = shop();
    let to = uptown(&mut s);
    assert_eq!(s.till.other_stores().unwrap()[0].store_name, UPTOWN);
    let sent = s
        .till
        .send_transfer(
            &s.manager,
            "corner market - uptown",
            &[line(&s, MILK, 4), line(&s, CHOC, 2), line(&s, MILK, 1)],
            "for the weekend",
        )
        .unwrap();
    assert_eq!(sent.transfer_number, "T1-TR000001");
    assert_eq!(sent.status, TransferStatus::InTransit);
    assert_eq!(sent.to_store_id, to);
    assert!(!sent.incoming);
    assert_eq!(sent.lines.len(), 2, "milk scanned twice is one line");
    assert_eq!(sent.lines[0].quantity_sent, Quantity::units(5));
    assert_eq!(
        (stock(&s, MILK), stock(&s, CHOC)),
        (Quantity::units(5), Quantity::units(4))
    );

    let ops = s.till.pending_operations(10_000).unwrap();
    let insert = ops
        .iter()
        .find(|op| op.collection == Collection::StockTransfers)
        .unwrap();
    assert_eq!(insert.op, Op::Insert);
    assert_eq!(insert.payload.get_str("status"), Ok("in_transit"));
    assert_eq!(
        insert.payload.get_object_id("to_store_id"),
        Ok(to.object_id())
    );
    let out: Vec<&Document> = ops
        .iter()
        .filter(|op| op.collection == Collection::StockMovements)
        .map(|op| &op.payload)
        .filter(|m| m.get_str("movement_type") == Ok("transfer_out"))
        .collect();
    assert_eq!(out.len(), 2);
    assert!(out
        .iter()
        .all(|m| m.get_object_id("transaction_id") == Ok(sent.id.object_id())));
    assert_eq!(out[0].get_i64("quantity"), Ok(-5));

    refused(
        s.till
            .receive_transfer(&s.manager, &sent.transfer_number, None),
        "not_transfer_destination",
    );
    refused(
        s.till.cancel_transfer(&s.cashier, &sent.transfer_number),
        "permission_denied",
    );
    let cancelled = s
        .till
        .cancel_transfer(&s.manager, &sent.transfer_number)
        .unwrap();
    assert_eq!(cancelled.status, TransferStatus::Cancelled);
    assert_eq!(
        (stock(&s, MILK), stock(&s, CHOC)),
        (Quantity::units(10), Quantity::units(6))
    );
    let words = refused(
        s.till.cancel_transfer(&s.manager, &sent.transfer_number),
        "transfer_closed",
    );
    assert_eq!(words, "Transfer T1-TR000001 is cancelled already.");
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
    assert_eq!(s.till.transfers(None).unwrap().len(), 1);
}

#[test]
fn what_may_not_be_sent_is_refused_and_writes_nothing() {
    let mut s = shop();
    uptown(&mut s);
    let own = s.till.store().id.to_string();
    let only_here = s
        .till
        .add_product(
            &s.admin,
            &NewProduct {
                sku: "HERE-1".into(),
                product_name: "Local Honey".into(),
                price: Money::from_minor(899),
                stock: Quantity::units(5),
                only_this_store: true,
                ..NewProduct::default()
            },
        )
        .unwrap();
    let before = snapshot(s.dir.path());
    let milk = [line(&s, MILK, 1)];
    refused(
        s.till.send_transfer(&s.manager, &own, &milk, ""),
        "same_store",
    );
    let name = s.till.store().store_name.clone();
    refused(
        s.till.send_transfer(&s.manager, &name, &milk, ""),
        "same_store",
    );
    // Another business's store is one that does not exist.
    let words = refused(
        s.till
            .send_transfer(&s.manager, &Id::new().to_string(), &milk, ""),
        "unknown_store",
    );
    assert!(
        words.starts_with("No other store of this business"),
        "{words}"
    );
    refused(
        s.till.send_transfer(&s.manager, UPTOWN, &[], ""),
        "transfer_empty",
    );
    refused(
        s.till
            .send_transfer(&s.manager, UPTOWN, &[line(&s, MILK, 0)], ""),
        "bad_quantity",
    );
    refused(
        s.till
            .send_transfer(&s.manager, UPTOWN, &[line(&s, MILK, -2)], ""),
        "bad_quantity",
    );
    let honey = [TransferLineInput {
        product: only_here,
        quantity: Quantity::units(1),
    }];
    let words = refused(
        s.till.send_transfer(&s.manager, UPTOWN, &honey, ""),
        "product_of_one_store",
    );
    assert_eq!(
        words,
        "Local Honey is sold only at this store: it cannot be sent to another."
    );
    refused(
        s.till.send_transfer(&s.cashier, UPTOWN, &milk, ""),
        "permission_denied",
    );
    refused(s.till.transfer("T1-TR000001"), "unknown_transfer");
    assert_eq!(snapshot(s.dir.path()), before);
}

/// A transfer from Uptown to this store, as the pull brings it.
fn incoming(s: &mut Shop, from: Id, items: &[(&str, i64)]) -> StockTransferDoc {
    let at = chrono::Utc::now();
    let doc = StockTransferDoc {
        id: Id::new(),
        business_id: s.till.business().id,
        from_store_id: from,
        to_store_id: s.till.store().id,
        transfer_number: "T7-TR000003".into(),
        status: TransferStatus::InTransit,
        items: items
            .iter()
            .map(|(code, quantity)| TransferItemDoc {
                product_id: s.till.find_product(code).unwrap().unwrap().id,
                quantity_sent: Quantity::units(*quantity),
                quantity_received: Quantity::units(0),
            })
            .collect(),
        note: String::new(),
        sent_by: Some(Id::new()),
        received_by: None,
        received_at: None,
        created_at: at,
        updated_at: at,
    };
    pull(s, Collection::StockTransfers, doc.to_document());
    doc
}

#[test]
fn a_transfer_is_received_once_with_what_did_not_come_recorded() {
    let mut s = shop();
    let from = uptown(&mut s);
    let doc = incoming(&mut s, from, &[(MILK, 6), (CHOC, 3)]);
    assert_eq!(
        s.till.in_transit_to_here().unwrap()[&doc.items[0].product_id],
        Quantity::units(6)
    );
    let number = doc.transfer_number.clone();
    let seen = s.till.transfer(&number).unwrap();
    assert!(seen.incoming);
    assert_eq!(seen.from_store_name, UPTOWN);

    let before = snapshot(s.dir.path());
    refused(
        s.till
            .receive_transfer(&s.manager, &number, Some(&[line(&s, MILK, 7)])),
        "more_than_sent",
    );
    refused(
        s.till
            .receive_transfer(&s.manager, &number, Some(&[line(&s, CABLE, 1)])),
        "not_on_transfer",
    );
    refused(
        s.till
            .receive_transfer(&s.manager, &number, Some(&[line(&s, MILK, 0)])),
        "bad_quantity",
    );
    refused(
        s.till.cancel_transfer(&s.manager, &number),
        "not_transfer_source",
    );
    assert_eq!(snapshot(s.dir.path()), before);

    let received = s
        .till
        .receive_transfer(
            &s.manager,
            &number,
            Some(&[line(&s, MILK, 3), line(&s, MILK, 2)]),
        )
        .unwrap();
    assert_eq!(received.status, TransferStatus::Received);
    assert_eq!(received.lines[0].quantity_received, Quantity::units(5));
    assert_eq!(received.lines[0].missing, Quantity::units(1));
    assert_eq!(received.lines[1].quantity_received, Quantity::units(0));
    assert_eq!(received.lines[1].missing, Quantity::units(3));
    assert_eq!(
        (stock(&s, MILK), stock(&s, CHOC)),
        (Quantity::units(15), Quantity::units(6))
    );
    assert!(s.till.in_transit_to_here().unwrap().is_empty());
    let words = refused(
        s.till.receive_transfer(&s.manager, &number, None),
        "transfer_closed",
    );
    assert_eq!(words, "Transfer T7-TR000003 is received already.");
    let update = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .rev()
        .find(|op| op.collection == Collection::StockTransfers)
        .unwrap();
    assert_eq!(update.op, Op::Update);
    assert_eq!(update.payload.get_str("status"), Ok("received"));
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());

    // Meanwhile Uptown, offline, cancelled it: the stock counts at both stores now.
    deliver_all(&mut s.till);
    let mut cancelled = doc.clone();
    cancelled.status = TransferStatus::Cancelled;
    cancelled.updated_at = chrono::Utc::now();
    pull(&mut s, Collection::StockTransfers, cancelled.to_document());
    let notes = s.till.notifications(true, 10).unwrap();
    let twice: Vec<_> = notes
        .iter()
        .filter(|n| n.kind == "transfer_closed_twice")
        .collect();
    assert_eq!(twice.len(), 1);
    assert!(
        twice[0]
            .message
            .contains("T7-TR000003 was received here and cancelled elsewhere"),
        "{}",
        twice[0].message
    );
}

#[test]
fn everything_sent_is_received_when_nothing_is_scanned() {
    let mut s = shop();
    let from = uptown(&mut s);
    let doc = incoming(&mut s, from, &[(MILK, 2), (CABLE, 1)]);
    let received = s
        .till
        .receive_transfer(&s.manager, &doc.transfer_number, None)
        .unwrap();
    assert!(received
        .lines
        .iter()
        .all(|l| l.missing == Quantity::units(0)));
    assert_eq!(
        (stock(&s, MILK), stock(&s, CABLE)),
        (Quantity::units(12), Quantity::units(2))
    );
}
