//! Shared fixtures: a real till in a temporary folder and a fresh database on the
//! MongoDB-wire test server (started by `tests/run`, found through
//! `SELLSYNC_TEST_MONGODB_URI`).
#![allow(dead_code)] // each test file uses its own share of the helpers

use std::sync::atomic::{AtomicUsize, Ordering};

use bson::{doc, Document};
use futures_util::TryStreamExt;
use sellsync_core::{Credential, Till};
use sellsync_sync::{Central, CentralConfig};
use tempfile::TempDir;

/// The test server's connection string.
pub fn test_uri() -> String {
    std::env::var("SELLSYNC_TEST_MONGODB_URI").expect(
        "the sync tests need a MongoDB-wire server: run them with `bash tests/run`, \
         or set SELLSYNC_TEST_MONGODB_URI",
    )
}

/// A database name no other test uses.
pub fn fresh_database(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "t_{name}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A connection to a new, empty database on the test server, with its indexes.
pub async fn central(name: &str) -> Central {
    let config = CentralConfig::new(test_uri(), Some(fresh_database(name))).unwrap();
    let central = Central::connect(&config).await.unwrap();
    central.ensure_indexes().await.unwrap();
    central
}

/// The demo till in a temporary folder.
pub fn demo_till() -> (TempDir, Till) {
    let dir = tempfile::tempdir().unwrap();
    let (till, _) = Till::create_demo(dir.path()).unwrap();
    (dir, till)
}

pub fn sign_in(till: &mut Till, email: &str, pin: &str) -> sellsync_core::Actor {
    till.sign_in(email, Credential::Pin(pin)).unwrap()
}

/// Every document of every collection, sorted by `_id`: what "the same central state"
/// means in these tests.
pub async fn dump(central: &Central) -> Vec<(String, Vec<Document>)> {
    let db = central.database();
    let mut names = db.list_collection_names().await.unwrap();
    names.sort();
    let mut all = Vec::new();
    for name in names {
        let docs: Vec<Document> = db
            .collection::<Document>(&name)
            .find(doc! {})
            .sort(doc! { "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        all.push((name, docs));
    }
    all
}
