//! Fault injection: the engine talks to the real server through a proxy that cuts
//! connections at random points (a request lost before the server saw it, a reply lost
//! after the server applied it, a batch cut between its writes), over hundreds of trials
//! while the till keeps selling. Afterwards every sale is in MongoDB exactly once and
//! every product's central stock equals its ledger and the till's figure.

mod common;

use std::time::Duration;

use bson::{doc, Document};
use common::proxy::Proxy;
use common::{
    assert_central_stock_is_its_ledger, assert_matches_till, demo_till, fresh_database,
    random_sale, sign_in, test_server_addr, test_uri,
};
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions};

const TRIALS: usize = 300;

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

#[tokio::test(flavor = "multi_thread")]
async fn sales_arrive_exactly_once_through_cut_connections_in_transactions() {
    sales_arrive_exactly_once_through_a_faulty_network(true, 0x5EED_0001).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_arrive_exactly_once_through_cut_connections_without_transactions() {
    sales_arrive_exactly_once_through_a_faulty_network(false, 0x5EED_0002).await;
}
