//! Shifts on a real till file: the float, cash in and out, the X report, the blind count
//! and its approval, and the Z report, whose figures are recomputed here straight from
//! the till's tables.

mod common;

use common::*;
use rusqlite::Connection;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::ZReportDoc;
use sellsync_contract::z_report::{DrawerCount, ZReport};
use sellsync_contract::Quantity;
use sellsync_core::shift::report::CashMovementKind;
use sellsync_core::shift::IfParked;
use sellsync_core::staff::Approval;
use sellsync_core::{Cart, Currency, Money, Sale};

fn sell(s: &mut Shop, code: &str, quantity: i64, method: &str) -> Sale {
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, code, Quantity::units(quantity))
        .unwrap();
    let pay = [tender(&s.till, method, None)];
    s.till.complete_sale(&s.cashier, &cart, &pay).unwrap()
}

fn count(text: &str) -> CashCount {
    CashCount::parse(text, &Currency::from_code("USD").unwrap()).unwrap()
}

/// A shift's figures straight from the till file, by SQL: (sales total, returns total,
/// expected cash).
fn recomputed(s: &Shop, shift: &str) -> (i64, i64, i64) {
    let db = Connection::open(s.dir.path().join("till.sqlite3")).unwrap();
    let total = |kind: &str| -> i64 {
        db.query_row(
            "SELECT COALESCE(SUM(total_amount), 0) FROM sales_transactions
             WHERE shift_id = ?1 AND transaction_type = ?2",
            [shift, kind],
            |r| r.get(0),
        )
        .unwrap()
    };
    let cash = |kind: &str| -> i64 {
        db.query_row(
            "SELECT COALESCE(SUM(p.amount), 0) FROM sale_payments p
             JOIN sales_transactions t ON t._id = p.transaction_id
             WHERE t.shift_id = ?1 AND t.transaction_type = ?2 AND p.kind = 'cash'",
            [shift, kind],
            |r| r.get(0),
        )
        .unwrap()
    };
    let moved = |kind: &str| -> i64 {
        db.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM cash_movements WHERE shift_id = ?1 AND kind = ?2",
            [shift, kind],
            |r| r.get(0),
        )
        .unwrap()
    };
    let float: i64 = db
        .query_row(
            "SELECT opening_float FROM shifts WHERE _id = ?1",
            [shift],
            |r| r.get(0),
        )
        .unwrap();
    let expected = float + cash("sale") - cash("return") + moved("cash_in") - moved("cash_out");
    (total("sale"), total("return"), expected)
}

#[test]
fn a_shift_from_float_to_z_report() {
    let mut s = shop();
    let shift = s.till.current_shift().unwrap().expect("the demo opens one");
    assert_eq!(shift.opening_float, usd("100.00"));
    assert_eq!(shift.float_count.denominations.len(), 4);

    let cash_sale = sell(&mut s, MILK, 3, "cash");
    sell(&mut s, CABLE, 1, "credit card");
    sell(&mut s, CHOC, 2, "cash");
    s.till
        .return_items(&s.cashier, &take_back(cash_sale.id, 0, 1, "Leaking"))
        .unwrap();
    s.till
        .move_cash(
            &s.manager,
            CashMovementKind::CashIn,
            usd("50"),
            "Change float top-up",
        )
        .unwrap();
    s.till
        .move_cash(
            &s.manager,
            CashMovementKind::CashOut,
            usd("20"),
            "Safe drop",
        )
        .unwrap();

    let x = s.till.x_report(&s.manager).unwrap();
    let (sales, returns, expected) = recomputed(&s, &shift.id.to_string());
    assert_eq!(x.figures.sales_total.minor(), sales);
    assert_eq!(x.figures.returns_total.minor(), returns);
    assert_eq!(x.figures.expected_cash.minor(), expected);
    assert_eq!((x.figures.sales_count, x.figures.returns_count), (3, 1));
    assert_eq!(x.figures.net_sales.minor(), sales - returns);
    assert_eq!(
        x.figures.first_sale_number.as_deref(),
        Some(cash_sale.sale_number.as_str())
    );

    // Counted 3.00 short: within the 5.00 a cashier may close on alone.
    let counted = CashCount::amount(Money::from_minor(expected - 300)).unwrap();
    let z = s
        .till
        .close_shift(&s.cashier, &counted, None, IfParked::Ask)
        .unwrap();
    assert_eq!(z.z_number, 1);
    assert_eq!(z.over_short, usd("-3.00"));
    assert_eq!(z.figures, {
        let mut f = x.figures.clone();
        f.no_sale_openings = 0;
        f
    });
    assert_eq!(z.grand_total.minor(), sales - returns);
    assert_eq!(z.approved_by, None);
    assert!(s.till.current_shift().unwrap().is_none());

    // It travels to z_reports and reads back as written.
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let entry = outbox.iter().find(|e| e.collection == "z_reports").unwrap();
    let doc = match bson::Bson::try_from(entry.payload.clone()).unwrap() {
        bson::Bson::Document(doc) => doc,
        other => panic!("{other:?}"),
    };
    let read = ZReportDoc::from_document(&doc, &Currency::from_code("USD").unwrap()).unwrap();
    let unnamed = ZReport {
        till_code: String::new(),
        store_name: String::new(),
        business_name: String::new(),
        opened_by_name: String::new(),
        closed_by_name: String::new(),
        counts: (z.counts.iter())
            .map(|c| DrawerCount {
                counted_by_name: String::new(),
                ..c.clone()
            })
            .collect(),
        ..z.clone()
    };
    assert_eq!(read.report, unnamed);

    // Selling now needs a shift; the next one's Z report is number 2 and the grand
    // total carries on. Z 1 is as it was written.
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(1)).unwrap();
    let pay = [tender(&s.till, "cash", None)];
    let err = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap_err();
    assert_eq!(err.code(), "no_open_shift");
    s.till.open_shift(&s.cashier, &count("20x5")).unwrap();
    let sale = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    let z2 = s
        .till
        .close_shift(
            &s.cashier,
            &count("20x5,1x3,0.25x1,0.01x24"),
            None,
            IfParked::Ask,
        )
        .unwrap();
    assert_eq!(z2.z_number, 2);
    assert_eq!(z2.over_short, Money::ZERO, "{z2:?}");
    assert_eq!(
        z2.grand_total,
        z.grand_total.checked_add(sale.total_amount).unwrap()
    );
    assert_eq!(s.till.z_report(&s.manager, Some(1)).unwrap(), z);
    assert_eq!(s.till.z_report(&s.manager, None).unwrap(), z2);
}

/// The drawer counted so many times at this close, by SQL.
fn counts_recorded(s: &Shop) -> i64 {
    Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM drawer_counts", [], |r| r.get(0))
        .unwrap()
}

/// The open shift's expected cash less `less`, as a count.
fn off_by(s: &Shop, less: &str) -> CashCount {
    let expected = s.till.x_report(&s.manager).unwrap().figures.expected_cash;
    CashCount::amount(expected.checked_sub(usd(less)).unwrap()).unwrap()
}

fn close(
    s: &mut Shop,
    by: Who,
    counted: &CashCount,
    approval: Option<Approval>,
) -> sellsync_core::Result<ZReport> {
    let actor = match by {
        Who::Cashier => s.cashier.clone(),
        Who::Manager => s.manager.clone(),
    };
    s.till.close_shift(&actor, counted, approval, IfParked::Ask)
}

/// Closes with the expected cash less `less`.
fn close_off(
    s: &mut Shop,
    by: Who,
    less: &str,
    approval: Option<Approval>,
) -> sellsync_core::Result<ZReport> {
    let counted = off_by(s, less);
    close(s, by, &counted, approval)
}

#[derive(Clone, Copy)]
enum Who {
    Cashier,
    Manager,
}

const MANAGER_PIN: Approval = Approval {
    email: "manager@example.com",
    pin: "2345",
};

#[test]
fn a_blind_count_far_off_is_counted_again_then_needs_a_manager_and_every_count_is_on_the_z_report()
{
    let mut s = shop();
    sell(&mut s, MILK, 2, "cash");
    let short = off_by(&s, "20.00");
    let err = close(&mut s, Who::Cashier, &short, None).unwrap_err();
    assert_eq!(err.code(), "count_again");
    assert!(
        !err.to_string().contains(|c: char| c.is_ascii_digit()),
        "no amount, so nothing to learn the expected cash from: {err}"
    );
    assert!(s.till.current_shift().unwrap().is_some(), "still open");
    assert_eq!(counts_recorded(&s), 1, "the refused count is kept");

    // The same count entered again is not a recount: now a manager must see it.
    let err = close(&mut s, Who::Cashier, &short, None).unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert!(
        !err.to_string().contains(|c: char| c.is_ascii_digit()),
        "{err}"
    );
    assert_eq!(counts_recorded(&s), 1, "the same count, not recorded twice");
    let before = snapshot(s.dir.path());
    let cashier = Approval {
        email: "cashier@example.com",
        pin: "1111",
    };
    let err = close(&mut s, Who::Cashier, &short, Some(cashier)).unwrap_err();
    assert_eq!(err.code(), "approver_not_manager");
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    // A recount, still off, then approved.
    let recount = off_by(&s, "19.00");
    let err = close(&mut s, Who::Cashier, &recount, None).unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert_eq!(counts_recorded(&s), 2);
    let z = close(&mut s, Who::Cashier, &recount, Some(MANAGER_PIN)).unwrap();
    assert_eq!(z.approved_by, Some(s.manager.user_id()));
    assert_eq!(z.over_short, usd("-19.00"));
    let counted: Vec<(Money, Money)> = z
        .counts
        .iter()
        .map(|c| (c.counted.total, c.over_short))
        .collect();
    assert_eq!(
        counted,
        [(short.total, usd("-20.00")), (recount.total, usd("-19.00"))]
    );
    assert!(z.counts.iter().all(|c| c.counted_by == s.cashier.user_id()));
    let rows = z.rows(s.till.currency());
    assert!(
        rows.contains(&("Count 1 by Priya Shah".to_owned(), "86.98".to_owned())),
        "{rows:?}"
    );
    assert_eq!(
        ZReportDoc::from_document(
            &ZReportDoc {
                business_id: s.till.business().id,
                currency: s.till.currency().clone(),
                report: z.clone()
            }
            .to_document(),
            s.till.currency()
        )
        .unwrap()
        .report
        .counts
        .len(),
        2,
        "the counts go central with the report"
    );
}

#[test]
fn a_manager_at_hand_approves_the_first_count_off_without_a_recount() {
    let mut s = shop();
    sell(&mut s, MILK, 1, "cash");
    let z = close_off(&mut s, Who::Cashier, "20.00", Some(MANAGER_PIN)).unwrap();
    assert_eq!(z.approved_by, Some(s.manager.user_id()));
    assert_eq!(z.counts.len(), 1);
}

#[test]
fn a_good_recount_closes_without_a_manager() {
    let mut s = shop();
    sell(&mut s, MILK, 1, "cash");
    let err = close_off(&mut s, Who::Cashier, "20.00", None).unwrap_err();
    assert_eq!(err.code(), "count_again");
    let z = close_off(&mut s, Who::Cashier, "0.00", None).unwrap();
    assert_eq!((z.approved_by, z.over_short), (None, Money::ZERO));
    assert_eq!(z.counts.len(), 2, "the first count is on the report");
}

#[test]
fn after_two_counts_off_even_the_expected_amount_needs_a_manager() {
    let mut s = shop();
    sell(&mut s, MILK, 1, "cash");
    for less in ["20.00", "30.00"] {
        close_off(&mut s, Who::Cashier, less, None).unwrap_err();
    }
    let err = close_off(&mut s, Who::Cashier, "0.00", None).unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    assert_eq!(counts_recorded(&s), 3);
}

#[test]
fn a_manager_counting_off_counts_again_then_approves_their_own() {
    let mut s = shop();
    sell(&mut s, MILK, 1, "cash");
    let err = close_off(&mut s, Who::Manager, "20.00", None).unwrap_err();
    assert_eq!(err.code(), "count_again", "a manager recounts too");
    let z = close_off(&mut s, Who::Manager, "20.00", None).unwrap();
    assert_eq!(z.approved_by, Some(s.manager.user_id()));
    assert_eq!(z.counts.len(), 1, "the same count, confirmed");
}

#[test]
fn bad_shift_input_is_refused_and_changes_nothing() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    let err = s.till.open_shift(&s.cashier, &count("20x1")).unwrap_err();
    assert_eq!(err.code(), "shift_already_open");
    assert!(
        err.to_string()
            .contains("by Dana Whitfield: close it first"),
        "{err}"
    );
    let err = s
        .till
        .move_cash(
            &s.manager,
            CashMovementKind::CashOut,
            usd("100.01"),
            "Safe drop",
        )
        .unwrap_err();
    assert_eq!(err.code(), "cash_out_over_drawer");
    assert_eq!(
        err.to_string(),
        "The drawer should hold 100.00: 100.01 cannot come out of it."
    );
    let cases = [
        (usd("0"), "Safe drop", "no_cash_amount"),
        (usd("5"), "  ", "missing_reason"),
    ];
    for (amount, reason, code) in cases {
        let err = s
            .till
            .move_cash(&s.manager, CashMovementKind::CashIn, amount, reason)
            .unwrap_err();
        assert_eq!(err.code(), code);
    }
    let err = s
        .till
        .move_cash(&s.cashier, CashMovementKind::CashIn, usd("5"), "Float")
        .unwrap_err();
    assert_eq!(err.code(), "permission_denied");
    assert_eq!(
        s.till.x_report(&s.cashier).unwrap_err().code(),
        "permission_denied",
        "the expected cash is not the cashier's to see"
    );
    let usd_currency = Currency::from_code("USD").unwrap();
    for text in ["20", "20x", "x3", "20x3,20x1", "-5x2"] {
        let err = sellsync_core::Error::from(CashCount::parse(text, &usd_currency).unwrap_err());
        assert_eq!(err.code(), "bad_cash_count", "{text}");
    }
    assert_eq!(
        s.till.z_report(&s.manager, Some(7)).unwrap_err().code(),
        "no_such_z_report"
    );
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");
}

#[test]
fn a_manager_voids_a_sale_of_the_open_shift_and_everything_goes_back() {
    let mut s = shop();
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, CABLE, Quantity::units(1))
        .unwrap();
    cart.set_customer(Some(sellsync_core::CartCustomer::Existing(alice.clone())));
    let pay = [tender(&s.till, "cash", None)];
    let sale = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    let cable_after_sale = s.till.find_product(CABLE).unwrap().unwrap().stock;
    let x_before = s.till.x_report(&s.manager).unwrap().figures;

    // A cashier needs a manager's PIN; a reason is needed.
    let err = s
        .till
        .void_sale(&s.cashier, &sale.sale_number, "Wrong item", None)
        .unwrap_err();
    assert_eq!(err.code(), "approval_needed");
    let err = s
        .till
        .void_sale(&s.manager, &sale.sale_number, " ", None)
        .unwrap_err();
    assert_eq!(err.code(), "missing_reason");

    let manager = Approval {
        email: "manager@example.com",
        pin: "2345",
    };
    let voided = s
        .till
        .void_sale(&s.cashier, &sale.sale_number, "Wrong item", Some(manager))
        .unwrap();
    let v = voided.voided.clone().unwrap();
    assert_eq!(
        (v.by, v.reason.as_str()),
        (Some(s.manager.user_id()), "Wrong item")
    );
    assert_eq!(
        s.till.find_product(CABLE).unwrap().unwrap().stock,
        cable_after_sale + Quantity::units(1),
        "back in stock"
    );
    let points = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap()
        .loyalty_points;
    assert_eq!(points, alice.loyalty_points, "the points earned went back");
    let x = s.till.x_report(&s.manager).unwrap().figures;
    assert_eq!(x.sales_count, x_before.sales_count - 1);
    assert_eq!((x.voids_count, x.voids_total), (1, sale.total_amount));
    assert_eq!(
        x.expected_cash,
        x_before
            .expected_cash
            .checked_sub(sale.total_amount)
            .unwrap(),
        "the cash went back"
    );
    // Central is told by an update of the sale's document.
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let update = outbox
        .iter()
        .find(|e| e.document_id == sale.id.to_string() && e.op == "update")
        .unwrap();
    assert_eq!(update.payload["transaction_status"], "voided");
    assert!(s.till.verify_journal(&s.manager).unwrap().broken.is_none());

    // Not twice, not returned; after the shift closes a sale is returned, not voided.
    let again = s
        .till
        .void_sale(&s.manager, &sale.sale_number, "Again", None)
        .unwrap_err();
    assert_eq!(again.code(), "already_voided");
    assert_eq!(
        s.till
            .returnable(&s.cashier, &sale.sale_number)
            .unwrap_err()
            .code(),
        "already_voided"
    );
    let other = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    let expected = s.till.x_report(&s.manager).unwrap().figures.expected_cash;
    s.till
        .close_shift(
            &s.manager,
            &CashCount::amount(expected).unwrap(),
            None,
            IfParked::Ask,
        )
        .unwrap();
    let err = s
        .till
        .void_sale(&s.manager, &other.sale_number, "Late", None)
        .unwrap_err();
    assert_eq!(err.code(), "void_after_shift");
    assert!(err.to_string().contains("take it back as a return"));
}

#[test]
fn a_line_taken_off_the_cart_is_recorded_and_a_returned_sale_is_not_voided() {
    let mut s = shop();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    s.till.ring_up(&mut cart, CHOC, Quantity::units(1)).unwrap();
    let line = cart.lines()[1].clone();
    s.till.record_removed_line(&s.cashier, &line).unwrap();
    cart.remove(1).unwrap();
    let pay = [tender(&s.till, "cash", None)];
    let sale = s.till.complete_sale(&s.cashier, &cart, &pay).unwrap();
    assert_eq!(
        s.till.x_report(&s.manager).unwrap().figures.lines_removed,
        1
    );
    let kinds: Vec<String> = Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .prepare("SELECT kind FROM journal ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, ["shift_opened", "line_removed", "sale"]);

    s.till
        .return_items(&s.cashier, &take_back(sale.id, 0, 1, "Leaking"))
        .unwrap();
    let err = s
        .till
        .void_sale(&s.manager, &sale.sale_number, "Wrong item", None)
        .unwrap_err();
    assert_eq!(err.code(), "void_after_return");
}
