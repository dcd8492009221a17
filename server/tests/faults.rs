//! Exactly once through the gateway, under faults: a till that synced with MongoDB
//! directly moves to the gateway (nothing sent twice), then sells and syncs through two
//! gateway processes in turn, with connections cut at random both between the till and
//! the gateways and between the gateways and MongoDB (requests lost, replies lost after
//! the batch was applied, transactions cut half way), then through an outage of both.
//! Afterwards every sale is central exactly once and every product's central stock equals
//! its ledger and the till's.

mod common;
#[path = "../../sync/tests/common/mod.rs"]
mod till;

use std::time::Duration;

use bson::{doc, Document};
use sellsync_contract::documents::Collection;
use sellsync_sync::gateway::switch_to_gateway;
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions, GatewayConfig, SyncTarget};
use till::proxy::Proxy;

const TRIALS: usize = 200;

fn quick() -> EngineOptions {
    EngineOptions {
        batch_size: 9,
        idle_poll: Duration::from_millis(10),
        backoff_floor: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(5),
        transactions: true,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_arrive_exactly_once_through_two_gateways_and_cut_connections_on_both_sides() {
    let name = till::fresh_database("gateway_faults");
    let (dir, mut till) = till::demo_till();

    // First the till syncs directly, as a self-hosted till does today.
    let direct = CentralConfig::new(till::test_uri(), Some(name.clone())).unwrap();
    let mut engine = Engine::new(dir.path(), direct.clone(), quick()).unwrap();
    till::trade(&mut till);
    let done = engine.run_until_idle(5, |_| {}).await.unwrap();
    assert_eq!(done.pending, 0);
    drop(engine);
    let central = Central::connect(&direct).await.unwrap();
    let businesses = central.database().collection::<Document>("businesses");
    businesses
        .update_one(
            doc! { "_id": till.business().id.object_id() },
            doc! { "$set": { "package_plan": "Premium", "subscription_status": "active" } },
        )
        .await
        .unwrap();
    // A sale made offline waits in the outbox while the till moves.
    let mut rng = fastrand::Rng::with_seed(0x5EED_0014);
    till::random_sale(&mut till, &mut rng);
    let waiting = till.sync_status().unwrap().pending;

    // Two gateways reach MongoDB through a proxy of their own; the till reaches each
    // through another.
    let to_mongodb = Proxy::start(till::test_server_addr()).await;
    let gateways = [
        common::Gateway::start_on(&name, &to_mongodb.uri()),
        common::Gateway::start_on(&name, &to_mongodb.uri()),
    ];
    let mut to_gateways = Vec::new();
    for gateway in &gateways {
        let addr: std::net::SocketAddr =
            gateway.base.trim_start_matches("http://").parse().unwrap();
        to_gateways.push(Proxy::start(addr).await);
    }

    // The till moves to the gateway: enrolled for its own store, nothing sent again.
    let code = common::enrolment_code(
        &name,
        &till.business().id.to_string(),
        &till.store().id.to_string(),
    );
    let manager = till::sign_in(&mut till, "manager@example.com", "2345");
    let approval = till.approve_sync_setup(&manager).unwrap();
    let moved = switch_to_gateway(&till, &approval, &gateways[0].base, &code)
        .await
        .unwrap();
    assert!(matches!(
        SyncTarget::for_till(dir.path(), None, None).unwrap(),
        Some(SyncTarget::Gateway(_))
    ));
    let mut engines = Vec::new();
    for proxy in &to_gateways {
        let url = format!("http://{}", proxy.addr());
        let config = GatewayConfig::new(&url, &moved.device_token).unwrap();
        engines.push(Engine::new(dir.path(), config, quick()).unwrap());
    }
    let idle = engines[0].run_until_idle(5, |_| {}).await.unwrap();
    assert_eq!(
        idle.delivered as i64, waiting,
        "what waited goes through the gateway, nothing already sent goes again"
    );
    let sales = central
        .database()
        .collection::<Document>("sales_transactions");
    assert_eq!(
        sales.count_documents(doc! {}).await.unwrap(),
        till::SALES_PER_TRADE + 1
    );

    to_mongodb.set_faulty(0.01);
    for proxy in &to_gateways {
        proxy.set_faulty(0.03);
    }
    let mut failed_steps = 0;
    let started = std::time::Instant::now();
    for _ in 0..TRIALS {
        if rng.bool() {
            till::random_sale(&mut till, &mut rng);
        }
        let engine = &mut engines[rng.usize(0..2)];
        if engine.step().await.is_err() {
            failed_steps += 1;
        }
    }
    let cuts = to_mongodb.cuts() + to_gateways.iter().map(Proxy::cuts).sum::<usize>();
    eprintln!(
        "{TRIALS} trials through two gateways: {} cuts before MongoDB, {cuts} in all, \
         {failed_steps} steps failed, {:.1?}",
        to_mongodb.cuts(),
        started.elapsed()
    );
    assert!(
        to_mongodb.cuts() >= 5,
        "the faults before MongoDB did not bite"
    );
    assert!(cuts >= 20, "only {cuts} cuts: the faults did not bite");
    assert!(failed_steps >= 10, "only {failed_steps} failed steps");

    to_mongodb.set_faulty(0.0);
    for proxy in &to_gateways {
        proxy.set_faulty(0.0);
    }
    // An outage: neither gateway can be reached while the till sells on; then they come
    // back and the till catches up on its own.
    for proxy in &to_gateways {
        proxy.set_down(true);
    }
    for _ in 0..5 {
        till::random_sale(&mut till, &mut rng);
        assert!(engines[0].step().await.is_err(), "no gateway answers");
    }
    for proxy in &to_gateways {
        proxy.set_down(false);
    }
    // MongoDB itself away: the gateways' health says so, naming no host.
    to_mongodb.set_down(true);
    let (status, health) = gateways[0].get("/health", None);
    assert_eq!(
        (status, health["status"].as_str()),
        (503, Some("unavailable"))
    );
    assert!(!health.to_string().contains("127.0.0.1"), "{health}");
    to_mongodb.set_down(false);
    let done = engines[1].run_until_idle(20, |_| {}).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 0), "{done:?}");
    let till_sales = till
        .outbox(&manager, false, usize::MAX)
        .unwrap()
        .iter()
        .filter(|e| e.collection == Collection::SalesTransactions.name())
        .count() as u64;
    till::assert_matches_till(&central, &mut till, till_sales).await;
    till::assert_central_stock_is_its_ledger(&central).await;
}
