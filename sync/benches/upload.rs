//! Upload throughput: the engine sending a till's backlog of 10,000 sales (about 50,000
//! outbox operations) to the central database, with transactions and without, against the
//! raw driver inserting the same documents with batched `insert_many` (1,000 a call), on
//! the same server in one run.
//!
//!     bash tests/with-mongodb cargo bench -p sellsync-sync --bench upload
//!
//! The ratio is the figure that matters: the test server's own speed says nothing about
//! MongoDB's.

use std::time::Instant;

use bson::Document;
use sellsync_contract::documents::Collection;
use sellsync_core::Till;
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions};

const SALES: usize = 10_000;

fn main() {
    let uri = std::env::var("SELLSYNC_TEST_MONGODB_URI").expect(
        "run with a MongoDB-wire server: bash tests/with-mongodb cargo bench -p sellsync-sync --bench upload",
    );
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let backlog = Instant::now();
    till.ring_up_demo_sales(SALES).unwrap();
    let operations = till.pending_operations(usize::MAX).unwrap();
    println!(
        "backlog: {SALES} sales, {} outbox operations (made in {:.1?})",
        operations.len(),
        backlog.elapsed()
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tag = std::process::id();

    // The raw driver: the same documents, inserted in batches, with the same indexes.
    let raw = runtime.block_on(async {
        let config = CentralConfig::new(&uri, Some(format!("bench_raw_{tag}"))).unwrap();
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

    // The engine, as `sellsync sync --once` runs it: with transactions (the server offers
    // them), then on a copy of the till without (as on a standalone server).
    drop(till); // closing the last connection folds the WAL into the database file
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("till.sqlite3"),
        copy.path().join("till.sqlite3"),
    )
    .unwrap();
    let engine_time = |data_dir: &std::path::Path, transactions: bool| {
        runtime.block_on(async {
            let name = format!(
                "bench_engine_{}_{tag}",
                if transactions { "tx" } else { "plain" }
            );
            let config = CentralConfig::new(&uri, Some(name)).unwrap();
            let options = EngineOptions {
                transactions,
                ..EngineOptions::default()
            };
            let mut engine = Engine::new(data_dir, config, options).unwrap();
            let started = Instant::now();
            // The upload ends when nothing is pending; the pull that follows (the till's
            // own documents coming back) is not part of it.
            let mut uploaded = None;
            let done = engine
                .run_until_idle(3, |s| {
                    if s.pending == 0 && uploaded.is_none() {
                        uploaded = Some(started.elapsed());
                    }
                })
                .await
                .unwrap();
            assert_eq!((done.pending, done.parked), (0, 0));
            assert_eq!(done.delivered, operations.len() as u64);
            uploaded.expect("the outbox emptied")
        })
    };
    let ours = engine_time(dir.path(), true);
    let plain = engine_time(copy.path(), false);

    let n = operations.len() as f64;
    println!(
        "{:<25}{:>8.1?}  {:>8.0} operations/s",
        "raw driver insert_many:",
        raw,
        n / raw.as_secs_f64()
    );
    for (label, time) in [
        ("engine, transactions:", ours),
        ("engine, no transactions:", plain),
    ] {
        println!(
            "{label:<25}{:>8.1?}  {:>8.0} operations/s  {:.2}x the raw driver's time",
            time,
            n / time.as_secs_f64(),
            time.as_secs_f64() / raw.as_secs_f64()
        );
    }
}
