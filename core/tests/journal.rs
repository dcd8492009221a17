//! The journal on a real till file: every sale, return, cash movement and shift event is
//! an entry; changing a past sale's amount, deleting one of its rows or reordering the
//! journal in the SQLite file is found, and the first broken entry named.

mod common;

use common::*;
use rusqlite::Connection;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::Quantity;
use sellsync_core::shift::report::CashMovementKind;
use sellsync_core::shift::IfParked;
use sellsync_core::{Cart, Sale};

fn sell(s: &mut Shop, code: &str) -> Sale {
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, code, Quantity::units(2)).unwrap();
    let pay = [tender(&s.till, "cash", None)];
    s.till.complete_sale(&s.cashier, &cart, &pay).unwrap()
}

/// A day: the demo's open shift, three sales, a return, a safe drop, the close and the
/// next shift opened.
fn a_day() -> (Shop, Vec<Sale>) {
    let mut s = shop();
    let sales = vec![sell(&mut s, MILK), sell(&mut s, CHOC), sell(&mut s, MILK)];
    s.till
        .return_items(&s.cashier, &take_back(sales[0].id, 0, 1, "Leaking"))
        .unwrap();
    s.till
        .move_cash(
            &s.manager,
            CashMovementKind::CashOut,
            usd("10"),
            "Safe drop",
        )
        .unwrap();
    let expected = s.till.x_report(&s.manager).unwrap().figures.expected_cash;
    s.till
        .close_shift(
            &s.cashier,
            &CashCount::amount(expected).unwrap(),
            None,
            IfParked::Ask,
        )
        .unwrap();
    s.till
        .open_shift(&s.cashier, &CashCount::amount(usd("100")).unwrap())
        .unwrap();
    (s, sales)
}

fn db(s: &Shop) -> Connection {
    let db = Connection::open(s.dir.path().join("till.sqlite3")).unwrap();
    // What a tamperer does first: the journal's own guards go.
    db.execute_batch(
        "DROP TRIGGER journal_append_only_update; DROP TRIGGER journal_append_only_delete;",
    )
    .unwrap();
    db
}

/// The journal entry recording `subject`.
fn seq_of(s: &Shop, subject: &str) -> i64 {
    Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT seq FROM journal WHERE subject_id = ?1",
            [subject],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_days_journal_verifies_entry_by_entry() {
    let (s, _) = a_day();
    let check = s.till.verify_journal(&s.manager).unwrap();
    // Shift opened, 3 sales, a return, a cash out, shift closed, shift opened.
    assert_eq!(check.total, 8);
    assert_eq!(check.verified, 8);
    assert_eq!(check.broken, None);
    let kinds: Vec<String> = Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .prepare("SELECT kind FROM journal ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        kinds,
        [
            "shift_opened",
            "sale",
            "sale",
            "sale",
            "return",
            "cash_out",
            "shift_closed",
            "shift_opened"
        ]
    );
    // Through SQL the journal is append-only.
    let plain = Connection::open(s.dir.path().join("till.sqlite3")).unwrap();
    let err = plain
        .execute("DELETE FROM journal WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    // Each entry travels to journal_entries.
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    assert_eq!(
        outbox
            .iter()
            .filter(|e| e.collection == "journal_entries")
            .count(),
        8
    );
    assert_eq!(
        s.till.verify_journal(&s.cashier).unwrap_err().code(),
        "permission_denied"
    );
}

#[test]
fn a_changed_amount_of_a_past_sale_is_found() {
    let (s, sales) = a_day();
    db(&s)
        .execute(
            "UPDATE sale_payments SET amount = amount - 100 WHERE transaction_id = ?1",
            [sales[1].id.to_string()],
        )
        .unwrap();
    let check = s.till.verify_journal(&s.manager).unwrap();
    let broken = check.broken.unwrap();
    assert_eq!(broken.seq, seq_of(&s, &sales[1].id.to_string()));
    assert_eq!(
        broken.why,
        "the sale it records was changed after it was written"
    );
    assert_eq!(check.verified as i64, broken.seq - 1);
}

#[test]
fn a_deleted_row_of_a_past_sale_is_found() {
    let (s, sales) = a_day();
    db(&s)
        .execute(
            "DELETE FROM sale_items WHERE transaction_id = ?1",
            [sales[2].id.to_string()],
        )
        .unwrap();
    let broken = s.till.verify_journal(&s.manager).unwrap().broken.unwrap();
    assert_eq!(broken.seq, seq_of(&s, &sales[2].id.to_string()));

    let (s, sales) = a_day();
    let db = db(&s);
    db.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for table in ["sale_items", "sale_payments"] {
        db.execute(
            &format!("DELETE FROM {table} WHERE transaction_id = ?1"),
            [sales[0].id.to_string()],
        )
        .unwrap();
    }
    db.execute(
        "DELETE FROM sales_transactions WHERE _id = ?1",
        [sales[0].id.to_string()],
    )
    .unwrap();
    let broken = s.till.verify_journal(&s.manager).unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.why, "the sale it records is gone from the till");
}

#[test]
fn a_deleted_or_reordered_journal_entry_is_found() {
    let (s, _) = a_day();
    db(&s)
        .execute("DELETE FROM journal WHERE seq = 4", [])
        .unwrap();
    let broken = s.till.verify_journal(&s.manager).unwrap().broken.unwrap();
    assert_eq!(broken.seq, 4);
    assert_eq!(broken.why, "an entry is missing or out of order here");

    // Two entries swapped: their numbers traded so that the sequence has no gap.
    let (s, _) = a_day();
    db(&s)
        .execute_batch(
            "UPDATE journal SET seq = -1 WHERE seq = 3;
             UPDATE journal SET seq = 3 WHERE seq = 2;
             UPDATE journal SET seq = 2 WHERE seq = -1;",
        )
        .unwrap();
    let broken = s.till.verify_journal(&s.manager).unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.why, "it does not follow the entry before it");

    // An entry's own content rewritten.
    let (s, _) = a_day();
    db(&s)
        .execute(
            "UPDATE journal SET content = replace(content, 'Safe drop', 'Lunch') WHERE seq = 6",
            [],
        )
        .unwrap();
    let broken = s.till.verify_journal(&s.manager).unwrap().broken.unwrap();
    assert_eq!(broken.seq, 6);
    assert_eq!(broken.why, "its content was changed after it was written");
}
