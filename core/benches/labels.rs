//! Reading scanned codes by the business's barcode rules: 100,000 scans, half of them
//! price labels of 1,000 labelled products and half products' own codes, read by the rules
//! alone (`embedded_barcodes::read`) and by the till (`Till::read_code`, with the product
//! looked up in SQLite).
//!
//! Run with `cargo bench -p sellsync-core --bench labels`. It prints the median and p99 of
//! one read and the whole run; figures are for comparing on one machine, not pass/fail.

use std::time::{Duration, Instant};

use sellsync_contract::embedded_barcodes::{self, ready_layout, verifier_digit};
use sellsync_contract::gtin;
use sellsync_core::{Credential, NewProduct, Till};

const SCANS: usize = 100_000;
const LABELLED: u32 = 1_000;

fn with_check(payload: String) -> String {
    let check = gtin::check_digit(&payload);
    format!("{payload}{check}")
}

/// A UK price label for item `item` at `pence`.
fn label(item: u32, pence: u32) -> String {
    let price = format!("{pence:04}");
    let verifier = verifier_digit(&price).expect("four digits");
    with_check(format!("20{item:05}{verifier}{price}"))
}

fn report(what: &str, mut times: Vec<Duration>, total: Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{what}: {} scans in {:.1} ms; one read median {:.2} µs, p99 {:.2} µs",
        times.len(),
        total.as_secs_f64() * 1e3,
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let admin = till
        .sign_in("admin@example.com", Credential::Pin("1234"))
        .unwrap();
    let rules = ready_layout("United Kingdom").unwrap();
    till.set_barcode_rules(&admin, &rules).unwrap();
    let products: Vec<NewProduct> = (0..LABELLED)
        .map(|item| NewProduct {
            sku: format!("DELI-{item}"),
            product_name: format!("Deli item {item}"),
            price: sellsync_core::Money::from_minor(999),
            barcode: Some(with_check(format!("20{item:05}00000"))),
            ..NewProduct::default()
        })
        .collect();
    till.add_products(&admin, &products).unwrap();
    // A product's own code: a demo product's barcode.
    let plain = till
        .require_product("DAI-002")
        .unwrap()
        .barcode
        .unwrap_or_else(|| "DAI-002".into());
    let mut rng = fastrand::Rng::with_seed(7);
    let scans: Vec<String> = (0..SCANS)
        .map(|i| {
            if i % 2 == 0 {
                label(rng.u32(0..LABELLED), rng.u32(1..10_000))
            } else {
                plain.clone()
            }
        })
        .collect();

    let mut times = Vec::with_capacity(SCANS);
    let started = Instant::now();
    for code in &scans {
        let t = Instant::now();
        std::hint::black_box(embedded_barcodes::read(&rules, code).unwrap());
        times.push(t.elapsed());
    }
    report("rules alone", times, started.elapsed());

    let mut times = Vec::with_capacity(SCANS);
    let started = Instant::now();
    for code in &scans {
        let t = Instant::now();
        std::hint::black_box(till.read_code(code).unwrap());
        times.push(t.elapsed());
    }
    report(
        "the till (rules and the product from SQLite)",
        times,
        started.elapsed(),
    );
}
