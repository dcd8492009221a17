//! Receiving a 500-line delivery by scan: an ordered purchase order of 500 products, each
//! line received by its own call, as a scanner at the till makes them (one transaction
//! per scan: the order's rows and update, the restock movement and its outbox rows).
//!
//! Run with `cargo bench -p sellsync-core --bench receiving`. Prints the median and the
//! 99th percentile per scan; figures are for comparing on one machine, not pass/fail.

use sellsync_contract::Quantity;
use std::time::Instant;

use sellsync_core::catalog::NewProduct;
use sellsync_core::purchasing::orders::{OrderLineInput, ReceivedLine};
use sellsync_core::purchasing::suppliers::NewSupplier;
use sellsync_core::{Credential, Money, Till};

const LINES: usize = 500;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let manager = till
        .sign_in("manager@example.com", Credential::Pin("2345"))
        .unwrap();
    let supplier = till
        .add_supplier(
            &manager,
            &NewSupplier {
                supplier_name: "Bench Wholesale".into(),
                ..NewSupplier::default()
            },
        )
        .unwrap();
    let products: Vec<NewProduct> = (0..LINES)
        .map(|i| NewProduct {
            sku: format!("BENCH-{i:04}"),
            product_name: format!("Bench product {i}"),
            price: Money::from_minor(199),
            supplier_id: Some(supplier.id),
            unit_cost: Some(Money::from_minor(120)),
            ..NewProduct::default()
        })
        .collect();
    till.add_products(&manager, &products).unwrap();
    let lines: Vec<OrderLineInput> = (0..LINES)
        .map(|i| OrderLineInput {
            product: till.require_product(&format!("BENCH-{i:04}")).unwrap(),
            quantity: Quantity::units(12),
            unit_price: None,
        })
        .collect();
    let order = till
        .create_purchase_order(&manager, supplier.id, None, &lines)
        .unwrap();
    till.mark_purchase_order_ordered(&manager, &order.order_number)
        .unwrap();

    let mut times = Vec::with_capacity(LINES);
    for line in &lines {
        let scan = ReceivedLine {
            product: line.product.clone(),
            quantity: Quantity::units(12),
            damaged: Quantity::units(0),
            unit_cost: None,
        };
        let started = Instant::now();
        till.receive_purchase_order(&manager, &order.order_number, &[scan])
            .unwrap();
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let done = till.purchase_order(&order.order_number).unwrap();
    assert_eq!(
        done.order_status,
        sellsync_contract::documents::OrderStatus::Received
    );
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "receiving {LINES} lines by scan: median {:.2} ms, p99 {:.2} ms, slowest {:.2} ms per scan",
        at(0.5),
        at(0.99),
        times[times.len() - 1]
    );
}
