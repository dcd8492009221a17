//! Checkout against a real till database: what a sale writes, and what a refused one
//! does not.

mod common;

use common::{count, shop, snapshot, tender, usd, CABLE, CHOC, MILK};
use sellsync_contract::Quantity;
use sellsync_core::db::outbox::DeliveryState;
use sellsync_core::sell::tender::Tender;
use sellsync_core::{Cart, CartCustomer, Discount, Error, NewCustomer, Percent, Till};

#[test]
fn a_cash_sale_writes_the_sale_items_payment_movements_alerts_and_outbox_together() {
    let mut s = shop();
    let outbox_before = count(s.dir.path(), "outbox");
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    s.till
        .ring_up(&mut cart, "T-MILK", Quantity::units(1))
        .unwrap(); // by SKU: same line
    s.till.ring_up(&mut cart, CHOC, Quantity::units(1)).unwrap();
    s.till
        .ring_up(&mut cart, "0036000291452", Quantity::units(1))
        .unwrap(); // the UPC-A as EAN-13
    assert_eq!(cart.lines().len(), 3);

    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", Some("30"))])
        .unwrap();

    // 6.98 + 1.99 + 12.99; tax 17.66 -> 18 and 115.28 -> 115, rounded per line.
    assert_eq!(sale.subtotal, usd("21.96"));
    assert_eq!(sale.tax_total, usd("1.33"));
    assert_eq!(sale.total_amount, usd("23.29"));
    assert_eq!(sale.amount_tendered, usd("30"));
    assert_eq!(sale.change_due, usd("6.71"));
    assert_eq!(sale.payments.len(), 1);
    assert_eq!(sale.payments[0].amount, usd("23.29"), "cash net of change");
    assert_eq!(sale.payment_method, "Cash");
    assert_eq!(sale.sale_number, "T1-000001");
    assert_eq!(sale.cashier_name, "Priya Shah");
    assert_eq!(sale.items[0].quantity, Quantity::units(2));
    assert_eq!(sale.taxes.len(), 2);

    let dir = s.dir.path();
    assert_eq!(count(dir, "sales_transactions"), 1);
    assert_eq!(count(dir, "sale_items"), 3);
    assert_eq!(count(dir, "sale_payments"), 1);
    assert_eq!(count(dir, "stock_movements"), 3);
    let stock = |code| s.till.find_product(code).unwrap().unwrap().stock;
    assert_eq!(
        (stock(MILK), stock(CHOC), stock(CABLE)),
        (Quantity::units(8), Quantity::units(5), Quantity::units(0))
    );

    // Chocolate fell to its threshold (5) and the cable to its (0): two alerts.
    let notes = s.till.notifications(true, 10).unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(s.till.unread_notifications().unwrap(), 2);
    assert!(notes.iter().all(|n| n.kind == "low_stock"));
    assert!(notes.iter().any(|n| n.message.contains("Dark Chocolate")));

    // The outbox holds the sale and its journal entry, then its movements, then the
    // alerts, all pending.
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let new: Vec<_> = outbox.iter().skip(outbox_before as usize).collect();
    let collections: Vec<&str> = new.iter().map(|e| e.collection.as_str()).collect();
    assert_eq!(
        collections,
        [
            "sales_transactions",
            "journal_entries",
            "stock_movements", // milk: no alert
            "stock_movements", // chocolate
            "notifications",
            "stock_movements", // cable
            "notifications",
        ]
    );
    assert!(new.iter().all(|e| e.state == DeliveryState::Pending));
    assert!(new
        .windows(2)
        .all(|w| w[0].seq < w[1].seq && w[0].op_id < w[1].op_id));

    // The sale document speaks the central collection's language.
    let doc = &new[0].payload;
    assert_eq!(doc["_id"]["$oid"], sale.id.to_string());
    assert_eq!(doc["total_amount"]["$numberDecimal"], "23.29");
    assert_eq!(doc["items"][0]["unit_price"]["$numberDecimal"], "3.49");
    assert_eq!(doc["items"][0]["quantity"]["$numberLong"], "2");
    assert_eq!(doc["payment_method"], "Cash");
    assert_eq!(doc["transaction_status"], "completed");
    assert!(doc["created_at"]["$date"]["$numberLong"].is_string());
    assert_eq!(new[1].payload["subject_id"], sale.id.to_string());
    assert_eq!(new[1].payload["kind"], "sale");
    let movement = &new[2].payload;
    assert_eq!(movement["movement_type"], "sale");
    assert_eq!(movement["quantity"]["$numberLong"], "-2");
    assert_eq!(movement["transaction_id"]["$oid"], sale.id.to_string());

    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
    assert_eq!(
        s.till.sale(sale.id).unwrap().unwrap().total_amount,
        usd("23.29")
    );
}

#[test]
fn split_tenders_customers_and_loyalty_points() {
    let mut s = shop();
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@EXAMPLE.com")
        .unwrap()
        .unwrap();
    assert_eq!(
        s.till.find_customer(&s.cashier, "(987) 654-3210").unwrap(),
        None,
        "needs the 1"
    );
    assert_eq!(
        s.till
            .find_customer(&s.cashier, "+1 987-654-3210")
            .unwrap()
            .unwrap()
            .id,
        alice.id
    );

    // 10 x 12.99 + tax = 141.43: 100.00 on card, the rest in cash with change.
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, "T-CABLE", Quantity::units(10))
        .unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice.clone())));
    let sale = s
        .till
        .complete_sale(
            &s.cashier,
            &cart,
            &[
                tender(&s.till, "credit card", Some("100")),
                tender(&s.till, "Cash", Some("50")),
            ],
        )
        .unwrap();
    assert_eq!(sale.total_amount, usd("141.43"));
    assert_eq!(sale.change_due, usd("8.57"));
    assert_eq!(sale.payment_method, "Split");
    assert_eq!(sale.payments[1].amount, usd("41.43"));
    assert_eq!(sale.loyalty_points_earned, 141);
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(alice.loyalty_points, 141);

    // Spend 100 points (1.00) on the next sale; the card pays the rest exactly.
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice.clone())));
    cart.redeem_points(100);
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "debit-card", None)])
        .unwrap();
    assert_eq!(sale.payments[0].method_name, "Loyalty points");
    assert_eq!(sale.payments[0].amount, usd("1.00"));
    assert_eq!(sale.payments[1].amount, usd("2.49"));
    assert_eq!(sale.loyalty_points_earned, 2);
    assert_eq!(s.till.sale(sale.id).unwrap().unwrap(), sale, "as stored");
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(alice.loyalty_points, 141 - 100 + 2);
    assert_eq!(
        s.till.purchase_history(&s.cashier, alice.id).unwrap().len(),
        2
    );

    // The loyalty change travels as a delta, never as an absolute balance.
    let last = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let purchase = last
        .iter()
        .rev()
        .find(|e| e.op == "customer_purchase")
        .unwrap();
    assert_eq!(purchase.document_id, alice.id.to_string());
    assert_eq!(purchase.payload["loyalty_points"]["$numberLong"], "-98");
    assert_eq!(
        purchase.payload["transaction_id"]["$oid"],
        sale.id.to_string()
    );
}

#[test]
fn a_new_customer_is_created_with_the_sale() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(3)).unwrap();
    cart.set_customer(Some(CartCustomer::New(NewCustomer {
        name: "Zoë Kim".into(),
        phone: Some("+1 646 555 0188".into()),
        email: None,
    })));
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let zoe = s
        .till
        .find_customer(&s.cashier, "16465550188")
        .unwrap()
        .unwrap();
    assert_eq!(sale.customer_id, Some(zoe.id));
    assert_eq!(zoe.loyalty_points, 10);
    assert_eq!(sale.change_due, usd("0"));
}

#[test]
fn selling_more_than_in_stock_is_allowed_and_raises_an_oversold_alert() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(3))
        .unwrap();
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    assert_eq!(
        s.till.find_product(CABLE).unwrap().unwrap().stock,
        Quantity::units(-2)
    );
    let notes = s.till.notifications(true, 10).unwrap();
    let kinds: Vec<&str> = notes.iter().map(|n| n.kind.as_str()).collect();
    assert!(kinds.contains(&"oversold"), "{kinds:?}");
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn discounts_within_the_cashiers_limit_and_beyond() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, MILK, Quantity::units(10))
        .unwrap(); // 34.90, untaxed
    cart.set_discount(Some(Discount::Percent(Percent::parse("10").unwrap())));
    let before = snapshot(s.dir.path());
    let mut over = cart.clone();
    over.set_discount(Some(Discount::Amount(usd("3.50")))); // 10.03%
    let err = s
        .till
        .complete_sale(&s.cashier, &over, &[tender(&s.till, "cash", None)])
        .unwrap_err();
    assert!(matches!(err, Error::DiscountOverLimit { .. }), "{err}");
    // The screen asks the same question when the discount is keyed.
    assert!(matches!(
        s.till.check_cart(&s.cashier, &over),
        Err(Error::DiscountOverLimit { .. })
    ));
    s.till.check_cart(&s.cashier, &cart).unwrap();
    s.till.check_cart(&s.manager, &over).unwrap();
    let mut line_over = Cart::new();
    s.till
        .ring_up(&mut line_over, MILK, Quantity::units(1))
        .unwrap();
    line_over
        .set_line_discount(0, Some(Discount::Percent(Percent::parse("50").unwrap())))
        .unwrap();
    assert!(matches!(
        s.till
            .complete_sale(&s.cashier, &line_over, &[tender(&s.till, "cash", None)]),
        Err(Error::DiscountOverLimit { .. })
    ));
    assert_eq!(snapshot(s.dir.path()), before);

    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    assert_eq!(sale.discount_total, usd("3.49"));
    assert_eq!(sale.total_amount, usd("31.41"));
    // 10% of 19.97 rounds to 2.00 (10.02%): still the 10% the cashier keyed.
    let mut rounding = Cart::new();
    s.till
        .ring_up(&mut rounding, MILK, Quantity::units(2))
        .unwrap();
    s.till
        .ring_up(&mut rounding, "T-CABLE", Quantity::units(1))
        .unwrap();
    rounding.set_discount(Some(Discount::Percent(Percent::parse("10").unwrap())));
    let sale = s
        .till
        .complete_sale(&s.cashier, &rounding, &[tender(&s.till, "cash", None)])
        .unwrap();
    // Discounts and the taxes per rate read back as they were priced.
    assert_eq!(sale.taxes.len(), 2);
    assert_eq!(s.till.sale(sale.id).unwrap().unwrap(), sale);
    // A manager has no cap.
    let sale = s
        .till
        .complete_sale(&s.manager, &line_over, &[tender(&s.till, "cash", None)])
        .unwrap();
    assert_eq!(sale.total_amount, usd("1.74")); // 50% of 3.49 = 1.745, rounds to 1.75 off
}

#[test]
fn refused_sales_change_nothing() {
    let mut s = shop();
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    // Another business's customer (another till's file, another tenant).
    let other = shop();
    let theirs = other
        .till
        .find_customer(&other.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap(); // 6.98
    let before = snapshot(s.dir.path());

    // The wrong code, quantity or cart never reaches the database.
    assert!(matches!(
        s.till
            .ring_up(&mut cart.clone(), "0000000000000", Quantity::units(1)),
        Err(Error::UnknownProduct(_))
    ));
    assert!(matches!(
        s.till.ring_up(&mut cart.clone(), MILK, Quantity::units(0)),
        Err(Error::BadQuantity { .. })
    ));
    assert!(matches!(
        s.till.ring_up(&mut cart.clone(), MILK, Quantity::units(-3)),
        Err(Error::BadQuantity { .. })
    ));
    assert!(matches!(
        cart.clone().set_quantity(5, Quantity::units(1)),
        Err(Error::NoSuchLine(6))
    ));

    let cash = |a: Option<&str>| tender(&s.till, "cash", a);
    let card = |a: Option<&str>| tender(&s.till, "credit card", a);
    type Case = (&'static str, Cart, Vec<Tender>, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        ("empty cart", Cart::new(), vec![cash(None)], |e| {
            matches!(e, Error::EmptyCart)
        }),
        ("short", cart.clone(), vec![cash(Some("5"))], |e| {
            matches!(e, Error::TenderShort { .. })
        }),
        ("no tender", cart.clone(), vec![], |e| {
            matches!(e, Error::TenderShort { .. })
        }),
        ("card over", cart.clone(), vec![card(Some("10"))], |e| {
            matches!(e, Error::NonCashOverpay { .. })
        }),
        (
            "two open",
            cart.clone(),
            vec![cash(None), card(None)],
            |e| matches!(e, Error::SeveralOpenTenders),
        ),
        (
            "zero",
            cart.clone(),
            vec![cash(Some("0")), card(None)],
            |e| matches!(e, Error::ZeroTender),
        ),
        (
            "points without customer",
            {
                let mut c = cart.clone();
                c.redeem_points(10);
                c
            },
            vec![cash(None)],
            |e| matches!(e, Error::PointsWithoutCustomer),
        ),
        (
            "more points than she has",
            {
                let mut c = cart.clone();
                c.set_customer(Some(CartCustomer::Existing(alice.clone())));
                c.redeem_points(50);
                c
            },
            vec![cash(None)],
            |e| {
                matches!(
                    e,
                    Error::NotEnoughPoints {
                        available: 0,
                        requested: 50
                    }
                )
            },
        ),
        (
            // A customer new with the sale has no points yet.
            "new customer, then too many points",
            {
                let mut c = cart.clone();
                c.set_customer(Some(CartCustomer::New(NewCustomer {
                    name: "Sam".into(),
                    email: Some("sam@example.com".into()),
                    phone: None,
                })));
                c.redeem_points(1);
                c
            },
            vec![cash(None)],
            |e| {
                matches!(
                    e,
                    Error::NotEnoughPoints {
                        available: 0,
                        requested: 1
                    }
                )
            },
        ),
        (
            "another business's customer",
            {
                let mut c = cart.clone();
                c.set_customer(Some(CartCustomer::Existing(theirs.clone())));
                c
            },
            vec![cash(None)],
            |e| matches!(e, Error::CustomerGone),
        ),
        (
            "customer already exists",
            {
                let mut c = cart.clone();
                c.set_customer(Some(CartCustomer::New(NewCustomer {
                    name: "Alice again".into(),
                    email: Some("ALICE@example.com".into()),
                    phone: None,
                })));
                c
            },
            vec![cash(None)],
            |e| matches!(e, Error::InvalidCustomer(_)),
        ),
    ];
    for (name, cart, tenders, expected) in cases {
        let err = s
            .till
            .complete_sale(&s.cashier, &cart, &tenders)
            .unwrap_err();
        assert!(expected(&err), "{name}: got {err:?}");
        assert!(!err.to_string().is_empty());
        assert_eq!(snapshot(s.dir.path()), before, "{name} wrote something");
        if name.contains("points") {
            // The pay dialog is told as the points are keyed.
            let early = s.till.check_points(&cart).unwrap_err();
            assert!(expected(&early), "{name} when keyed: got {early:?}");
        }
    }

    // Overflowing amounts are refused before anything is written.
    let mut huge = Cart::new();
    s.till
        .ring_up(&mut huge, MILK, Quantity::units(100_000))
        .unwrap();
    assert!(
        s.till.ring_up(&mut huge, MILK, Quantity::units(1)).is_err(),
        "over the line maximum"
    );
    assert_eq!(snapshot(s.dir.path()), before);
}

#[test]
fn tender_messages_speak_money() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    let err = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", Some("5"))])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "The payment of 5.00 does not cover the total of 6.98: 1.98 still due."
    );
    let err = s.till.payment_method("bitcoin").unwrap_err();
    assert_eq!(
        err.to_string(),
        "No payment method is called \"bitcoin\"; this till takes Cash, Credit Card, Debit Card."
    );
}

#[test]
fn sale_numbers_continue_after_reopening() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let first = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let dir = s.dir.path().to_owned();
    drop(s.till);

    let mut till = Till::open(&dir).unwrap();
    // The sale read back after reopening is the sale `complete_sale` returned.
    assert_eq!(till.sale(first.id).unwrap().unwrap(), first);
    let cashier = till
        .sign_in(
            "cashier@example.com",
            sellsync_core::Credential::Pin("1111"),
        )
        .unwrap();
    let second = till
        .complete_sale(&cashier, &cart, &[tender(&till, "cash", None)])
        .unwrap();
    assert_eq!(second.sale_number, "T1-000002");
    assert_eq!(
        till.find_product(MILK).unwrap().unwrap().stock,
        Quantity::units(8)
    );
}

#[test]
fn the_day_report_adds_up_the_days_sales() {
    let mut s = shop();
    for (code, qty, method) in [
        (MILK, 2, "cash"),
        (CHOC, 3, "credit card"),
        (CABLE, 1, "cash"),
    ] {
        let mut cart = Cart::new();
        s.till
            .ring_up(&mut cart, code, Quantity::units(qty))
            .unwrap();
        s.till
            .complete_sale(&s.cashier, &cart, &[tender(&s.till, method, None)])
            .unwrap();
    }
    assert!(matches!(
        s.till.day_report(&s.cashier, s.till.today()),
        Err(Error::PermissionDenied { .. })
    ));
    let report = s.till.day_report(&s.manager, s.till.today()).unwrap();
    assert_eq!(report.sales, 3);
    assert_eq!(report.items_sold, 6);
    // 6.98 + (5.97 + 0.53) + (12.99 + 1.15)
    assert_eq!(report.total, usd("27.62"));
    assert_eq!(report.tax, usd("1.68"));
    let cash = report
        .by_payment_method
        .iter()
        .find(|m| m.method_name == "Cash")
        .unwrap();
    assert_eq!((cash.payments, cash.amount), (2, usd("21.12")));
    let yesterday = s.till.today().pred_opt().unwrap();
    assert_eq!(s.till.day_report(&s.manager, yesterday).unwrap().sales, 0);
}

#[test]
fn the_balance_of_a_split_payment() {
    let s = shop();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, "T-CABLE", Quantity::units(10))
        .unwrap(); // 141.43 with tax
    let card = tender(&s.till, "credit card", Some("100"));
    let b = s.till.balance(&cart, std::slice::from_ref(&card)).unwrap();
    assert_eq!(
        (b.due, b.paid, b.remaining, b.change),
        (usd("141.43"), usd("100"), usd("41.43"), usd("0"))
    );
    let cash = tender(&s.till, "cash", Some("50"));
    let b = s.till.balance(&cart, &[card.clone(), cash]).unwrap();
    assert_eq!((b.remaining, b.change), (usd("0"), usd("8.57")));
    let rest = tender(&s.till, "cash", None);
    let b = s.till.balance(&cart, &[card, rest]).unwrap();
    assert_eq!(
        (b.paid, b.remaining, b.change),
        (usd("141.43"), usd("0"), usd("0"))
    );
}
