//! Parked sales on a real till file: parked with a note, listed, taken up (claimed) and
//! completed, kept over a restart and a shift's close, put back, parked again, and what
//! arrives from the store's other tills: a parked sale to take up here, one taken up
//! there, and the same one completed at two tills that were offline together.

mod common;

use bson::oid::ObjectId;
use bson::Document;
use common::*;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::change::CentralChange;
use sellsync_contract::documents::{Collection, ParkedStatus};
use sellsync_contract::Quantity;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::sell::cart::CartCustomer;
use sellsync_core::shift::IfParked;
use sellsync_core::{Cart, Discount, Error, NewCustomer, Percent, Till};

/// The latest outbox payload of `collection` for the document `id`, as sent.
fn last_payload(s: &Shop, collection: Collection, id: &str) -> (String, Document) {
    let db = rusqlite::Connection::open(s.dir.path().join("till.sqlite3")).unwrap();
    let (op, payload): (String, String) = db
        .query_row(
            "SELECT op, payload FROM outbox WHERE collection = ?1 AND document_id = ?2
             ORDER BY seq DESC LIMIT 1",
            [collection.name(), id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (op, payload_document(&payload))
}

fn from_central(s: &mut Shop, collection: Collection, document: Document) {
    s.till
        .apply_central_changes(
            &[CentralChange::Upsert {
                collection,
                document,
            }],
            None,
        )
        .unwrap();
}

/// Two milk at 10% off, a chocolate, 0.50 off the whole cart, for a known customer.
fn full_cart(s: &mut Shop) -> Cart {
    let mut cart = Cart::new();
    let milk = s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    s.till.ring_up(&mut cart, CHOC, Quantity::units(1)).unwrap();
    cart.set_line_discount(milk, Some(Discount::Percent(Percent::parse("10").unwrap())))
        .unwrap();
    cart.set_discount(Some(Discount::Amount(usd("0.50"))));
    let customer = s
        .till
        .add_customer(
            &s.manager,
            &NewCustomer {
                name: "Pat Parker".into(),
                phone: Some("+1 555 0100".into()),
                email: None,
            },
        )
        .unwrap();
    cart.set_customer(Some(CartCustomer::Existing(customer)));
    cart
}

#[test]
fn a_parked_cart_comes_back_whole_at_its_prices_and_completing_it_closes_it() {
    let mut s = shop();
    let cart = full_cart(&mut s);
    let total = s.till.price(&cart).unwrap().total;
    let parked = s
        .till
        .park(&s.cashier, &cart, "  red coat, back in 5 ")
        .unwrap();
    assert_eq!(parked.park_number, "T1-P000001");
    assert_eq!(parked.note, "red coat, back in 5");
    assert_eq!(parked.total_amount, total);
    assert_eq!(parked.status, ParkedStatus::Parked);
    let (op, doc) = last_payload(&s, Collection::ParkedSales, &parked.id.to_string());
    assert_eq!(op, "insert");
    assert_eq!(doc.get_str("park_number").unwrap(), "T1-P000001");
    assert_eq!(doc.get_array("items").unwrap().len(), 2);

    // The price of milk goes up while the customer is away: they pay what they were told.
    s.till
        .update_product(
            &s.manager,
            MILK,
            &ProductChanges {
                price: Some(usd("3.99")),
                ..Default::default()
            },
        )
        .unwrap();
    let listed = s.till.parked_sales().unwrap();
    assert_eq!(listed.len(), 1);
    let resumed = s.till.resume_parked(&s.cashier, "t1-p000001").unwrap();
    assert_eq!(resumed.parked_sale(), Some(parked.id));
    assert_eq!(resumed.lines().len(), 2);
    assert_eq!(resumed.lines()[0].product.price, usd("3.49"));
    assert_eq!(resumed.lines()[0].quantity, Quantity::units(2));
    assert_eq!(resumed.lines()[0].discount, cart.lines()[0].discount);
    assert_eq!(resumed.discount(), cart.discount());
    assert!(
        matches!(resumed.customer(), Some(CartCustomer::Existing(c)) if c.name == "Pat Parker")
    );
    assert_eq!(s.till.price(&resumed).unwrap().total, total);
    let (_, claim) = last_payload(&s, Collection::ParkedSales, &parked.id.to_string());
    assert_eq!(claim.get_str("status").unwrap(), "resumed");
    assert_eq!(
        claim.get_object_id("claimed_by_till").unwrap(),
        s.till.till_id().object_id()
    );

    let pay = [tender(&s.till, "Cash", None)];
    let sale = s.till.complete_sale(&s.cashier, &resumed, &pay).unwrap();
    assert_eq!(sale.total_amount, total);
    assert_eq!(sale.parked_sale_id, Some(parked.id));
    assert!(s.till.parked_sales().unwrap().is_empty());
    let (op, done) = last_payload(&s, Collection::ParkedSales, &parked.id.to_string());
    assert_eq!(op, "update");
    assert_eq!(done.get_str("status").unwrap(), "completed");
    assert_eq!(
        done.get_object_id("transaction_id").unwrap(),
        sale.id.object_id()
    );
    let (_, sale_doc) = last_payload(&s, Collection::SalesTransactions, &sale.id.to_string());
    assert_eq!(
        sale_doc.get_object_id("parked_sale_id").unwrap(),
        parked.id.object_id()
    );

    // Completed: it cannot be taken up again or discarded.
    let err = s.till.resume_parked(&s.cashier, "T1-P000001").unwrap_err();
    assert_eq!(err.code(), "parked_sale_closed", "{err}");
    let err = s
        .till
        .discard_parked_sale(&s.cashier, "T1-P000001")
        .unwrap_err();
    assert_eq!(err.code(), "parked_sale_closed");
}

#[test]
fn bad_parking_is_refused_and_writes_nothing() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    let err = s
        .till
        .park(&s.cashier, &Cart::new(), "nothing")
        .unwrap_err();
    assert!(matches!(err, Error::EmptyCart), "{err}");
    let err = s.till.resume_parked(&s.cashier, "T1-P000042").unwrap_err();
    assert_eq!(err.code(), "unknown_parked_sale");
    assert!(err.to_string().contains("T1-P000042"), "{err}");
    // A discount beyond a cashier's limit is refused at parking as at payment.
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    cart.set_discount(Some(Discount::Percent(Percent::parse("90").unwrap())));
    let err = s.till.park(&s.cashier, &cart, "").unwrap_err();
    assert_eq!(err.code(), "discount_over_limit", "{err}");
    assert_eq!(snapshot(s.dir.path()), before);
}

#[test]
fn a_customer_new_with_the_cart_is_saved_when_it_is_parked() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    cart.set_customer(Some(CartCustomer::New(NewCustomer {
        name: "New Person".into(),
        phone: Some("+1 555 0199".into()),
        email: None,
    })));
    let parked = s.till.park(&s.cashier, &cart, "").unwrap();
    let saved = s
        .till
        .find_customer(&s.cashier, "+1 555 0199")
        .unwrap()
        .unwrap();
    assert_eq!(parked.customer_id, Some(saved.id));
    let cart = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap();
    assert!(matches!(cart.customer(), Some(CartCustomer::Existing(c)) if c.id == saved.id));
}

#[test]
fn parked_sales_survive_a_restart_and_a_close_that_says_so() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let parked = s.till.park(&s.cashier, &cart, "at the door").unwrap();
    drop(s.till);
    s.till = Till::open(s.dir.path()).unwrap();
    let listed = s.till.parked_sales().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, parked.id);
    assert_eq!(listed[0].note, "at the door");

    // Closing over it is asked about, and nothing is written until the cashier says.
    let counted =
        CashCount::amount(s.till.x_report(&s.manager).unwrap().figures.expected_cash).unwrap();
    let before = snapshot(s.dir.path());
    let err = s
        .till
        .close_shift(&s.cashier, &counted, None, IfParked::Ask)
        .unwrap_err();
    assert!(matches!(err, Error::ParkedSalesWaiting(1)), "{err}");
    assert_eq!(snapshot(s.dir.path()), before);
    s.till
        .close_shift(&s.cashier, &counted, None, IfParked::Keep)
        .unwrap();
    assert_eq!(
        s.till.parked_sales().unwrap().len(),
        1,
        "kept for the next shift"
    );

    s.till
        .open_shift(&s.cashier, &CashCount::amount(usd("100.00")).unwrap())
        .unwrap();
    let cart = s
        .till
        .resume_parked(&s.cashier, &parked.id.to_string())
        .unwrap();
    let pay = [tender(&s.till, "Credit Card", None)];
    let sale = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    assert_eq!(sale.parked_sale_id, Some(parked.id));
}

#[test]
fn a_cart_taken_up_is_put_back_or_parked_again_under_its_number() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let parked = s.till.park(&s.cashier, &cart, "first").unwrap();

    // Taken up, then the cart is cleared: it waits again, unclaimed.
    let taken = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap();
    assert_eq!(
        s.till.parked_sales().unwrap()[0].status,
        ParkedStatus::Resumed
    );
    s.till.release_parked(&s.cashier, &taken).unwrap();
    let listed = s.till.parked_sales().unwrap();
    assert_eq!(listed[0].status, ParkedStatus::Parked);
    assert_eq!(listed[0].claimed_by_till, None);

    // Taken up, one more item, parked again: the same parked sale, one row.
    let mut taken = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap();
    s.till
        .ring_up(&mut taken, CHOC, Quantity::units(2))
        .unwrap();
    let again = s.till.park(&s.cashier, &taken, "second").unwrap();
    assert_eq!(again.id, parked.id);
    assert_eq!(again.park_number, "T1-P000001");
    assert_eq!(again.note, "second");
    assert_eq!(again.items.len(), 2);
    assert_eq!(count(s.dir.path(), "parked_sales"), 1);

    // Discarded: gone from the list, and not to be taken up.
    let gone = s
        .till
        .discard_parked_sale(&s.cashier, &parked.park_number)
        .unwrap();
    assert_eq!(gone.status, ParkedStatus::Discarded);
    assert!(s.till.parked_sales().unwrap().is_empty());
    let err = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap_err();
    assert!(err.to_string().contains("discarded"), "{err}");
}

#[test]
fn another_tills_parked_sale_is_taken_up_here_unless_it_was_taken_up_there() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(3)).unwrap();
    let parked = s.till.park(&s.cashier, &cart, "pram").unwrap();
    let (_, mut doc) = last_payload(&s, Collection::ParkedSales, &parked.id.to_string());
    s.till
        .discard_parked_sale(&s.cashier, &parked.park_number)
        .unwrap();
    deliver_all(&mut s.till);

    // The same document, as parked at another till of the store (another id and number).
    let other_till = ObjectId::new();
    let id = ObjectId::new();
    doc.insert("_id", id);
    doc.insert("till_id", other_till);
    doc.insert("park_number", "T2-P000004");
    from_central(&mut s, Collection::ParkedSales, doc.clone());
    let listed = s.till.parked_sales().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].park_number, "T2-P000004");

    // Taken up there first (the claim arrives): refused here, naming the other till.
    let mut claimed = doc.clone();
    claimed.insert("status", "resumed");
    claimed.insert("claimed_by_till", other_till);
    claimed.insert("claimed_at", bson::DateTime::now());
    from_central(&mut s, Collection::ParkedSales, claimed);
    assert!(s.till.parked_sales().unwrap().is_empty());
    let err = s.till.resume_parked(&s.cashier, "T2-P000004").unwrap_err();
    assert_eq!(err.code(), "parked_sale_taken", "{err}");

    // Put back there: taken up and completed here.
    from_central(&mut s, Collection::ParkedSales, doc.clone());
    let cart = s.till.resume_parked(&s.cashier, "T2-P000004").unwrap();
    assert_eq!(cart.lines()[0].quantity, Quantity::units(3));
    // The central document arriving again meanwhile does not undo the claim not yet sent.
    from_central(&mut s, Collection::ParkedSales, doc);
    let listed = s.till.parked_sales().unwrap();
    assert_eq!(listed[0].status, ParkedStatus::Resumed);
    assert_eq!(listed[0].claimed_by_till, Some(s.till.till_id()));
    let pay = [tender(&s.till, "Cash", None)];
    s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    let (_, done) = last_payload(&s, Collection::ParkedSales, &id.to_hex());
    assert_eq!(done.get_str("status").unwrap(), "completed");
}

#[test]
fn one_parked_sale_completed_at_two_tills_stands_twice_and_managers_are_told_once() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let parked = s.till.park(&s.cashier, &cart, "blue hat").unwrap();
    let cart = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap();
    let pay = [tender(&s.till, "Cash", None)];
    let here = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    let (_, mut there) = last_payload(&s, Collection::SalesTransactions, &here.id.to_string());
    deliver_all(&mut s.till);
    assert!(s
        .till
        .notifications(false, 50)
        .unwrap()
        .iter()
        .all(|n| n.kind != "parked_completed_twice"));

    // The other till, offline meanwhile, had taken it up too and completed it.
    there.insert("_id", ObjectId::new());
    there.insert("till_id", ObjectId::new());
    there.insert("sale_number", "T2-000009");
    there.remove("shift_id");
    for _ in 0..2 {
        from_central(&mut s, Collection::SalesTransactions, there.clone());
    }
    let told: Vec<_> = s
        .till
        .notifications(false, 50)
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "parked_completed_twice")
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    let message = &told[0].message;
    assert!(message.contains("T1-P000001"), "{message}");
    assert!(message.contains("blue hat"), "{message}");
    assert!(message.contains(&here.sale_number), "{message}");
    assert!(message.contains("T2-000009"), "{message}");
    // Both sales stand.
    assert_eq!(
        count(
            s.dir.path(),
            "sales_transactions WHERE parked_sale_id IS NOT NULL"
        ),
        2
    );
}
