//! Fault injection: the engine talks to the real server through a proxy that cuts
//! connections at random points (a request lost before the server saw it, a reply lost
//! after the server applied it, a batch cut between its writes), over hundreds of trials
//! while the till keeps selling. Afterwards every sale is in MongoDB exactly once and
//! every product's central stock equals its ledger and the till's figure.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use bson::oid::ObjectId;
use bson::{doc, Document};
use common::proxy::Proxy;
use common::{
    all, assert_matches_till, demo_till, fresh_database, sign_in, test_server_addr, test_uri,
};
use sellsync_core::{Cart, CartCustomer, Tender, Till};
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions};

const TRIALS: usize = 300;

/// A pseudo-random sale: one to four lines of the demo's dairy and snacks, now and then
/// for Alice.
fn random_sale(till: &mut Till, rng: &mut fastrand::Rng) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let mut cart = Cart::new();
    for _ in 0..rng.usize(1..=4) {
        let sku = format!(
            "{}-{:03}",
            ["DAI", "SNK"][rng.usize(0..2)],
            rng.usize(1..=6)
        );
        till.ring_up(&mut cart, &sku, rng.i64(1..=3)).unwrap();
    }
    if rng.u8(0..4) == 0 {
        let alice = till
            .find_customer(&cashier, "alice@example.com")
            .unwrap()
            .unwrap();
        cart.set_customer(Some(CartCustomer::Existing(alice)));
    }
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&cashier, &cart, &[cash]).unwrap();
}

async fn sales_arrive_exactly_once_through_a_faulty_network(transactions: bool, seed: u64) {
    let (dir, mut till) = demo_till();
    let proxy = Proxy::start(test_server_addr()).await;
    let database = fresh_database(if transactions {
        "faults_tx"
    } else {
        "faults_plain"
    });
    let config = CentralConfig::new(proxy.uri(), Some(database.clone())).unwrap();
    let options = EngineOptions {
        batch_size: 9,
        idle_poll: Duration::from_millis(10),
        backoff_floor: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(5),
        transactions,
    };
    let mut engine = Engine::new(dir.path(), config, options).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    proxy.set_faulty(0.04);
    let mut failed_steps = 0;
    let started = std::time::Instant::now();
    for _ in 0..TRIALS {
        if rng.bool() {
            random_sale(&mut till, &mut rng);
        }
        if engine.step().await.is_err() {
            failed_steps += 1;
        }
    }
    eprintln!(
        "{TRIALS} trials, transactions {transactions}: {} connections cut, {failed_steps} \
         steps failed, {:.1?}",
        proxy.cuts(),
        started.elapsed()
    );
    assert!(
        proxy.cuts() >= 30,
        "only {} cuts: the faults did not bite",
        proxy.cuts()
    );
    assert!(failed_steps >= 30, "only {failed_steps} failed steps");

    proxy.set_faulty(0.0);
    let done = engine.run_until_idle(10, |_| {}).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 0), "{done:?}");

    let central = Central::connect(&CentralConfig::new(test_uri(), Some(database)).unwrap())
        .await
        .unwrap();
    let sales = central
        .database()
        .collection::<Document>("sales_transactions")
        .count_documents(doc! {})
        .await
        .unwrap();
    let manager = sign_in(&mut till, "manager@example.com", "2345");
    let till_sales = till
        .outbox(&manager, false, usize::MAX)
        .unwrap()
        .iter()
        .filter(|e| e.collection == "sales_transactions")
        .count() as u64;
    assert_matches_till(&central, &mut till, till_sales).await;
    assert_eq!(sales, till_sales);
    assert_central_stock_is_its_ledger(&central).await;
}

/// Every product's central stock is its opening stock plus its counted movements, and no
/// movement is left half counted.
async fn assert_central_stock_is_its_ledger(central: &Central) {
    let movements = all(central, "stock_movements").await;
    let mut sums: HashMap<ObjectId, i64> = HashMap::new();
    for m in &movements {
        assert_eq!(m.get_bool("stock_applied"), Ok(true), "{m}");
        *sums
            .entry(m.get_object_id("product_id").unwrap())
            .or_default() += m.get_i64("quantity").unwrap();
    }
    let products = all(central, "products").await;
    for p in &products {
        let id = p.get_object_id("_id").unwrap();
        let ledger = p.get_i64("opening_stock").unwrap() + sums.get(&id).copied().unwrap_or(0);
        assert_eq!(
            p.get_i64("stock").unwrap(),
            ledger,
            "{}",
            p.get_str("sku").unwrap()
        );
        if let Ok(pending) = p.get_array("pending_movements") {
            assert!(pending.is_empty(), "{p}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_arrive_exactly_once_through_cut_connections_in_transactions() {
    sales_arrive_exactly_once_through_a_faulty_network(true, 0x5EED_0001).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_arrive_exactly_once_through_cut_connections_without_transactions() {
    sales_arrive_exactly_once_through_a_faulty_network(false, 0x5EED_0002).await;
}
