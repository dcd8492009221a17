//! Returns on a real till file: what comes back, what goes back to which tender and to the
//! customer's points, who must approve, and that a refused return writes nothing.

mod common;

use common::*;
use rusqlite::Connection;
use sellsync_contract::Quantity;
use sellsync_core::printing::receipt::{layout, Paper};
use sellsync_core::sell::cart::CartCustomer;
use sellsync_core::sell::returns::{
    NoReceiptRefund, ReturnLine, ReturnOfSale, ReturnWithoutReceipt, UnreceiptedLine,
};
use sellsync_core::staff::Approval;
use sellsync_core::{Cart, Discount, Money, Percent, Sale, Tender, Till};

fn line(line: usize, quantity: i64) -> ReturnLine {
    ReturnLine {
        line,
        quantity: Quantity::units(quantity),
        damaged: false,
    }
}

fn of(sale: &Sale, lines: Vec<ReturnLine>) -> ReturnOfSale<'static> {
    ReturnOfSale {
        sale_id: sale.id,
        lines,
        reason: "Changed mind".into(),
        refunds: Vec::new(),
        approval: None,
    }
}

/// 3 milk, 4 chocolate (8.875%) and a cable with a 10% line discount and a 5.00 cart
/// discount, paid 20.00 by card and the rest in cash.
fn discounted_sale(s: &mut Shop) -> Sale {
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(3)).unwrap();
    s.till.ring_up(&mut cart, CHOC, Quantity::units(4)).unwrap();
    let cable = s
        .till
        .ring_up(&mut cart, CABLE, Quantity::units(1))
        .unwrap();
    cart.set_line_discount(
        cable,
        Some(Discount::Percent(Percent::parse("10").unwrap())),
    )
    .unwrap();
    cart.set_discount(Some(Discount::Amount(usd("5.00"))));
    s.till
        .complete_sale(
            &s.manager,
            &cart,
            &[
                tender(&s.till, "credit card", Some("20")),
                tender(&s.till, "cash", None),
            ],
        )
        .unwrap()
}

fn stock(till: &Till, code: &str) -> Quantity {
    till.find_product(code).unwrap().unwrap().stock
}

#[test]
fn two_returns_of_one_sale_give_back_exactly_its_total_and_tax() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let milk_before = stock(&s.till, MILK);

    let first = s
        .till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1), line(1, 3)]))
        .unwrap();
    assert!(first.is_return());
    assert_eq!(first.sale_number, "T1-R000001");
    assert_eq!(first.original_transaction_id, Some(sale.id));
    assert_eq!(
        stock(&s.till, MILK),
        milk_before + Quantity::units(1),
        "back on the shelf"
    );
    let seen = s.till.returnable(&s.cashier, &sale.sale_number).unwrap();
    let left: Vec<i64> = seen.lines.iter().map(|l| l.left.whole().unwrap()).collect();
    assert_eq!(left, [2, 1, 1]);
    assert_eq!(seen.refunded, first.total_amount);

    let second = s
        .till
        .return_items(
            &s.cashier,
            &of(&sale, vec![line(0, 2), line(1, 1), line(2, 1)]),
        )
        .unwrap();
    assert_eq!(second.sale_number, "T1-R000002");
    assert_eq!(
        first.total_amount.checked_add(second.total_amount).unwrap(),
        sale.total_amount,
        "to the cent"
    );
    assert_eq!(
        first.tax_total.checked_add(second.tax_total).unwrap(),
        sale.tax_total
    );
    // Back to each tender exactly what it paid.
    for method in ["Credit Card", "Cash"] {
        let paid = sale
            .payments
            .iter()
            .find(|p| p.method_name == method)
            .unwrap()
            .amount;
        let back: i64 = [&first, &second]
            .iter()
            .flat_map(|r| &r.payments)
            .filter(|p| p.method_name == method)
            .map(|p| p.amount.minor())
            .sum();
        assert_eq!(back, paid.minor(), "{method}");
    }
    assert_eq!(
        s.till.sale(second.id).unwrap().unwrap(),
        second,
        "as stored"
    );

    // Nothing is left to return.
    let err = s
        .till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1)]))
        .unwrap_err();
    assert_eq!(err.code(), "over_return");
    assert_eq!(
        err.to_string(),
        "1 × Test Whole Milk 1 L cannot be returned: 3 sold, 3 returned already, so at most 0 more."
    );

    // The return travels as a sales_transactions document of its own.
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let doc = outbox
        .iter()
        .find(|e| e.document_id == second.id.to_string())
        .unwrap();
    assert_eq!(doc.collection.as_str(), "sales_transactions");
    assert_eq!(doc.payload["transaction_type"], "return");
    assert_eq!(
        doc.payload["original_transaction_id"]["$oid"],
        sale.id.to_string()
    );
    assert_eq!(
        doc.payload["items"][0]["original_line_no"]["$numberLong"],
        "1"
    );
    assert_eq!(doc.payload["reason"], "Changed mind");
}

#[test]
fn a_damaged_item_is_written_off_not_put_back() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let before = stock(&s.till, CHOC);
    let mut request = of(&sale, vec![line(1, 2)]);
    request.lines[0].damaged = true;
    let back = s.till.return_items(&s.cashier, &request).unwrap();
    assert!(back.items[0].damaged);
    assert_eq!(stock(&s.till, CHOC), before, "not back in stock");
    let ledger = s.till.verify_stock_ledger().unwrap();
    assert!(ledger.mismatches.is_empty());
}

#[test]
fn loyalty_points_come_back_and_go_back_in_proportion() {
    let mut s = shop();
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    // Earn 141 points on 10 cables, then spend 100 of them on 2 cables.
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(10))
        .unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice.clone())));
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", Some("150"))])
        .unwrap();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(2))
        .unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice.clone())));
    cart.redeem_points(100);
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "debit card", None)])
        .unwrap();
    let points = |till: &Till| {
        till.find_customer(&s.cashier, "alice@example.com")
            .unwrap()
            .unwrap()
            .loyalty_points
    };
    let before_return = points(&s.till);
    assert_eq!(before_return, 141 - 100 + sale.loyalty_points_earned);

    // One cable back: half the points spent come back, half those earned go.
    let half = s
        .till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1)]))
        .unwrap();
    assert_eq!(half.loyalty_points_redeemed, 50, "given back");
    assert_eq!(half.loyalty_points_earned, sale.loyalty_points_earned / 2);
    let loyalty = half
        .payments
        .iter()
        .find(|p| p.method_name == "Loyalty points")
        .unwrap();
    assert_eq!(loyalty.amount, usd("0.50"), "the points' worth, as points");
    // The other cable: every point of the sale has moved back, exactly.
    s.till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1)]))
        .unwrap();
    assert_eq!(points(&s.till), 141, "as before the sale");
}

#[test]
fn refunds_go_only_to_what_the_sale_was_paid_with() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let card = sale.payments[0].amount;
    assert_eq!(card, usd("20.00"));

    // All to the card: more than it paid.
    let mut request = of(&sale, vec![line(0, 3), line(1, 4), line(2, 1)]);
    request.refunds = vec![tender(&s.till, "credit card", None)];
    let before = snapshot(s.dir.path());
    let err = s.till.return_items(&s.cashier, &request).unwrap_err();
    assert_eq!(err.code(), "refund_over_tender");
    assert_eq!(err.to_string(), "Credit Card can take back at most 20.00.");

    // To a method the sale was not paid with.
    request.refunds = vec![tender(&s.till, "debit card", None)];
    let err = s.till.return_items(&s.cashier, &request).unwrap_err();
    assert_eq!(err.code(), "refund_method_not_paid");
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // One milk back, all of it to the card, as chosen.
    let mut request = of(&sale, vec![line(0, 1)]);
    request.refunds = vec![tender(&s.till, "credit card", None)];
    let back = s.till.return_items(&s.cashier, &request).unwrap();
    assert_eq!(back.payments.len(), 1);
    assert_eq!(back.payment_method, "Credit Card");
    let seen = s.till.returnable(&s.cashier, &sale.id.to_string()).unwrap();
    let card_left = seen.tenders[0]
        .paid
        .checked_sub(seen.tenders[0].refunded)
        .unwrap();
    assert_eq!(card_left, card.checked_sub(back.total_amount).unwrap());
}

#[test]
fn a_manager_approves_what_a_cashier_may_not_refund_alone() {
    let mut s = shop();
    // 10 cables: 141.43, over the cashier limit of 100.00.
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(10))
        .unwrap();
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let all = || of(&sale, vec![line(0, 10)]);
    let before = snapshot(s.dir.path());
    let err = s.till.return_items(&s.cashier, &all()).unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert!(
        err.to_string()
            .contains("the refund of 141.43 is over the cashier limit of 100.00"),
        "{err}"
    );
    let mut wrong = all();
    wrong.approval = Some(Approval {
        email: "manager@example.com",
        pin: "9999",
    });
    assert_eq!(
        s.till.return_items(&s.cashier, &wrong).unwrap_err().code(),
        "wrong_secret"
    );
    let mut cashier = all();
    cashier.approval = Some(Approval {
        email: "cashier@example.com",
        pin: "1111",
    });
    assert_eq!(
        s.till
            .return_items(&s.cashier, &cashier)
            .unwrap_err()
            .code(),
        "approver_not_manager"
    );
    // Only the wrong PIN's count was written (the manager's lockout counter).
    assert_eq!(
        count(s.dir.path(), "sales_transactions"),
        before["sales_transactions"].len() as i64
    );

    let mut approved = all();
    approved.approval = Some(Approval {
        email: "manager@example.com",
        pin: "2345",
    });
    let back = s.till.return_items(&s.cashier, &approved).unwrap();
    assert_eq!(back.approved_by, Some(s.manager.user_id()));
    assert_eq!(back.total_amount, sale.total_amount);
}

#[test]
fn past_the_return_window_a_manager_approves() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .execute(
            "UPDATE sales_transactions SET created_at = '2026-01-02T10:00:00.000Z' WHERE _id = ?1",
            [sale.id.to_string()],
        )
        .unwrap();
    let err = s
        .till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1)]))
        .unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert!(
        err.to_string().contains("past the 30-day return window"),
        "{err}"
    );
    // A manager at the till approves by doing it.
    let back = s
        .till
        .return_items(&s.manager, &of(&sale, vec![line(0, 1)]))
        .unwrap();
    assert_eq!(back.approved_by, Some(s.manager.user_id()));
}

#[test]
fn a_return_without_a_receipt_is_a_managers_and_in_cash() {
    let mut s = shop();
    let product = s.till.find_product(CHOC).unwrap().unwrap();
    let cash = tender(&s.till, "cash", None);
    let card = tender(&s.till, "credit card", None);
    let request = |refund: &Tender| ReturnWithoutReceipt {
        lines: vec![UnreceiptedLine {
            product: product.clone(),
            quantity: Quantity::units(2),
            unit_price: usd("1.50"),
            damaged: false,
        }],
        reason: "Gift, no receipt".into(),
        refund: NoReceiptRefund::Cash(refund.clone()),
        approval: None,
    };
    let before = snapshot(s.dir.path());
    let err = s
        .till
        .return_without_receipt(&s.cashier, &request(&cash))
        .unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert!(err.to_string().contains("a return without a receipt"));
    let err = s
        .till
        .return_without_receipt(&s.manager, &request(&card))
        .unwrap_err();
    assert_eq!(err.code(), "no_receipt_refund_not_cash");
    let mut free = request(&cash);
    free.lines[0].unit_price = Money::ZERO;
    assert_eq!(
        s.till
            .return_without_receipt(&s.manager, &free)
            .unwrap_err()
            .code(),
        "return_price_missing"
    );
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    let stock_before = stock(&s.till, CHOC);
    let back = s
        .till
        .return_without_receipt(&s.manager, &request(&cash))
        .unwrap();
    // 2 × 1.50 + 8.875% tax.
    assert_eq!(back.total_amount, usd("3.27"));
    assert_eq!(back.original_transaction_id, None);
    assert_eq!(stock(&s.till, CHOC), stock_before + Quantity::units(2));
}

#[test]
fn bad_returns_are_refused_in_words_and_change_nothing() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let before = snapshot(s.dir.path());
    let cases: Vec<(ReturnOfSale, &str)> = vec![
        (of(&sale, vec![line(0, 4)]), "over_return"),
        (of(&sale, vec![line(0, 2), line(0, 2)]), "over_return"),
        (of(&sale, vec![line(7, 1)]), "no_such_line"),
        (of(&sale, vec![line(0, 0)]), "bad_quantity"),
        (of(&sale, vec![]), "nothing_to_return"),
        (
            ReturnOfSale {
                reason: "  ".into(),
                ..of(&sale, vec![line(0, 1)])
            },
            "return_reason_missing",
        ),
    ];
    for (request, code) in cases {
        let err = s.till.return_items(&s.cashier, &request).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
    }
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // A return is not returned again; a sale of another store is returned there.
    let back = s
        .till
        .return_items(&s.cashier, &of(&sale, vec![line(0, 1)]))
        .unwrap();
    let err = s
        .till
        .returnable(&s.cashier, &back.sale_number)
        .unwrap_err();
    assert_eq!(err.code(), "not_a_sale");
    let db = Connection::open(s.dir.path().join("till.sqlite3")).unwrap();
    db.execute_batch(
        "INSERT INTO stores (_id, business_id, store_name, created_at)
         SELECT '0000000000000000000000aa', business_id, 'Uptown', created_at FROM stores;",
    )
    .unwrap();
    db.execute(
        "UPDATE sales_transactions SET store_id = '0000000000000000000000aa' WHERE _id = ?1",
        [sale.id.to_string()],
    )
    .unwrap();
    let err = s
        .till
        .returnable(&s.cashier, &sale.sale_number)
        .unwrap_err();
    assert_eq!(err.code(), "sale_of_another_store");
}

#[test]
fn the_refund_receipt_says_refund() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let mut request = of(&sale, vec![line(1, 1)]);
    request.lines[0].damaged = true;
    let back = s.till.return_items(&s.cashier, &request).unwrap();
    let input = s.till.receipt_input(back.clone(), "", false).unwrap();
    let text = layout(&input, Paper::Mm80, &|_| true).to_text();
    assert!(text.contains("*** REFUND ***"), "{text}");
    assert!(text.contains(&format!("Refund {}", back.sale_number)));
    assert!(text.contains(&format!("Returns sale {}", sale.sale_number)));
    assert!(text.contains("Reason: Changed mind"));
    assert!(text.contains("Damaged: written off"));
}

#[test]
fn the_preview_shows_what_the_return_then_gives_and_writes_nothing() {
    let mut s = shop();
    let sale = discounted_sale(&mut s);
    let request = of(&sale, vec![line(0, 2), line(2, 1)]);
    let before = snapshot(s.dir.path());
    let preview = s.till.preview_return(&s.cashier, &request).unwrap();
    assert_eq!(before, snapshot(s.dir.path()), "a preview writes nothing");
    assert_eq!(preview.approval_needed, None, "under the cashier limit");
    let seen = s.till.returnable(&s.cashier, &sale.sale_number).unwrap();
    assert!(seen.voidable, "a sale of the open shift, nothing returned");

    let back = s.till.return_items(&s.cashier, &request).unwrap();
    assert_eq!(preview.total, back.total_amount);
    assert_eq!(preview.tax_total, back.tax_total);
    let given: Vec<(String, Money)> = back
        .payments
        .iter()
        .map(|p| (p.method_name.clone(), p.amount))
        .collect();
    let previewed: Vec<(String, Money)> = preview
        .refunds
        .iter()
        .map(|r| (r.method_name.clone(), r.amount))
        .collect();
    assert_eq!(previewed, given);
    let seen = s.till.returnable(&s.cashier, &sale.sale_number).unwrap();
    assert!(!seen.voidable, "something of it came back: a return now");

    // More than is left is refused by the preview as by the return.
    let err = s
        .till
        .preview_return(&s.cashier, &of(&sale, vec![line(0, 2)]))
        .unwrap_err();
    assert_eq!(err.code(), "over_return");
}

#[test]
fn the_preview_says_when_a_manager_must_approve() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(10))
        .unwrap();
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let request = of(&sale, vec![line(0, 10)]);
    let preview = s.till.preview_return(&s.cashier, &request).unwrap();
    assert!(
        preview
            .approval_needed
            .as_deref()
            .is_some_and(|why| why.contains("over the cashier limit")),
        "{preview:?}"
    );
    let preview = s.till.preview_return(&s.manager, &request).unwrap();
    assert_eq!(
        preview.approval_needed, None,
        "a manager approves their own"
    );

    let product = s.till.find_product(CHOC).unwrap().unwrap();
    let no_receipt = ReturnWithoutReceipt {
        lines: vec![UnreceiptedLine {
            product,
            quantity: Quantity::units(2),
            unit_price: usd("1.50"),
            damaged: false,
        }],
        reason: String::new(),
        refund: NoReceiptRefund::Cash(tender(&s.till, "cash", None)),
        approval: None,
    };
    let preview = s
        .till
        .preview_return_without_receipt(&s.cashier, &no_receipt)
        .unwrap();
    assert_eq!(preview.total, usd("3.27"));
    assert_eq!(
        preview.approval_needed.as_deref(),
        Some("a return without a receipt")
    );
}
