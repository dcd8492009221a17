//! Shared fixtures: a real till in a temporary folder and a fresh database on the
//! MongoDB-wire test server (started by `tests/run`, found through
//! `SELLSYNC_TEST_MONGODB_URI`).
#![allow(dead_code)] // each test file uses its own share of the helpers

pub mod proxy;

use sellsync_contract::Quantity;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use futures_util::TryStreamExt;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::{Cart, CartCustomer, Credential, Money, NewCustomer, Tender, Till};
use sellsync_sync::{Central, CentralConfig};
use tempfile::TempDir;

/// The test server's connection string.
pub fn test_uri() -> String {
    std::env::var("SELLSYNC_TEST_MONGODB_URI").expect(
        "the sync tests need a MongoDB-wire server: run them with `bash tests/run`, \
         or set SELLSYNC_TEST_MONGODB_URI",
    )
}

/// The test server's address, for a proxy in front of it.
pub fn test_server_addr() -> std::net::SocketAddr {
    let uri = test_uri();
    let host = uri
        .trim_start_matches("mongodb://")
        .split(['/', '?'])
        .next()
        .unwrap()
        .to_owned();
    host.parse()
        .unwrap_or_else(|_| panic!("the test server address {host} is not IP:PORT"))
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

/// Opens a new till's first shift (50.00 counted in) as the demo cashier, so it sells.
pub fn open_first_shift(till: &mut Till) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let float =
        sellsync_contract::cash_count::CashCount::amount(sellsync_core::Money::from_minor(5_000))
            .unwrap();
    till.open_shift(&cashier, &float).unwrap();
}

pub fn sign_in(till: &mut Till, email: &str, pin: &str) -> sellsync_core::Actor {
    till.sign_in(email, Credential::Pin(pin)).unwrap()
}

/// Every document of `collection`, sorted by `_id`.
pub async fn all(central: &Central, collection: &str) -> Vec<Document> {
    central
        .database()
        .collection::<Document>(collection)
        .find(doc! {})
        .sort(doc! { "_id": 1 })
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

/// Every document of every collection, sorted by `_id`: what "the same central state"
/// means in these tests.
pub async fn dump(central: &Central) -> Vec<(String, Vec<Document>)> {
    let mut names = central.database().list_collection_names().await.unwrap();
    names.sort();
    let mut everything = Vec::new();
    for name in names {
        let docs = all(central, &name).await;
        everything.push((name, docs));
    }
    everything
}

/// How many sales [`trade`] rings up.
pub const SALES_PER_TRADE: u64 = 5;

/// A morning at the demo till: sales (one with a new customer, one redeeming points),
/// a stock correction, a delivery and a price change.
pub fn trade(till: &mut Till) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let manager = sign_in(till, "manager@example.com", "2345");
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let skus = ["DAI-004", "SNK-014", "DAI-005", "SNK-015", "DAI-006"];
    for (n, sku) in skus.iter().enumerate() {
        let mut cart = Cart::new();
        till.ring_up(&mut cart, sku, Quantity::units(1 + n as i64))
            .unwrap();
        till.ring_up(&mut cart, "DAI-004", Quantity::units(1))
            .unwrap();
        if n == 1 {
            cart.set_customer(Some(CartCustomer::New(NewCustomer {
                name: "Dana Ortiz".into(),
                phone: Some("+1 212 555 0142".into()),
                email: None,
            })));
        }
        if n >= 2 {
            // Alice earns points on one sale and spends some on the next.
            let alice = till
                .find_customer(&cashier, "alice@example.com")
                .unwrap()
                .unwrap();
            cart.redeem_points(alice.loyalty_points / 2);
            cart.set_customer(Some(CartCustomer::Existing(alice)));
        }
        till.complete_sale(&cashier, &cart, std::slice::from_ref(&cash))
            .unwrap();
    }
    till.adjust_stock(&manager, "SNK-014", Quantity::units(-3), "damaged")
        .unwrap();
    till.restock(&manager, "DAI-004", Quantity::units(24), "delivery")
        .unwrap();
    till.update_product(
        &manager,
        "SNK-015",
        &ProductChanges {
            price: Some(Money::from_minor(329)),
            ..ProductChanges::default()
        },
    )
    .unwrap();
}

/// A central product's stock level at `store` (`None`: it has none there).
pub fn level_at(product: &Document, store: ObjectId) -> Option<i64> {
    product
        .get_array("stock_levels")
        .unwrap()
        .iter()
        .filter_map(Bson::as_document)
        .find(|level| level.get_object_id("store_id").unwrap() == store)
        .map(|level| level.get_i64("stock").unwrap())
}

/// Central stock (the till's store's level, and the total over the levels) and loyalty
/// agree with the till's, and the central database holds `sales` sales.
pub async fn assert_matches_till(central: &Central, till: &mut Till, sales: u64) {
    let products = central.database().collection::<Document>("products");
    let store = till.store().id.object_id();
    for product in till.stock_levels(false).unwrap() {
        let doc = products
            .find_one(doc! { "_id": product.id.object_id() })
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} is central", product.sku));
        assert_eq!(
            level_at(&doc, store),
            product.stock.whole(),
            "{}",
            product.sku
        );
        let total: i64 = doc
            .get_array("stock_levels")
            .unwrap()
            .iter()
            .map(|l| l.as_document().unwrap().get_i64("stock").unwrap())
            .sum();
        assert_eq!(doc.get_i64("stock").unwrap(), total, "{}", product.sku);
    }
    let central_sales = central
        .database()
        .collection::<Document>("sales_transactions")
        .count_documents(doc! {})
        .await
        .unwrap();
    assert_eq!(central_sales, sales);
    // Customers the till knows (Alice from the demo, Dana made by `trade`): the same
    // points and purchases centrally.
    let customers = central.database().collection::<Document>("customers");
    let manager = sign_in(till, "manager@example.com", "2345");
    for contact in ["alice@example.com", "+1 212 555 0142"] {
        let Some(local) = till.find_customer(&manager, contact).unwrap() else {
            continue;
        };
        let history = till.purchase_history(&manager, local.id).unwrap();
        let doc = customers
            .find_one(doc! { "_id": local.id.object_id() })
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{contact} is central"));
        assert_eq!(
            doc.get_i64("loyalty_points").unwrap(),
            local.loyalty_points,
            "{contact}"
        );
        assert_eq!(
            doc.get_array("purchase_history").unwrap().len(),
            history.len(),
            "{contact}"
        );
    }
}

/// A pseudo-random sale: one to four lines of the demo's dairy and snacks, now and then
/// for Alice.
pub fn random_sale(till: &mut Till, rng: &mut fastrand::Rng) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let mut cart = Cart::new();
    for _ in 0..rng.usize(1..=4) {
        let sku = format!(
            "{}-{:03}",
            ["DAI", "SNK"][rng.usize(0..2)],
            rng.usize(1..=6)
        );
        till.ring_up(&mut cart, &sku, Quantity::units(rng.i64(1..=3)))
            .unwrap();
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

/// Every product's central stock is its opening stock plus its counted movements, and no
/// movement is left half counted.
pub async fn assert_central_stock_is_its_ledger(central: &Central) {
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
