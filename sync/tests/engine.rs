//! The engine against the real MongoDB-wire server: it resumes on its own after an
//! outage, parks a refused operation while the rest flows, and explains bad settings
//! while the till keeps selling.

mod common;

use sellsync_contract::Quantity;
use std::time::Duration;

use bson::{doc, Document};
use common::proxy::Proxy;
use common::{
    assert_matches_till, demo_till, fresh_database, sign_in, test_server_addr, test_uri, trade,
    SALES_PER_TRADE,
};
use sellsync_central::CentralError;
use sellsync_core::{Cart, Tender, Till};
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions, EngineStatus, SyncError};
use tokio::sync::watch;

fn quick() -> EngineOptions {
    EngineOptions {
        batch_size: 100,
        idle_poll: Duration::from_millis(100),
        backoff_floor: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(300),
        transactions: true,
    }
}

/// Waits until the engine's status satisfies `done` (or fails the test after a minute).
async fn wait_for(
    status: &mut watch::Receiver<EngineStatus>,
    done: impl Fn(&EngineStatus) -> bool,
) {
    tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| done(s)))
        .await
        .expect("the engine got there within a minute")
        .unwrap();
}

fn cash_sale(till: &mut Till, sku: &str) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let mut cart = Cart::new();
    till.ring_up(&mut cart, sku, Quantity::units(1)).unwrap();
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&cashier, &cart, &[cash]).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_engine_resumes_on_its_own_when_the_server_comes_back() {
    let (dir, mut till) = demo_till();
    trade(&mut till);
    let proxy = Proxy::start(test_server_addr()).await;
    proxy.set_down(true);
    let database = fresh_database("resume");
    let config = CentralConfig::new(proxy.uri(), Some(database.clone())).unwrap();
    let engine = Engine::new(dir.path(), config, quick()).unwrap();
    let mut status = engine.status();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(engine.run(async {
        let _ = stopped.await;
    }));

    wait_for(&mut status, |s| s.last_error.is_some()).await;
    let offline = status.borrow().clone();
    assert!(!offline.online);
    assert!(offline.pending > 300, "{offline:?}");
    assert!(offline.last_error.unwrap().contains("Cannot reach"));
    // The till keeps selling while the central database is away.
    cash_sale(&mut till, "SNK-013");
    assert!(till.sync_status().unwrap().last_error.is_some());

    // Back online: no local write, the engine finds its way on its own.
    tokio::time::sleep(Duration::from_millis(300)).await;
    proxy.set_down(false);
    wait_for(&mut status, |s| s.online && s.pending == 0).await;
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    let central = Central::connect(&CentralConfig::new(test_uri(), Some(database)).unwrap())
        .await
        .unwrap();
    assert_matches_till(&central, &mut till, SALES_PER_TRADE + 1).await;
    let after = till.sync_status().unwrap();
    assert_eq!((after.pending, after.parked), (0, 0));
    assert!(after.last_success_at.is_some());
    assert_eq!(after.last_error, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_operation_is_parked_and_the_rest_flows() {
    let (dir, mut till) = demo_till();
    let database = fresh_database("poison");
    let config = CentralConfig::new(test_uri(), Some(database)).unwrap();
    // Another till already sent a different product for every store with the SKU DAI-004.
    let central = Central::connect(&config).await.unwrap();
    central.ensure_indexes().await.unwrap();
    let products = central.database().collection::<Document>("products");
    products
        .insert_one(doc! {
            "business_id": till.business().id.object_id(),
            "sku": "DAI-004",
            "product_name": "Someone else's yogurt",
            "stock": 3_i64,
        })
        .await
        .unwrap();

    let mut engine = Engine::new(dir.path(), config.clone(), quick()).unwrap();
    let done = engine.run_until_idle(3, |_| {}).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 1), "{done:?}");
    assert_eq!(
        products.count_documents(doc! {}).await.unwrap(),
        till.stock_levels(false).unwrap().len() as u64,
        "every other product arrived, and the refused one did not replace the central one"
    );
    let manager = sign_in(&mut till, "manager@example.com", "2345");
    let parked = till
        .outbox(&manager, false, 100_000)
        .unwrap()
        .into_iter()
        .find(|e| e.state == sellsync_core::db::outbox::DeliveryState::Parked)
        .unwrap();
    assert_eq!(parked.collection, "products");
    assert!(
        parked.last_error.as_deref().unwrap().contains("E11000")
            || parked.last_error.as_deref().unwrap().contains("11000"),
        "{:?}",
        parked.last_error
    );
    let note = &till.notifications(true, 1).unwrap()[0];
    assert_eq!(note.kind, "sync_parked");

    // Sales go on flowing behind it, including one of the refused product.
    cash_sale(&mut till, "SNK-013");
    cash_sale(&mut till, "DAI-004");
    let done = engine.run_until_idle(3, |_| {}).await.unwrap();
    assert_eq!(done.pending, 0);
    assert_eq!(
        done.parked, 2,
        "the movement of a product the server lacks waits too"
    );
    assert_eq!(
        central
            .database()
            .collection::<Document>("sales_transactions")
            .count_documents(doc! {})
            .await
            .unwrap(),
        2
    );

    // A manager retries (still refused: parked again) or discards.
    let manager = sign_in(&mut till, "manager@example.com", "2345");
    till.retry_parked(&manager, parked.seq).unwrap();
    let done = engine.run_until_idle(3, |_| {}).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 2));
    till.discard_parked(&manager, parked.seq).unwrap();
    assert_eq!(till.sync_status().unwrap().parked, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_settings_get_clear_errors_and_the_till_keeps_selling() {
    let err = Central::connect(&CentralConfig::new("mongo://db.example.com", None).unwrap())
        .await
        .err()
        .unwrap();
    assert!(matches!(err, CentralError::BadUri(_)), "{err:?}");
    assert!(err.to_string().contains("is not valid"), "{err}");

    let secret = "mongodb://till:hunter2@127.0.0.1:1/?serverSelectionTimeoutMS=300";
    let err = Central::connect(&CentralConfig::new(secret, None).unwrap())
        .await
        .err()
        .unwrap();
    assert!(matches!(err, CentralError::Unreachable { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Cannot reach the central database at 127.0.0.1:1. The till keeps selling and will send its changes when the store is back online."
    );

    let wrong = test_uri().replace("mongodb://", "mongodb://nobody:wrong@");
    let err = Central::connect(&CentralConfig::new(&wrong, None).unwrap())
        .await
        .err()
        .unwrap();
    assert!(matches!(err, CentralError::Unauthorized { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("wrong@"), "{err:?}");

    // An engine pointed at nowhere: it says why, and the till sells on.
    let (dir, mut till) = demo_till();
    let mut engine = Engine::new(
        dir.path(),
        CentralConfig::new(secret, None).unwrap(),
        quick(),
    )
    .unwrap();
    let err = engine.run_until_idle(2, |_| {}).await.err().unwrap();
    assert!(
        matches!(err, SyncError::Central(CentralError::Unreachable { .. })),
        "{err:?}"
    );
    cash_sale(&mut till, "SNK-013");
    let status = till.sync_status().unwrap();
    assert!(status.last_error.unwrap().starts_with("Cannot reach"));
    assert!(status.pending > 300);
}

/// A business made at a till (direct mode) carries the seed's `api_key`: null until it has
/// a key, then its first key's label, as a business the operator makes does.
#[tokio::test(flavor = "multi_thread")]
async fn a_business_made_at_a_till_takes_its_first_keys_label() {
    let (dir, mut till) = demo_till();
    let config = CentralConfig::new(test_uri(), Some(fresh_database("first-key"))).unwrap();
    let mut engine = Engine::new(dir.path(), config.clone(), quick()).unwrap();
    engine.run_until_idle(3, |_| {}).await.unwrap();
    let central = Central::connect(&config).await.unwrap();
    let businesses = central.database().collection::<Document>("businesses");
    let id = till.business().id.object_id();
    let business = || async {
        businesses
            .find_one(doc! { "_id": id })
            .await
            .unwrap()
            .unwrap()
    };
    let made = business().await;
    assert_eq!(made.get("api_key"), Some(&bson::Bson::Null), "{made:?}");

    let admin = sign_in(&mut till, "admin@example.com", "1234");
    let first = till.create_api_key(&admin, false).unwrap();
    let second = till.create_api_key(&admin, true).unwrap();
    engine.run_until_idle(3, |_| {}).await.unwrap();
    let label = |key: &sellsync_core::api_keys::ApiKeyMade| key.label.clone();
    assert_eq!(
        business().await.get_str("api_key").unwrap(),
        label(&first),
        "the first key's label, not the second's ({})",
        label(&second)
    );
}
