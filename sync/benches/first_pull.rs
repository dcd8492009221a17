//! A new till's first pull: `sellsync init --from-mongodb` for a store of 100,000
//! products (plus the demo store's staff, payment methods and customers), against the raw
//! driver reading the same products, on the same server in one run.
//!
//!     bash tests/with-mongodb cargo bench -p sellsync-sync --bench first_pull
//!
//! The test server's own speed says nothing about MongoDB's; the ratio to the raw read
//! shows what the till adds (checks, conflict rules, SQLite writes, the search index).

use std::time::Instant;

use bson::{doc, oid::ObjectId, Bson, Decimal128, Document};
use sellsync_core::Till;
use sellsync_sync::pull::provision;
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions};

const PRODUCTS: usize = 100_000;

fn main() {
    let uri = std::env::var("SELLSYNC_TEST_MONGODB_URI").expect(
        "run with a MongoDB-wire server: bash tests/with-mongodb cargo bench -p sellsync-sync --bench first_pull",
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config =
        CentralConfig::new(&uri, Some(format!("bench_pull_{}", std::process::id()))).unwrap();

    // The business: the demo store, synced, then 100,000 more products written centrally.
    let first = tempfile::tempdir().unwrap();
    let (till, _) = Till::create_demo(first.path()).unwrap();
    let (business, store) = (till.business().id, till.store().id);
    drop(till);
    runtime.block_on(async {
        let mut engine =
            Engine::new(first.path(), config.clone(), EngineOptions::default()).unwrap();
        engine.run_until_idle(3, |_| {}).await.unwrap();
        let central = Central::connect(&config).await.unwrap();
        let products = central.database().collection::<Document>("products");
        let seeded = Instant::now();
        let price = Bson::Decimal128("4.99".parse::<Decimal128>().unwrap());
        let docs: Vec<Document> = (0..PRODUCTS)
            .map(|n| {
                let category = ["Pantry", "Dairy", "Household", "Snacks"][n % 4];
                doc! {
                    "_id": ObjectId::new(),
                    "business_id": business.object_id(),
                    "store_id": store.object_id(),
                    "product_name": format!("Catalog Item {n:06} Assorted"),
                    "sku": format!("CAT-{n:06}"),
                    "barcode": format!("29{n:010}"),
                    "category": category,
                    "price": price.clone(),
                    "tax_rate": Bson::Decimal128("8.875".parse::<Decimal128>().unwrap()),
                    "stock": 40,
                    "opening_stock": 40,
                    "stock_threshold": 5,
                    "created_at": bson::DateTime::now(),
                }
            })
            .collect();
        for chunk in docs.chunks(1_000) {
            products.insert_many(chunk).await.unwrap();
        }
        println!(
            "seeded {PRODUCTS} products centrally in {:.1?}",
            seeded.elapsed()
        );
    });

    // The raw driver reading the store's products (1,000 a batch), for comparison.
    let raw = runtime.block_on(async {
        let central = Central::connect(&config).await.unwrap();
        let started = Instant::now();
        let mut cursor = central
            .database()
            .collection::<Document>("products")
            .find(doc! { "business_id": business.object_id(), "store_id": store.object_id() })
            .batch_size(1_000)
            .await
            .unwrap();
        let mut n = 0;
        while cursor.advance().await.unwrap() {
            n += 1;
        }
        assert!(n >= PRODUCTS);
        started.elapsed()
    });

    // The new till: `sellsync init --from-mongodb`.
    let second = tempfile::tempdir().unwrap();
    let (ours, read) = runtime.block_on(async {
        let started = Instant::now();
        let (till, pulled) = provision(second.path(), &config, &store.to_string(), Some("T2"))
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!(pulled.outcome.refused, 0);
        assert!(till.find_product("CAT-099999").unwrap().is_some());
        (took, pulled.read)
    });

    println!("{:<32}{:>8.1?}", "raw driver, products only:", raw);
    println!(
        "{:<32}{:>8.1?}  {read} documents, {:.0} documents/s, {:.2}x the raw read",
        "first pull (init --from-mongodb):",
        ours,
        read as f64 / ours.as_secs_f64(),
        ours.as_secs_f64() / raw.as_secs_f64()
    );
}
