//! The gateway under load, against the MongoDB-wire test server, in one run:
//!
//! 1. upload: a till's backlog of 10,000 sales sent through the gateway, against the raw
//!    driver inserting the same documents with batched `insert_many` (the ratio);
//! 2. load: 100 tills of one store pushing their backlogs at once (operations a second,
//!    each push's latency), then every sale central exactly once;
//! 3. REST reads: a page of 50 products, by 8 clients at once (requests a second, latency),
//!    with an API key and in a back-office session;
//! 4. the back office's dashboard of a business with 3 stores and 100,000 sales over 30
//!    days: today, 7 and 30 days (MongoDB's aggregation through the gateway), against reading
//!    the same sales with the raw driver and adding them up in Rust.
//!
//!     bash tests/with-mongodb cargo bench -p sellsync-server --bench gateway [-- load reads dashboard]
//!
//! The test server's own speed says nothing about MongoDB's: compare within the run.

#[path = "../tests/common/mod.rs"]
mod common;

use sellsync_contract::Quantity;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bson::{doc, Document};
use common::{create_business, enrolment_code, id_in, Gateway};
use futures_util::TryStreamExt as _;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{Collection, ProductDoc};
use sellsync_core::{Cart, Credential, Currency, Id, Money, Tender, Till};
use sellsync_sync::engine::pause_after;
use sellsync_sync::gateway::{enrol_till, switch_to_gateway};
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions, Step, SyncTarget};

const BACKLOG_SALES: usize = 10_000;
const TILLS: usize = 100;
const SALES_PER_TILL: usize = 50;
const READERS: usize = 8;
const READ_FOR: Duration = Duration::from_secs(5);

fn main() {
    let uri = std::env::var("SELLSYNC_TEST_MONGODB_URI").expect(
        "run with a MongoDB-wire server: bash tests/with-mongodb cargo bench -p sellsync-server --bench gateway",
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tag = std::process::id();
    // `-- load reads` runs only those parts.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    if wanted("upload") {
        upload(&runtime, &uri, tag);
    }
    if wanted("load") {
        load(&runtime, tag);
    }
    if wanted("reads") {
        reads(&runtime, tag);
    }
    if wanted("dashboard") {
        dashboard(&runtime, tag);
    }
}

/// Median and 99th percentile of `samples`.
fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// 1. A backlog through the gateway, against the raw driver.
fn upload(runtime: &tokio::runtime::Runtime, uri: &str, tag: u32) {
    let name = format!("bench_gateway_upload_{tag}");
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    // The store's setup goes central first (directly), then the backlog waits.
    let direct = CentralConfig::new(uri, Some(name.clone())).unwrap();
    runtime.block_on(async {
        let mut engine = Engine::new(dir.path(), direct.clone(), EngineOptions::default()).unwrap();
        engine.run_until_idle(3, |_| {}).await.unwrap();
        premium(&direct, till.business().id).await;
    });
    till.ring_up_demo_sales(BACKLOG_SALES).unwrap();
    let operations = till.pending_operations(usize::MAX).unwrap();
    println!(
        "upload: {BACKLOG_SALES} sales, {} outbox operations",
        operations.len()
    );

    let raw = runtime.block_on(async {
        let config = CentralConfig::new(uri, Some(format!("bench_gateway_raw_{tag}"))).unwrap();
        let central = Central::connect(&config).await.unwrap();
        central.ensure_indexes().await.unwrap();
        let mut by_collection: Vec<(Collection, Vec<Document>)> = Vec::new();
        for op in &operations {
            match by_collection.iter_mut().find(|(c, _)| *c == op.collection) {
                Some((_, docs)) => docs.push(op.payload.clone()),
                None => by_collection.push((op.collection, vec![op.payload.clone()])),
            }
        }
        let started = Instant::now();
        for (collection, docs) in &by_collection {
            let collection = central.database().collection::<Document>(collection.name());
            for chunk in docs.chunks(1_000) {
                collection.insert_many(chunk).await.unwrap();
            }
        }
        started.elapsed()
    });

    let gateway = Gateway::start(&name);
    let code = enrolment_code(
        &name,
        &till.business().id.to_string(),
        &till.store().id.to_string(),
    );
    let admin = till
        .sign_in("admin@example.com", Credential::Pin("1234"))
        .unwrap();
    let approval = till.approve_sync_setup(&admin).unwrap();
    let through = runtime.block_on(async {
        let config = switch_to_gateway(&till, &approval, &gateway.base, &code)
            .await
            .unwrap();
        let mut engine = Engine::new(dir.path(), config, EngineOptions::default()).unwrap();
        let started = Instant::now();
        // The upload ends with the first step that pushes nothing; the pull that follows
        // (the till's own documents coming back) is not part of it.
        while let Step::Pushed { parked, .. } = engine.step().await.unwrap() {
            assert_eq!(parked, 0);
        }
        started.elapsed()
    });
    let n = operations.len() as f64;
    println!(
        "  raw driver insert_many: {raw:>8.1?}  {:>8.0} operations/s",
        n / raw.as_secs_f64()
    );
    println!(
        "  through the gateway:    {through:>8.1?}  {:>8.0} operations/s  {:.2}x the raw driver's time",
        n / through.as_secs_f64(),
        through.as_secs_f64() / raw.as_secs_f64()
    );
}

/// Gives the demo business a plan with room for a hundred tills.
async fn premium(config: &CentralConfig, business: Id) {
    let central = Central::connect(config).await.unwrap();
    central
        .database()
        .collection::<Document>("businesses")
        .update_one(
            doc! { "_id": business.object_id() },
            doc! { "$set": { "package_plan": "Premium", "subscription_status": "active" } },
        )
        .await
        .unwrap();
}

/// 2. A hundred tills pushing at once.
fn load(runtime: &tokio::runtime::Runtime, tag: u32) {
    let name = format!("bench_gateway_load_{tag}");
    let (created, _) = create_business(&name, "Busy Market", "Premium");
    let (business, store) = (id_in(&created, "business"), id_in(&created, "store"));
    let gateway = Gateway::start(&name);
    let uri = common::uri();
    let started = Instant::now();
    // The catalog: 200 products made at a first till.
    let dirs: Vec<tempfile::TempDir> = (0..TILLS).map(|_| tempfile::tempdir().unwrap()).collect();
    for (n, dir) in dirs.iter().enumerate() {
        let code = enrolment_code(&name, &business, &store);
        let (mut till, _) = runtime
            .block_on(enrol_till(
                dir.path(),
                &gateway.base,
                &code,
                Some(&format!("L{n}")),
            ))
            .unwrap();
        if n == 0 {
            let owner = till
                .sign_in("owner@example.com", Credential::Pin("4321"))
                .unwrap();
            let products: Vec<sellsync_core::catalog::NewProduct> = (0..200)
                .map(|p| sellsync_core::catalog::NewProduct {
                    sku: format!("SKU-{p:03}"),
                    product_name: format!("Product {p}"),
                    price: Money::from_minor(199 + p),
                    stock: Quantity::units(1_000),
                    ..Default::default()
                })
                .collect();
            till.add_products(&owner, &products).unwrap();
            drop(till);
            runtime.block_on(sync_until_idle(dir.path()));
        }
    }
    // Every till but the first now pulls the catalog, then sells offline.
    let mut expected_sales = 0;
    for dir in &dirs {
        runtime.block_on(sync_until_idle(dir.path()));
        let mut till = Till::open(dir.path()).unwrap();
        let owner = till
            .sign_in("owner@example.com", Credential::Pin("4321"))
            .unwrap();
        till.open_shift(
            &owner,
            &CashCount::amount(Money::from_minor(10_000)).unwrap(),
        )
        .unwrap();
        let cash = Tender {
            method: till.payment_method("cash").unwrap(),
            amount: None,
        };
        for sale in 0..SALES_PER_TILL {
            let mut cart = Cart::new();
            for line in 0..4 {
                let sku = format!("SKU-{:03}", (sale * 7 + line * 13) % 200);
                till.ring_up(&mut cart, &sku, Quantity::units(1)).unwrap();
            }
            till.complete_sale(&owner, &cart, std::slice::from_ref(&cash))
                .unwrap();
            expected_sales += 1;
        }
    }
    println!(
        "load: {TILLS} tills enrolled, {expected_sales} sales waiting (set up in {:.1?})",
        started.elapsed()
    );

    // All at once: each till's engine pushes its backlog, 100 operations a push.
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let delivered = runtime.block_on(async {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for dir in &dirs {
            let target = SyncTarget::for_till(dir.path(), None, None)
                .unwrap()
                .unwrap();
            let options = EngineOptions {
                batch_size: 100,
                ..EngineOptions::default()
            };
            let mut engine = Engine::new(dir.path(), target, options.clone()).unwrap();
            let latencies = Arc::clone(&latencies);
            tasks.push(tokio::spawn(async move {
                let (mut delivered, mut failed, mut failures) = (0, 0, 0);
                loop {
                    let at = Instant::now();
                    // A failed push is sent again after the engine's own pause (as long as
                    // the gateway asks, when it is busy).
                    match engine.step().await {
                        Ok(Step::Pushed { delivered: n, .. }) => {
                            latencies.lock().unwrap().push(at.elapsed());
                            delivered += n;
                            failures = 0;
                        }
                        // Its backlog is all central: what it would pull now (the other
                        // tills' sales) is not part of the push load.
                        Ok(Step::Pulled { .. } | Step::Idle) => return (delivered, failed),
                        Err(e) => {
                            failed += 1;
                            failures += 1;
                            tokio::time::sleep(pause_after(&options, failures, &e)).await;
                        }
                    }
                }
            }));
        }
        let (mut delivered, mut failed) = (0, 0);
        for task in tasks {
            let (d, f) = task.await.unwrap();
            delivered += d;
            failed += f;
        }
        (delivered, failed, started.elapsed())
    });
    let (operations, failed, took) = delivered;
    let mut latencies = latencies.lock().unwrap().clone();
    let (median, p99) = percentiles(&mut latencies);
    println!(
        "  {operations} operations in {took:.1?}: {:.0} operations/s; a push of up to 100: median {median:.1?}, p99 {p99:.1?} ({} pushes, {failed} sent again)",
        operations as f64 / took.as_secs_f64(),
        latencies.len()
    );
    // Every sale central exactly once.
    let sales = runtime.block_on(async {
        let central = Central::connect(&CentralConfig::new(uri, Some(name)).unwrap())
            .await
            .unwrap();
        let sales = central
            .database()
            .collection::<Document>("sales_transactions");
        let count = sales.count_documents(doc! {}).await.unwrap();
        let distinct = sales.distinct("sale_number", doc! {}).await.unwrap().len();
        (count, distinct)
    });
    assert_eq!(sales, (expected_sales, expected_sales as usize));
    println!(
        "  every sale central exactly once: {} of {expected_sales}",
        sales.0
    );
}

async fn sync_until_idle(dir: &Path) {
    let target = SyncTarget::for_till(dir, None, None).unwrap().unwrap();
    let mut engine = Engine::new(dir, target, EngineOptions::default()).unwrap();
    let done = engine.run_until_idle(3, |_| {}).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 0), "{done:?}");
}

/// 3. Pages of products read through the REST API by several clients at once.
fn reads(runtime: &tokio::runtime::Runtime, tag: u32) {
    let name = format!("bench_gateway_reads_{tag}");
    let (created, key) = create_business(&name, "Read Market", "Premium");
    let business: Id = id_in(&created, "business").parse().unwrap();
    runtime.block_on(async {
        let central =
            Central::connect(&CentralConfig::new(common::uri(), Some(name.clone())).unwrap())
                .await
                .unwrap();
        let usd = Currency::from_code("USD").unwrap();
        let products: Vec<Document> = (0..1_000)
            .map(|p| {
                ProductDoc {
                    id: Id::new(),
                    business_id: business,
                    store_id: None,
                    product_name: format!("Product {p}"),
                    sku: format!("SKU-{p:04}"),
                    barcode: None,
                    category: "Bench".into(),
                    price: Money::from_minor(100 + p),
                    tax_rate: None,
                    unit: sellsync_contract::Unit::Piece,
                    tare: Quantity::ZERO,
                    variant: None,
                    stock: Quantity::ZERO,
                    opening_stock: None,
                    stock_levels: Some(Vec::new()),
                    stock_threshold: Quantity::ZERO,
                    supplier_id: None,
                    reorder_quantity: Quantity::ZERO,
                    unit_cost: None,
                    created_at: None,
                    updated_at: None,
                }
                .to_document(&usd)
            })
            .collect();
        central
            .database()
            .collection::<Document>("products")
            .insert_many(products)
            .await
            .unwrap();
    });
    let gateway = Gateway::start_with(&name, &["--rate-limit", "1000000"]);
    let through_key = read_pages(
        &gateway,
        "with an API key",
        &[("Authorization", &format!("Bearer {key}"))],
    );
    // The same page as the back office reads it: the owner signed in, a session's cookie.
    runtime.block_on(async {
        let hash = sellsync_contract::credentials::hash_secret("bench password").unwrap();
        common::db(&name)
            .await
            .collection::<Document>("users")
            .update_one(
                doc! { "email": "owner@example.com" },
                doc! { "$set": { "password_hash": hash } },
            )
            .await
            .unwrap();
    });
    let body = serde_json::json!({ "email": "owner@example.com", "password": "bench password" });
    let (status, headers, _) = gateway.call("POST", "/v1/session", None, &body.to_string(), &[]);
    assert_eq!(status, 201);
    let cookie = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .and_then(|(_, v)| v.split(';').next())
        .unwrap()
        .to_owned();
    let through_session = read_pages(&gateway, "in a back-office session", &[("Cookie", &cookie)]);
    // The yardstick: the same page read by the raw driver, as many readers at once.
    let (pages, took, mut latencies) = runtime.block_on(async {
        let central =
            Central::connect(&CentralConfig::new(common::uri(), Some(name.clone())).unwrap())
                .await
                .unwrap();
        let products = central.database().collection::<Document>("products");
        let started = Instant::now();
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                let products = products.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    while started.elapsed() < READ_FOR {
                        let at = Instant::now();
                        let page: Vec<Document> = products
                            .find(doc! { "business_id": business.object_id() })
                            .sort(doc! { "_id": 1 })
                            .limit(51)
                            .await
                            .unwrap()
                            .try_collect()
                            .await
                            .unwrap();
                        assert_eq!(page.len(), 51);
                        latencies.push(at.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for reader in readers {
            latencies.extend(reader.await.unwrap());
        }
        (latencies.len(), started.elapsed(), latencies)
    });
    let (median, p99) = percentiles(&mut latencies);
    let raw = pages as f64 / took.as_secs_f64();
    println!(
        "reads: the raw driver, the same page by {READERS} tasks: {pages} reads in {took:.1?}, {raw:.0} reads/s; median {median:.1?}, p99 {p99:.1?}; the gateway at {:.2}x the raw driver's rate with a key, {:.2}x in a session",
        through_key / raw,
        through_session / raw
    );
}

/// A page of 50 products read through `gateway` with `headers` by [`READERS`] clients at
/// once for [`READ_FOR`]: prints and answers the requests a second.
fn read_pages(gateway: &Gateway, how: &str, headers: &[(&str, &str)]) -> f64 {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..READERS {
            let latencies = Arc::clone(&latencies);
            scope.spawn(move || {
                while started.elapsed() < READ_FOR {
                    let at = Instant::now();
                    let (status, _, body) =
                        gateway.call("GET", "/v1/products?limit=50", None, "", headers);
                    assert_eq!(
                        (status, body["data"].as_array().map(Vec::len)),
                        (200, Some(50))
                    );
                    latencies.lock().unwrap().push(at.elapsed());
                }
            });
        }
    });
    let took = started.elapsed();
    let mut latencies = latencies.lock().unwrap().clone();
    let (median, p99) = percentiles(&mut latencies);
    let rate = latencies.len() as f64 / took.as_secs_f64();
    println!(
        "reads: GET /v1/products?limit=50 {how} by {READERS} clients: {} requests in {took:.1?}, {rate:.0} requests/s; median {median:.1?}, p99 {p99:.1?}",
        latencies.len(),
    );
    rate
}

const DASHBOARD_SALES: usize = 100_000;
const DASHBOARD_DAYS: i64 = 30;
const DASHBOARD_TRIES: usize = 3;

/// The dashboard of 3 stores and 100,000 sales over 30 days (part 4), each of 3 lines of
/// 200 products in 10 categories (the fields the dashboard reads, as tills write them).
fn dashboard(runtime: &tokio::runtime::Runtime, tag: u32) {
    use bson::Decimal128;
    use std::str::FromStr as _;
    let name = format!("bench_gateway_dashboard_{tag}");
    let (created, key) = create_business(&name, "Three Stores", "Premium");
    let business = bson::oid::ObjectId::parse_str(id_in(&created, "business")).unwrap();
    let mut stores = vec![bson::oid::ObjectId::parse_str(id_in(&created, "store")).unwrap()];
    for n in 2..=3 {
        let made = common::run_ok(
            &[
                "admin",
                "create-store",
                "--business",
                &business.to_hex(),
                "--name",
                &format!("Store {n}"),
            ],
            &name,
        );
        stores.push(bson::oid::ObjectId::parse_str(id_in(&made, "store")).unwrap());
    }
    let products: Vec<bson::oid::ObjectId> = (0..200).map(|_| bson::oid::ObjectId::new()).collect();
    let now = chrono::Utc::now();
    runtime.block_on(async {
        let db = common::db(&name).await;
        let catalog: Vec<Document> = products
            .iter()
            .enumerate()
            .map(|(n, id)| doc! { "_id": id, "business_id": business, "product_name": format!("Product {n}"),
                                  "sku": format!("P{n:03}"), "category": format!("Category {}", n % 10) })
            .collect();
        db.collection::<Document>("products").insert_many(catalog).await.unwrap();
        let sales = db.collection::<Document>("sales_transactions");
        let started = Instant::now();
        for chunk in (0..DASHBOARD_SALES).collect::<Vec<_>>().chunks(10_000) {
            let batch: Vec<Document> = chunk
                .iter()
                .map(|&n| {
                    let at = now - chrono::Duration::minutes((n as i64 * 431) % (DASHBOARD_DAYS * 24 * 60));
                    let items: Vec<Document> = (0..3)
                        .map(|line| {
                            let product = products[(n * 7 + line * 13) % products.len()];
                            doc! { "product_id": product, "product_name": format!("Product {}", (n * 7 + line * 13) % 200),
                                   "quantity": 1_i64 + (n % 3) as i64,
                                   "total_price": Decimal128::from_str("2.50").unwrap() }
                        })
                        .collect();
                    doc! {
                        "business_id": business, "store_id": stores[n % 3],
                        "transaction_status": "completed",
                        "transaction_type": if n % 20 == 0 { "return" } else { "sale" },
                        "total_amount": Decimal128::from_str("7.50").unwrap(),
                        "created_at": bson::DateTime::from_chrono(at), "items": items,
                    }
                })
                .collect();
            sales.insert_many(batch).await.unwrap();
        }
        println!("dashboard: {DASHBOARD_SALES} sales over {DASHBOARD_DAYS} days in 3 stores written in {:.1?}", started.elapsed());
    });
    let gateway = Gateway::start_with(&name, &["--rate-limit", "1000000"]);
    let zone: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let today = now.with_timezone(&zone).date_naive();
    for (what, days) in [("today", 0), ("7 days", 6), ("30 days", DASHBOARD_DAYS - 1)] {
        let from = today - chrono::Duration::days(days);
        let path = format!("/v1/dashboard?from={from}&to={today}");
        let mut took = Vec::new();
        let mut counted = 0;
        for _ in 0..DASHBOARD_TRIES {
            let at = Instant::now();
            let (status, board) = gateway.get(&path, Some(&key));
            took.push(at.elapsed());
            if status != 200 {
                println!(
                    "dashboard: {what}: answered {status} after {:.1?}: {}",
                    at.elapsed(),
                    board["detail"]
                );
                break;
            }
            counted = board["total"]["sales_count"].as_i64().unwrap()
                + board["total"]["returns_count"].as_i64().unwrap();
        }
        if counted == 0 {
            continue;
        }
        let (median, slowest) = percentiles(&mut took);
        // The yardstick: the same range's sales read by the raw driver and added up in
        // Rust, per store.
        let start = bson::DateTime::from_chrono(
            from.and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(zone)
                .earliest()
                .unwrap()
                .with_timezone(&chrono::Utc),
        );
        let mut read_took = Vec::new();
        runtime.block_on(async {
            let sales = common::db(&name)
                .await
                .collection::<Document>("sales_transactions");
            for _ in 0..DASHBOARD_TRIES {
                let at = Instant::now();
                let read: Vec<Document> = sales
                    .find(doc! { "business_id": business, "created_at": { "$gte": start } })
                    .projection(doc! { "store_id": 1, "transaction_type": 1, "total_amount": 1, "items": 1 })
                    .await
                    .unwrap()
                    .try_collect()
                    .await
                    .unwrap();
                let mut per_store: std::collections::HashMap<bson::oid::ObjectId, f64> =
                    Default::default();
                for sale in &read {
                    let amount: f64 = sale
                        .get_decimal128("total_amount")
                        .unwrap()
                        .to_string()
                        .parse()
                        .unwrap();
                    *per_store
                        .entry(sale.get_object_id("store_id").unwrap())
                        .or_default() += amount;
                }
                assert_eq!(read.len() as i64, counted);
                read_took.push(at.elapsed());
            }
        });
        let (read_median, _) = percentiles(&mut read_took);
        // How much of it is the server finding the range in an aggregation at all: its
        // `$match` and a count, nothing added up.
        let matched = runtime.block_on(async {
            let sales = common::db(&name)
                .await
                .collection::<Document>("sales_transactions");
            let at = Instant::now();
            let _: Vec<Document> = sales
                .aggregate([
                    doc! { "$match": { "business_id": business, "created_at": { "$gte": start } } },
                    doc! { "$count": "sales" },
                ])
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            at.elapsed()
        });
        println!(
            "dashboard: {what} ({counted} of {DASHBOARD_SALES} sales and returns): the gateway's dashboard median {median:.1?} (slowest of {DASHBOARD_TRIES} {slowest:.1?}); the raw driver reading those sales and adding them up in Rust, median {read_median:.1?}; an aggregation of the range's $match and a count alone {matched:.1?}"
        );
    }
}
