//! Store credit on a real till file: a return without a receipt refunded as credit, the
//! credit spent at the next sale, given back by a return or a void of that sale, and never
//! spent beyond what the customer holds.

mod common;

use common::*;
use sellsync_contract::documents::{CustomerPurchase, Op, PaymentKind};
use sellsync_contract::Quantity;
use sellsync_core::sell::cart::CartCustomer;
use sellsync_core::sell::returns::{NoReceiptRefund, ReturnWithoutReceipt, UnreceiptedLine};
use sellsync_core::staff::Approval;
use sellsync_core::{Cart, Currency, Customer, Money, Sale, Till};

fn alice(till: &Till, s: &Shop) -> Customer {
    till.find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap()
}

/// Two chocolates taken back without a receipt at 1.50 (3.27 with tax) as Alice's credit.
fn credit_alice(s: &mut Shop) -> Sale {
    let alice = alice(&s.till, s);
    let product = s.till.find_product(CHOC).unwrap().unwrap();
    let request = ReturnWithoutReceipt {
        lines: vec![UnreceiptedLine {
            product,
            quantity: Quantity::units(2),
            unit_price: usd("1.50"),
            damaged: false,
        }],
        reason: "Gift, no receipt".into(),
        refund: NoReceiptRefund::StoreCredit(alice.id),
        approval: Some(Approval {
            email: "manager@example.com",
            pin: "2345",
        }),
    };
    let preview = s
        .till
        .preview_return_without_receipt(&s.cashier, &request)
        .unwrap();
    assert_eq!(preview.refunds[0].method_name, "Store credit");
    s.till.return_without_receipt(&s.cashier, &request).unwrap()
}

fn milk_for_alice(s: &Shop, quantity: i64, credit: &str) -> Cart {
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, MILK, Quantity::units(quantity))
        .unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice(&s.till, s))));
    cart.use_store_credit(usd(credit));
    cart
}

#[test]
fn a_return_without_a_receipt_becomes_store_credit_and_is_spent_at_the_next_sale() {
    let mut s = shop();
    let expected_cash = |s: &Shop| s.till.x_report(&s.manager).unwrap().figures.expected_cash;
    let cash_before = expected_cash(&s);
    let back = credit_alice(&mut s);
    assert_eq!(back.total_amount, usd("3.27"));
    assert_eq!(back.customer_id, Some(alice(&s.till, &s).id));
    assert_eq!(back.payments[0].kind, PaymentKind::StoreCredit);
    assert_eq!(alice(&s.till, &s).store_credit, usd("3.27"));
    assert_eq!(expected_cash(&s), cash_before, "no cash left the drawer");
    // Central hears of it as a delta, as of points.
    let purchase = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .rev()
        .find(|op| op.op == Op::CustomerPurchase)
        .unwrap();
    let usd_currency = Currency::from_code("USD").unwrap();
    assert_eq!(
        CustomerPurchase::credit_of(&purchase.payload, &usd_currency),
        usd("3.27")
    );

    // More than she holds, more than is due, or with nobody on the sale: refused, nothing
    // written.
    let before = snapshot(s.dir.path());
    let cash = [tender(&s.till, "cash", None)];
    let err = s
        .till
        .complete_sale(&s.cashier, &milk_for_alice(&s, 2, "5.00"), &cash)
        .unwrap_err();
    assert_eq!(err.code(), "not_enough_credit");
    assert_eq!(
        err.to_string(),
        "The customer has 3.27 of store credit; 5.00 cannot be spent."
    );
    let mut chocolate = Cart::new();
    s.till
        .ring_up(&mut chocolate, CHOC, Quantity::units(1))
        .unwrap();
    chocolate.set_customer(Some(CartCustomer::Existing(alice(&s.till, &s))));
    chocolate.use_store_credit(usd("3.27"));
    let err = s.till.check_store_credit(&chocolate).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3.27 of store credit is more than the 2.17 left to pay."
    );
    let mut nobody = Cart::new();
    s.till
        .ring_up(&mut nobody, MILK, Quantity::units(1))
        .unwrap();
    nobody.use_store_credit(usd("1.00"));
    let err = s
        .till
        .complete_sale(&s.cashier, &nobody, &cash)
        .unwrap_err();
    assert_eq!(err.code(), "credit_without_customer");
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // Two milks (6.98): 3.27 from her credit, the rest in cash.
    let cart = milk_for_alice(&s, 2, "3.27");
    assert_eq!(s.till.balance(&cart, &[]).unwrap().remaining, usd("3.71"));
    let sale = s.till.complete_sale(&s.cashier, &cart, &cash).unwrap();
    let paid: Vec<(&str, Money)> = sale
        .payments
        .iter()
        .map(|p| (p.method_name.as_str(), p.amount))
        .collect();
    assert_eq!(paid, [("Store credit", usd("3.27")), ("Cash", usd("3.71"))]);
    assert_eq!(alice(&s.till, &s).store_credit, Money::ZERO);
    assert_eq!(
        sale.loyalty_points_earned, 6,
        "credit earns points as money does"
    );
}

#[test]
fn a_return_or_a_void_of_a_sale_paid_with_credit_gives_the_credit_back() {
    let mut s = shop();
    credit_alice(&mut s);
    let cash = [tender(&s.till, "cash", None)];
    let sale = s
        .till
        .complete_sale(&s.cashier, &milk_for_alice(&s, 2, "3.27"), &cash)
        .unwrap();

    // One milk of two back: half of each tender, the credit's half onto her credit.
    let back = s
        .till
        .return_items(&s.cashier, &take_back(sale.id, 0, 1, "Changed mind"))
        .unwrap();
    let credit_back = back
        .payments
        .iter()
        .find(|p| p.kind == PaymentKind::StoreCredit)
        .unwrap()
        .amount;
    assert_eq!(back.total_amount, usd("3.49"));
    assert_eq!(alice(&s.till, &s).store_credit, credit_back);
    assert!(
        credit_back > Money::ZERO && credit_back < usd("3.27"),
        "{credit_back:?}"
    );

    // A sale of the open shift voided: all the credit it spent comes back.
    let before = alice(&s.till, &s).store_credit;
    let sale = s
        .till
        .complete_sale(&s.cashier, &milk_for_alice(&s, 1, "1.00"), &cash)
        .unwrap();
    assert_eq!(
        alice(&s.till, &s).store_credit,
        before.checked_sub(usd("1.00")).unwrap()
    );
    s.till
        .void_sale(&s.manager, &sale.sale_number, "Rung up twice", None)
        .unwrap();
    assert_eq!(alice(&s.till, &s).store_credit, before);
}
