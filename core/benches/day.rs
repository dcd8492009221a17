//! The end of a till's day: closing a shift of 2,000 sales (its figures computed and the
//! Z report stored) and verifying a journal of 100,000 entries (each entry's content
//! derived again from the till's rows, and the chain).
//!
//! Run with `cargo bench -p sellsync-core --bench day [-- close|journal]`. Each prints
//! its time; figures are for comparing on one machine, not pass/fail. The journal run
//! rings up its 100,000 sales first (several minutes).

use std::time::Instant;

use sellsync_contract::cash_count::CashCount;
use sellsync_core::shift::IfParked;
use sellsync_core::{Credential, Till};

const SHIFT_SALES: usize = 2_000;
const JOURNAL_ENTRIES: usize = 100_000;

fn demo() -> (tempfile::TempDir, Till) {
    let dir = tempfile::tempdir().unwrap();
    let (till, _) = Till::create_demo(dir.path()).unwrap();
    (dir, till)
}

fn close() {
    let (_dir, mut till) = demo();
    till.ring_up_demo_sales(SHIFT_SALES).unwrap();
    let manager = till
        .sign_in("manager@example.com", Credential::Pin("2345"))
        .unwrap();
    let started = Instant::now();
    let x = till.x_report(&manager).unwrap();
    let x_time = started.elapsed();
    let counted = CashCount::amount(x.figures.expected_cash).unwrap();
    let started = Instant::now();
    let z = till
        .close_shift(&manager, &counted, None, IfParked::Ask)
        .unwrap();
    let close_time = started.elapsed();
    assert_eq!(z.figures.sales_count, SHIFT_SALES as i64);
    println!(
        "shift of {SHIFT_SALES} sales: X report {:.1} ms, close with Z report {:.1} ms",
        x_time.as_secs_f64() * 1e3,
        close_time.as_secs_f64() * 1e3
    );
}

fn journal() {
    let (_dir, mut till) = demo();
    let started = Instant::now();
    // The demo's shift opening is the first entry; one more per sale.
    till.ring_up_demo_sales(JOURNAL_ENTRIES - 1).unwrap();
    println!(
        "rang up {} sales in {:.0} s",
        JOURNAL_ENTRIES - 1,
        started.elapsed().as_secs_f64()
    );
    let manager = till
        .sign_in("manager@example.com", Credential::Pin("2345"))
        .unwrap();
    let started = Instant::now();
    let check = till.verify_journal(&manager).unwrap();
    let took = started.elapsed();
    assert_eq!(check.total, JOURNAL_ENTRIES);
    assert_eq!(check.broken, None);
    println!(
        "journal verify of {} entries: {:.2} s ({:.1} µs per entry)",
        check.total,
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / check.total as f64
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    if wants("close") {
        close();
    }
    if wants("journal") {
        journal();
    }
}
