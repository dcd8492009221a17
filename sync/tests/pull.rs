//! Pulls against the real MongoDB-wire server: a new till provisioned from the central
//! data, central edits reaching every till, and three tills selling the same products
//! offline that converge once they reconnect, in any order.

mod common;

use sellsync_contract::Quantity;
use std::path::Path;
use std::time::Duration;

use bson::{doc, oid::ObjectId, Bson, Decimal128, Document};
use common::{all, demo_till, fresh_database, level_at, open_first_shift, sign_in, test_uri};
use futures_util::TryStreamExt as _;
use sellsync_central::audit;
use sellsync_contract::documents::OrderStatus;
use sellsync_core::shift::IfParked;
use sellsync_core::{Cart, Credential, Error, Money, Tender, Till};
use sellsync_sync::pull::provision;
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions, EngineStatus, SyncError};
use tempfile::TempDir;

fn options(transactions: bool) -> EngineOptions {
    EngineOptions {
        batch_size: 200,
        idle_poll: Duration::from_millis(100),
        backoff_floor: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(300),
        transactions,
    }
}

/// `sellsync sync --once` for the till in `dir`: push everything, pull everything.
async fn sync_once(dir: &Path, config: &CentralConfig) -> EngineStatus {
    sync_once_with(dir, config, true).await
}

async fn sync_once_with(dir: &Path, config: &CentralConfig, transactions: bool) -> EngineStatus {
    let mut engine = Engine::new(dir, config.clone(), options(transactions)).unwrap();
    engine.run_until_idle(3, |_| {}).await.unwrap()
}

fn config(name: &str) -> CentralConfig {
    CentralConfig::new(test_uri(), Some(fresh_database(name))).unwrap()
}

/// A demo till whose data is central, and a second till of its store provisioned from
/// the central database.
async fn two_tills(config: &CentralConfig) -> ((TempDir, Till), (TempDir, Till)) {
    let (dir_a, till_a) = demo_till();
    let status = sync_once(dir_a.path(), config).await;
    assert_eq!(status.pending, 0);
    let dir_b = tempfile::tempdir().unwrap();
    let store = till_a.store().id.to_string();
    let (mut till_b, pulled) = provision(dir_b.path(), config, &store, Some("T2"))
        .await
        .unwrap();
    assert_eq!(pulled.outcome.refused, 0, "{pulled:?}");
    assert_eq!(
        till_b.outbox_counts().unwrap().pending,
        0,
        "nothing to send back"
    );
    open_first_shift(&mut till_b);
    ((dir_a, till_a), (dir_b, till_b))
}

fn dec(text: &str) -> Bson {
    Bson::Decimal128(text.parse::<Decimal128>().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_till_starts_from_the_central_data_and_follows_central_edits() {
    let config = config("provision");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;

    // The new till holds the store's catalog, staff and payment methods, and sells.
    assert_eq!(
        till_b.stock_levels(false).unwrap().len(),
        till_a.stock_levels(false).unwrap().len()
    );
    assert_eq!(
        till_b.payment_methods().unwrap(),
        till_a.payment_methods().unwrap()
    );
    assert_eq!(
        till_b.business().business_name,
        till_a.business().business_name
    );
    // (Provisioning sent nothing back: `two_tills` checks it.)
    assert!(till_b.pull_checkpoint().unwrap().is_some());
    let cashier = sign_in(&mut till_b, "cashier@example.com", "1111");
    let mut cart = Cart::new();
    till_b
        .ring_up(&mut cart, "DAI-004", Quantity::units(2))
        .unwrap();
    let cash = Tender {
        method: till_b.payment_method("cash").unwrap(),
        amount: None,
    };
    let sale = till_b.complete_sale(&cashier, &cart, &[cash]).unwrap();
    assert!(sale.sale_number.starts_with("T2-"));

    // The back office edits the central data directly.
    let central = Central::connect(&config).await.unwrap();
    let db = central.database();
    let business = till_a.business().id.object_id();
    let store = till_a.store().id.object_id();
    let oats = till_a.find_product("PAN-007").unwrap().unwrap();
    db.collection::<Document>("products")
        .update_one(
            doc! { "_id": oats.id.object_id() },
            doc! { "$set": { "price": dec("5.79"), "product_name": "Rolled Oats 42 oz, House Brand" } },
        )
        .await
        .unwrap();
    let new_product = ObjectId::new();
    db.collection::<Document>("products")
        .insert_one(doc! {
            "_id": new_product, "business_id": business, "store_id": store,
            "product_name": "Sourdough Loaf", "sku": "BAK-900", "barcode": "2000099000006",
            "category": "Bakery", "price": dec("4.25"), "stock": 7, "stock_threshold": 2,
            "created_at": bson::DateTime::now(),
        })
        .await
        .unwrap();
    let users = db.collection::<Document>("users");
    let manager = users
        .find_one(doc! { "email": "manager@example.com" })
        .await
        .unwrap()
        .unwrap();
    let mut new_user = manager.clone();
    new_user.insert("_id", ObjectId::new());
    new_user.insert("name", "Sam Okafor");
    new_user.insert("email", "sam@example.com");
    users.insert_one(new_user).await.unwrap();
    users
        .delete_one(doc! { "email": "cashier@example.com" })
        .await
        .unwrap();
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "_id": business },
            doc! { "$set": { "settings.timezone": "America/Chicago" } },
        )
        .await
        .unwrap();

    // Both tills pick the edits up, from their own checkpoints.
    for (dir, till) in [(&dir_a, &mut till_a), (&dir_b, &mut till_b)] {
        let status = sync_once(dir.path(), &config).await;
        assert!(status.pulled >= 5, "{status:?}");
        *till = Till::open(dir.path()).unwrap();
        let oats = till.find_product("PAN-007").unwrap().unwrap();
        assert_eq!(oats.price, Money::from_minor(579));
        assert_eq!(oats.product_name, "Rolled Oats 42 oz, House Brand");
        let bread = till.find_product("2000099000006").unwrap().unwrap();
        assert_eq!(
            (bread.stock, bread.price),
            (Quantity::units(7), Money::from_minor(425))
        );
        till.sign_in("sam@example.com", Credential::Pin("2345"))
            .unwrap();
        assert!(matches!(
            till.sign_in("cashier@example.com", Credential::Pin("1111")),
            Err(Error::UnknownUser(_))
        ));
        assert_eq!(till.business().timezone.name(), "America/Chicago");
        assert!(till.verify_stock_ledger().unwrap().mismatches.is_empty());
    }
    // Till B's sale went out with its sync, after till A's: A sees it at its next one.
    sync_once(dir_a.path(), &config).await;
    let till_a = Till::open(dir_a.path()).unwrap();
    let milk_a = till_a.find_product("DAI-004").unwrap().unwrap();
    let milk_b = till_b.find_product("DAI-004").unwrap().unwrap();
    assert_eq!(milk_a.stock, milk_b.stock);

    assert!(till_a.verify_stock_ledger().unwrap().mismatches.is_empty());

    // Nothing new: the next sync reads nothing.
    let status = sync_once(dir_a.path(), &config).await;
    assert_eq!((status.delivered, status.pulled), (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_checkpoint_means_reading_everything_again() {
    let config = config("checkpoint");
    let (dir, mut till) = demo_till();
    sync_once(dir.path(), &config).await;
    // As if the server had lost the history after this till's checkpoint.
    till.apply_central_changes(&[], Some(r#"{"_data":"00"}"#))
        .unwrap();
    let status = sync_once(dir.path(), &config).await;
    let products = till.stock_levels(false).unwrap().len() as u64;
    assert!(status.pulled > products, "{status:?}");
    let checkpoint = Till::open(dir.path()).unwrap().pull_checkpoint().unwrap();
    assert_ne!(checkpoint.as_deref(), Some(r#"{"_data":"00"}"#));
    assert!(checkpoint.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn provisioning_explains_a_wrong_store_and_leaves_nothing() {
    let config = config("wrong_store");
    let (dir_a, _till_a) = demo_till();
    sync_once(dir_a.path(), &config).await;
    let dir = tempfile::tempdir().unwrap();
    let err = provision(dir.path(), &config, "not-an-id", None)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, SyncError::BadStoreId(_)), "{err}");
    let err = provision(dir.path(), &config, &ObjectId::new().to_hex(), None)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, SyncError::UnknownStore { .. }), "{err}");
    assert!(err.to_string().contains("no store"), "{err}");
    assert!(!dir.path().join("till.sqlite3").exists());
}

/// One till's offline trading: a few sales of the shared products, now and then a
/// correction. Returns the number of sales.
fn sell_offline(till: &mut Till, rng: &mut fastrand::Rng) -> u64 {
    const SHARED: [&str; 5] = ["DAI-004", "SNK-014", "DAI-005", "PAN-007", "PRO-001"];
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let sales = rng.u64(1..6);
    for _ in 0..sales {
        let mut cart = Cart::new();
        for _ in 0..rng.usize(1..4) {
            let sku = SHARED[rng.usize(..SHARED.len())];
            till.ring_up(&mut cart, sku, Quantity::units(rng.i64(1..4)))
                .unwrap();
        }
        till.complete_sale(&cashier, &cart, std::slice::from_ref(&cash))
            .unwrap();
    }
    if rng.bool() {
        let manager = sign_in(till, "manager@example.com", "2345");
        let sku = SHARED[rng.usize(..SHARED.len())];
        till.adjust_stock(
            &manager,
            sku,
            Quantity::units([-2, -1, 1, 3][rng.usize(..4)]),
            "recount",
        )
        .unwrap();
    }
    sales
}

#[tokio::test(flavor = "multi_thread")]
async fn three_tills_selling_offline_converge_in_any_order() {
    three_tills_converge(true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn three_tills_converge_without_transactions_too() {
    three_tills_converge(false).await;
}

/// A second store of the demo business, added by the back office, with the demo's
/// cashier and manager working at every store.
async fn second_store(config: &CentralConfig, business: ObjectId) -> ObjectId {
    let central = Central::connect(config).await.unwrap();
    let db = central.database();
    let store = ObjectId::new();
    db.collection::<Document>("stores")
        .insert_one(doc! {
            "_id": store, "business_id": business, "store_name": "Corner Market - Uptown",
            "location": "9 Hill St", "phone": "+1 555 555 0199",
            "operating_hours": { "open": "08:00", "close": "20:00" },
            "created_at": bson::DateTime::now(),
        })
        .await
        .unwrap();
    db.collection::<Document>("users")
        .update_many(
            doc! { "email": { "$in": ["cashier@example.com", "manager@example.com"] } },
            doc! { "$unset": { "store_id": "" } },
        )
        .await
        .unwrap();
    store
}

/// Two tills of the demo store and one of a second store of the same business sell the
/// same business-wide products offline and sync in a random order: every sale is central
/// once, and each store's level (on its tills and centrally) is its own opening stock
/// plus its own movements, never the other store's.
async fn three_tills_converge(transactions: bool) {
    let seed = fastrand::u64(..);
    println!("seed {seed} (transactions: {transactions})");
    let mut rng = fastrand::Rng::with_seed(seed);
    let config = config("three_tills");
    let ((dir_a, till_a), (dir_b, till_b)) = two_tills(&config).await;
    let uptown = second_store(&config, till_a.business().id.object_id()).await;
    let dir_c = tempfile::tempdir().unwrap();
    let (mut till_c, _) = provision(dir_c.path(), &config, &uptown.to_hex(), None)
        .await
        .unwrap();
    open_first_shift(&mut till_c);
    assert_ne!(till_c.till_code(), till_b.till_code());
    assert_eq!(till_c.store().id.object_id(), uptown);
    let milk = till_c.find_product("DAI-004").unwrap().unwrap();
    assert_eq!(
        milk.stock,
        Quantity::units(0),
        "a new store opens with none of the first store's stock"
    );
    let mut tills = vec![(dir_a, till_a), (dir_b, till_b), (dir_c, till_c)];

    let mut sales = 0;
    for round in 0..4 {
        for (_, till) in tills.iter_mut() {
            sales += sell_offline(till, &mut rng);
        }
        // They come back online one by one, in a random order, and not all every round.
        let mut order: Vec<usize> = (0..tills.len()).collect();
        rng.shuffle(&mut order);
        for &i in order.iter().take(rng.usize(1..=tills.len())) {
            sync_once_with(tills[i].0.path(), &config, transactions).await;
        }
        println!("round {round}: {sales} sales so far");
    }
    // At the end every till syncs twice: the first pass sends, the second brings back
    // what the tills after it sent.
    for _ in 0..2 {
        for (dir, _) in &tills {
            let status = sync_once_with(dir.path(), &config, transactions).await;
            assert_eq!((status.pending, status.parked), (0, 0));
        }
    }

    let central = Central::connect(&config).await.unwrap();
    let central_sales = all(&central, "sales_transactions").await;
    assert_eq!(
        central_sales.len() as u64,
        sales,
        "every sale central exactly once"
    );
    let movements = all(&central, "stock_movements").await;
    let products = all(&central, "products").await;
    let tills: Vec<Till> = tills
        .iter()
        .map(|(dir, _)| Till::open(dir.path()).unwrap())
        .collect();
    let mut sold_at_both = 0;
    for product in &products {
        let id = product.get_object_id("_id").unwrap();
        let sku = product.get_str("sku").unwrap();
        let levels = product.get_array("stock_levels").unwrap();
        let mut total = 0;
        for level in levels.iter().map(|l| l.as_document().unwrap()) {
            let store = level.get_object_id("store_id").unwrap();
            let moved: i64 = movements
                .iter()
                .filter(|m| m.get_object_id("product_id").unwrap() == id)
                .filter(|m| m.get_object_id("store_id").unwrap() == store)
                .map(|m| m.get_i64("quantity").unwrap())
                .sum();
            let stock = level.get_i64("stock").unwrap();
            assert_eq!(
                stock,
                level.get_i64("opening_stock").unwrap() + moved,
                "central level of {sku} at {store} is its ledger"
            );
            total += stock;
        }
        assert_eq!(product.get_i64("stock").unwrap(), total, "{sku}: the total");
        if levels.len() == 2 {
            sold_at_both += 1;
        }
        for till in &tills {
            let local = till
                .product(sellsync_core::Id::from(id))
                .unwrap()
                .expect("every till holds the business-wide products");
            let level = level_at(product, till.store().id.object_id()).unwrap_or(0);
            assert_eq!(
                local.stock,
                Quantity::units(level),
                "{sku} at {}",
                till.till_code()
            );
        }
    }
    assert!(
        sold_at_both > 0,
        "both stores moved some of the same products"
    );
    for till in &tills {
        assert!(till.verify_stock_ledger().unwrap().mismatches.is_empty());
    }
}

/// A cash sale of `quantity` of the demo's first product, by the demo cashier.
fn cash_sale(till: &mut Till, quantity: i64) -> sellsync_core::Sale {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let code = till.stock_levels(false).unwrap()[0].sku.clone();
    let mut cart = Cart::new();
    till.ring_up(&mut cart, &code, Quantity::units(quantity))
        .unwrap();
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&cashier, &cart, &[cash]).unwrap()
}

fn return_of(till: &mut Till, sale: &sellsync_core::Sale, quantity: i64) -> sellsync_core::Sale {
    use sellsync_core::sell::returns::{ReturnLine, ReturnOfSale};
    let cashier = sign_in(till, "cashier@example.com", "1111");
    till.return_items(
        &cashier,
        &ReturnOfSale {
            sale_id: sale.id,
            lines: vec![ReturnLine {
                line: 0,
                quantity: Quantity::units(quantity),
                damaged: false,
            }],
            reason: "Changed mind".into(),
            refunds: Vec::new(),
            approval: None,
        },
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sale_of_one_till_is_returned_at_another_and_a_double_refund_is_flagged() {
    let config = config("returns");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let sale = cash_sale(&mut till_a, 4);
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;

    // Till B holds A's sale and takes one back; A sees that return after the next sync.
    let cashier_b = sign_in(&mut till_b, "cashier@example.com", "1111");
    let seen = till_b.returnable(&cashier_b, &sale.sale_number).unwrap();
    assert_eq!(seen.lines[0].left, Quantity::units(4));
    let first = return_of(&mut till_b, &sale, 1);
    assert_eq!(first.sale_number, "T2-R000001");
    sync_once(dir_b.path(), &config).await;
    sync_once(dir_a.path(), &config).await;
    let cashier_a = sign_in(&mut till_a, "cashier@example.com", "1111");
    let seen = till_a.returnable(&cashier_a, &sale.id.to_string()).unwrap();
    assert_eq!(
        seen.lines[0].left,
        Quantity::units(3),
        "A knows of B's return"
    );
    assert_eq!(seen.return_numbers, ["T2-R000001"]);

    // Offline together, each till takes back the 3 left: both refunds stand.
    let at_a = return_of(&mut till_a, &sale, 3);
    let at_b = return_of(&mut till_b, &sale, 3);
    for _ in 0..2 {
        sync_once(dir_a.path(), &config).await;
        sync_once(dir_b.path(), &config).await;
    }
    let central = Central::connect(&config).await.unwrap();
    let returns = all(&central, "sales_transactions")
        .await
        .into_iter()
        .filter(|d| d.get_str("transaction_type") == Ok("return"))
        .count();
    assert_eq!(returns, 3, "every refund is central");
    let flagged: Vec<Document> = all(&central, "notifications")
        .await
        .into_iter()
        .filter(|d| d.get_str("kind") == Ok("over_returned"))
        .collect();
    assert_eq!(
        flagged.len(),
        1,
        "one notification, whichever till found it"
    );
    let message = flagged[0].get_str("message").unwrap();
    assert!(message.contains(&sale.sale_number), "{message}");
    for number in [&at_a.sale_number, &at_b.sale_number] {
        assert!(message.contains(number.as_str()), "{message}");
    }
    for till in [&till_a, &till_b] {
        let seen = till.returnable(&cashier_a, &sale.id.to_string()).unwrap();
        assert_eq!(
            seen.lines[0].returned,
            Quantity::units(7),
            "both tills show both refunds"
        );
        assert!(till
            .notifications(false, 50)
            .unwrap()
            .iter()
            .any(|n| n.message == message));
    }

    // Till A closes its shift: the Z report and every journal entry of both tills are
    // central, the chain of each intact there.
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let expected = till_a.x_report(&manager).unwrap().figures.expected_cash;
    let counted = sellsync_contract::cash_count::CashCount::amount(expected).unwrap();
    let z = till_a
        .close_shift(&manager, &counted, None, IfParked::Ask)
        .unwrap();
    sync_once(dir_a.path(), &config).await;
    let central_z = all(&central, "z_reports").await;
    assert_eq!(central_z.len(), 1);
    assert_eq!(central_z[0].get_i64("z_number").unwrap(), z.z_number);
    let manager_b = sign_in(&mut till_b, "manager@example.com", "2345");
    let journals = audit::verify_journals(&central, till_a.business().id)
        .await
        .unwrap();
    assert_eq!(journals.len(), 2, "one journal per till");
    for (till, local) in [
        (&till_a, till_a.verify_journal(&manager).unwrap()),
        (&till_b, till_b.verify_journal(&manager_b).unwrap()),
    ] {
        let code = till.till_code();
        let central_journal = journals
            .iter()
            .find(|j| j.till_id == till.till_id())
            .unwrap();
        assert_eq!(local.broken, None);
        assert_eq!(
            central_journal.broken, None,
            "till {code}: the central chain verifies"
        );
        assert_eq!(
            central_journal.entries, local.total,
            "till {code}: every entry is central"
        );
        assert_eq!(central_journal.store_id, Some(till.store().id));
    }

    // Someone with the database's credentials changes an entry of till B, then removes
    // one of till A: the check names each till's first broken entry.
    let entries = central.database().collection::<Document>("journal_entries");
    let till_of = |till: &Till| Bson::ObjectId(till.till_id().object_id());
    entries
        .update_one(
            doc! { "till_id": till_of(&till_b), "seq": 2 },
            doc! { "$set": { "content": "{\"total\":\"0.01\"}" } },
        )
        .await
        .unwrap();
    entries
        .delete_one(doc! { "till_id": till_of(&till_a), "seq": 3 })
        .await
        .unwrap();
    let journals = audit::verify_journals(&central, till_a.business().id)
        .await
        .unwrap();
    let broken = |till: &Till| {
        journals
            .iter()
            .find(|j| j.till_id == till.till_id())
            .and_then(|j| j.broken.clone())
            .map(|b| (b.seq, b.why))
    };
    assert_eq!(
        broken(&till_b),
        Some((2, "its content was changed after it was written"))
    );
    assert_eq!(
        broken(&till_a),
        Some((3, "an entry is missing or out of order here"))
    );
    let other = audit::verify_journals(&central, sellsync_core::Id::new())
        .await
        .unwrap();
    assert!(other.is_empty(), "another business sees none of them");
}

fn park(till: &mut Till, quantity: i64, note: &str) -> sellsync_core::sell::parked::ParkedSale {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let code = till.stock_levels(false).unwrap()[0].sku.clone();
    let mut cart = Cart::new();
    till.ring_up(&mut cart, &code, Quantity::units(quantity))
        .unwrap();
    till.park(&cashier, &cart, note).unwrap()
}

fn take_up_and_pay(till: &mut Till, number: &str) -> sellsync_core::Sale {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let cart = till.resume_parked(&cashier, number).unwrap();
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&cashier, &cart, &[cash]).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sale_parked_at_one_till_is_taken_up_at_another_and_completing_it_twice_is_flagged() {
    let config = config("parked");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let parked = park(&mut till_a, 2, "red coat");
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;
    let seen = till_b.parked_sales().unwrap();
    assert_eq!(seen.len(), 1, "B holds A's parked sale");
    assert_eq!(seen[0].park_number, "T1-P000001");
    assert_eq!(seen[0].note, "red coat");

    // B takes it up: once A hears of it, A may no longer.
    let cashier_b = sign_in(&mut till_b, "cashier@example.com", "1111");
    let cart = till_b.resume_parked(&cashier_b, "T1-P000001").unwrap();
    sync_once(dir_b.path(), &config).await;
    sync_once(dir_a.path(), &config).await;
    assert!(till_a.parked_sales().unwrap().is_empty());
    let cashier_a = sign_in(&mut till_a, "cashier@example.com", "1111");
    let err = till_a.resume_parked(&cashier_a, "T1-P000001").unwrap_err();
    assert_eq!(err.code(), "parked_sale_taken", "{err}");

    // B completes it; central and A know.
    let cash = Tender {
        method: till_b.payment_method("cash").unwrap(),
        amount: None,
    };
    let sale = till_b.complete_sale(&cashier_b, &cart, &[cash]).unwrap();
    sync_once(dir_b.path(), &config).await;
    sync_once(dir_a.path(), &config).await;
    let central = Central::connect(&config).await.unwrap();
    let docs = all(&central, "parked_sales").await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get_str("status").unwrap(), "completed");
    assert_eq!(
        docs[0].get_object_id("transaction_id").unwrap(),
        sale.id.object_id()
    );
    let err = till_a.resume_parked(&cashier_a, "T1-P000001").unwrap_err();
    assert_eq!(err.code(), "parked_sale_closed", "{err}");

    // Another parked sale, taken up and completed at both tills while offline together:
    // both sales stand, and managers are told once, on both tills and centrally.
    let second = park(&mut till_a, 1, "blue hat");
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;
    let at_a = take_up_and_pay(&mut till_a, &second.park_number);
    let at_b = take_up_and_pay(&mut till_b, &second.park_number);
    for _ in 0..2 {
        sync_once(dir_a.path(), &config).await;
        sync_once(dir_b.path(), &config).await;
    }
    let sales: Vec<Document> = all(&central, "sales_transactions")
        .await
        .into_iter()
        .filter(|d| d.get_object_id("parked_sale_id") == Ok(second.id.object_id()))
        .collect();
    assert_eq!(sales.len(), 2, "both sales are central");
    let flagged: Vec<Document> = all(&central, "notifications")
        .await
        .into_iter()
        .filter(|d| d.get_str("kind") == Ok("parked_completed_twice"))
        .collect();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let message = flagged[0].get_str("message").unwrap();
    for number in [&at_a.sale_number, &at_b.sale_number] {
        assert!(message.contains(number.as_str()), "{message}");
    }
    assert!(message.contains("blue hat"), "{message}");
    for till in [&till_a, &till_b] {
        assert!(till
            .notifications(false, 50)
            .unwrap()
            .iter()
            .any(|n| n.message == message));
        assert!(till.parked_sales().unwrap().is_empty());
    }
    assert_eq!(parked.id, docs[0].get_object_id("_id").unwrap().into());
}

/// Alice's store credit as `till` holds it.
fn credit_of_alice(till: &mut Till) -> Money {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    till.find_customer(&cashier, "alice@example.com")
        .unwrap()
        .unwrap()
        .store_credit
}

/// A sale of one unit of the demo's first product for Alice, `credit` of it from her
/// store credit, the rest in cash.
fn sale_on_credit(till: &mut Till, credit: Money) -> sellsync_core::Sale {
    use sellsync_core::sell::cart::CartCustomer;
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let alice = till
        .find_customer(&cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    let code = till.stock_levels(false).unwrap()[0].sku.clone();
    let mut cart = Cart::new();
    till.ring_up(&mut cart, &code, Quantity::units(3)).unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice)));
    cart.use_store_credit(credit);
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&cashier, &cart, &[cash]).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn store_credit_given_at_one_till_is_spent_at_another_and_adds_up_centrally() {
    use sellsync_core::sell::returns::{NoReceiptRefund, ReturnWithoutReceipt, UnreceiptedLine};
    let config = config("store_credit");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;

    // Till A takes an item back without a receipt as Alice's credit.
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let alice = till_a
        .find_customer(&manager, "alice@example.com")
        .unwrap()
        .unwrap();
    let code = till_a.stock_levels(false).unwrap()[0].sku.clone();
    let product = till_a.require_product(&code).unwrap();
    let back = till_a
        .return_without_receipt(
            &manager,
            &ReturnWithoutReceipt {
                lines: vec![UnreceiptedLine {
                    product,
                    quantity: Quantity::units(1),
                    unit_price: Money::from_minor(500),
                    damaged: false,
                }],
                reason: "Gift, no receipt".into(),
                refund: NoReceiptRefund::StoreCredit(alice.id),
                approval: None,
            },
        )
        .unwrap();
    let credit = back.total_amount;
    sync_once(dir_a.path(), &config).await;
    let central = Central::connect(&config).await.unwrap();
    let central_credit = || async {
        let customers = all(&central, "customers").await;
        let alice = customers
            .iter()
            .find(|c| c.get_str("email") == Ok("alice@example.com"))
            .unwrap();
        alice.get("store_credit").cloned()
    };
    let text = |m: Money| format!("{}.{:02}", m.minor() / 100, m.minor() % 100);
    assert_eq!(central_credit().await, Some(dec(&text(credit))));

    // Till B hears of it and spends it.
    sync_once(dir_b.path(), &config).await;
    assert_eq!(credit_of_alice(&mut till_b), credit);
    let sale = sale_on_credit(&mut till_b, credit);
    assert_eq!(sale.payments[0].amount, credit);
    assert_eq!(credit_of_alice(&mut till_b), Money::ZERO);
    sync_once(dir_b.path(), &config).await;
    sync_once(dir_a.path(), &config).await;
    assert_eq!(central_credit().await, Some(dec("0.00")));
    assert_eq!(credit_of_alice(&mut till_a), Money::ZERO, "A sees it spent");

    // More credit, then both tills spend all of it while offline together: both sales
    // stand; central holds the overdraft as a negative balance, the tills show none.
    let back = till_a
        .return_without_receipt(
            &manager,
            &ReturnWithoutReceipt {
                lines: vec![UnreceiptedLine {
                    product: till_a.require_product(&code).unwrap(),
                    quantity: Quantity::units(1),
                    unit_price: Money::from_minor(100),
                    damaged: false,
                }],
                reason: "Gift".into(),
                refund: NoReceiptRefund::StoreCredit(alice.id),
                approval: None,
            },
        )
        .unwrap();
    for dir in [dir_a.path(), dir_b.path()] {
        sync_once(dir, &config).await;
    }
    sale_on_credit(&mut till_a, back.total_amount);
    sale_on_credit(&mut till_b, back.total_amount);
    for _ in 0..2 {
        sync_once(dir_a.path(), &config).await;
        sync_once(dir_b.path(), &config).await;
    }
    assert_eq!(
        central_credit().await,
        Some(dec(&format!("-{}", text(back.total_amount))))
    );
    assert_eq!(credit_of_alice(&mut till_a), Money::ZERO);
    assert_eq!(credit_of_alice(&mut till_b), Money::ZERO);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_purchase_order_made_at_one_till_is_central_and_at_the_stores_other_till() {
    use sellsync_core::purchasing::orders::OrderLineInput;
    use sellsync_core::purchasing::suppliers::NewSupplier;
    let config = config("purchase_orders");
    let ((dir_a, mut till_a), (dir_b, till_b)) = two_tills(&config).await;
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let supplier = till_a
        .add_supplier(
            &manager,
            &NewSupplier {
                supplier_name: "Valley Dairy".into(),
                ..NewSupplier::default()
            },
        )
        .unwrap();
    let code = till_a.stock_levels(false).unwrap()[0].sku.clone();
    let product = till_a.require_product(&code).unwrap();
    let order = till_a
        .create_purchase_order(
            &manager,
            supplier.id,
            None,
            &[OrderLineInput {
                product,
                quantity: Quantity::units(24),
                unit_price: Some(Money::from_minor(410)),
            }],
        )
        .unwrap();
    till_a
        .mark_purchase_order_ordered(&manager, &order.order_number)
        .unwrap();
    sync_once(dir_a.path(), &config).await;

    let central = Central::connect(&config).await.unwrap();
    let orders = all(&central, "purchase_orders").await;
    assert_eq!(orders.len(), 1);
    let doc = &orders[0];
    assert_eq!(doc.get_str("order_status"), Ok("ordered"));
    assert_eq!(
        doc.get_object_id("supplier_id").unwrap(),
        supplier.id.object_id()
    );
    let item = doc.get_array("items").unwrap()[0]
        .as_document()
        .unwrap()
        .clone();
    assert_eq!(item.get_i64("quantity_ordered"), Ok(24));
    assert_eq!(item.get("unit_price"), Some(&dec("4.10")));
    assert!(doc.get_datetime("created_at").is_ok());
    assert_eq!(all(&central, "suppliers").await.len(), 1);

    sync_once(dir_b.path(), &config).await;
    let seen = till_b.purchase_order(&order.order_number).unwrap();
    assert_eq!(seen.order_status, OrderStatus::Ordered);
    assert_eq!(seen.supplier_name, "Valley Dairy");
    assert_eq!(seen.lines[0].quantity_ordered, Quantity::units(24));
}

/// Sells one of `sku` at `till`.
fn sell_one(till: &mut Till, sku: &str) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let mut cart = Cart::new();
    till.ring_up(&mut cart, sku, Quantity::units(1)).unwrap();
    till.complete_sale(&cashier, &cart, std::slice::from_ref(&cash))
        .unwrap();
}

/// Each automatic draft of `till`'s store: its supplier's name, and its products' SKUs.
fn automatic_orders(till: &Till, status: OrderStatus) -> Vec<(String, Vec<String>)> {
    let mut orders: Vec<(String, Vec<String>)> = till
        .purchase_orders(Some(status))
        .unwrap()
        .into_iter()
        .filter(|o| o.automatic)
        .map(|o| {
            let mut skus: Vec<String> = o.lines.into_iter().map(|l| l.sku).collect();
            skus.sort();
            (o.supplier_name, skus)
        })
        .collect();
    orders.sort();
    orders
}

#[tokio::test(flavor = "multi_thread")]
async fn automatic_orders_from_three_tills_of_a_store_converge_to_one_draft_per_supplier() {
    reorders_converge(true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn automatic_orders_converge_without_transactions_too() {
    reorders_converge(false).await;
}

async fn reorders_converge(transactions: bool) {
    use sellsync_core::catalog::ProductChanges;
    use sellsync_core::purchasing::suppliers::NewSupplier;
    let config = config("reorders");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let mut supplier = |name: &str| {
        till_a
            .add_supplier(
                &manager,
                &NewSupplier {
                    supplier_name: name.into(),
                    ..NewSupplier::default()
                },
            )
            .unwrap()
    };
    let (dairy, pantry) = (supplier("Valley Dairy"), supplier("Pantry Wholesale"));
    // One sale takes each of these to its threshold.
    for (sku, from) in [
        ("DAI-004", &dairy),
        ("DAI-005", &dairy),
        ("SNK-014", &dairy),
        ("PAN-007", &pantry),
    ] {
        let stock = till_a.find_product(sku).unwrap().unwrap().stock;
        till_a
            .update_product(
                &manager,
                sku,
                &ProductChanges {
                    supplier_id: Some(Some(from.id)),
                    reorder_quantity: Some(Quantity::units(24)),
                    stock_threshold: Some(stock - Quantity::units(1)),
                    ..ProductChanges::default()
                },
            )
            .unwrap();
    }
    sync_once_with(dir_a.path(), &config, transactions).await;
    sync_once_with(dir_b.path(), &config, transactions).await;
    let dir_c = tempfile::tempdir().unwrap();
    let store = till_a.store().id.to_string();
    let (mut till_c, _) = provision(dir_c.path(), &config, &store, Some("T3"))
        .await
        .unwrap();
    open_first_shift(&mut till_c);

    // Offline together: A and B each see milk fall to its threshold (the same dip), C
    // another dairy product; B a pantry product.
    sell_one(&mut till_a, "DAI-004");
    sell_one(&mut till_b, "DAI-004");
    sell_one(&mut till_b, "PAN-007");
    sell_one(&mut till_c, "DAI-005");
    for till in [&till_a, &till_b, &till_c] {
        assert_eq!(
            till.purchase_orders(Some(OrderStatus::Draft))
                .unwrap()
                .len(),
            1 + usize::from(till.till_code() == "T2")
        );
    }
    for dir in [&dir_a, &dir_b, &dir_c, &dir_a, &dir_b] {
        sync_once_with(dir.path(), &config, transactions).await;
    }
    let expected = vec![
        ("Pantry Wholesale".to_owned(), vec!["PAN-007".to_owned()]),
        (
            "Valley Dairy".to_owned(),
            vec!["DAI-004".to_owned(), "DAI-005".to_owned()],
        ),
    ];
    for till in [&till_a, &till_b, &till_c] {
        assert_eq!(
            automatic_orders(till, OrderStatus::Draft),
            expected,
            "{}",
            till.till_code()
        );
    }
    let central = Central::connect(&config).await.unwrap();
    let orders = all(&central, "purchase_orders").await;
    assert_eq!(orders.len(), 2, "one draft per supplier: {orders:?}");
    let dairy_draft = orders
        .iter()
        .find(|o| o.get_object_id("supplier_id") == Ok(dairy.id.object_id()))
        .unwrap();
    let items = dairy_draft.get_array("items").unwrap();
    assert_eq!(items.len(), 2, "milk once: {items:?}");
    assert_eq!(dairy_draft.get_array("reorder_ids").unwrap().len(), 3);
    assert_eq!(dairy_draft.get_str("order_status"), Ok("draft"));
    assert!(dairy_draft.get_datetime("created_at").is_ok());
    let first = items[0].as_document().unwrap();
    assert_eq!(first.get_i64("quantity_ordered"), Ok(24));
    assert!(first.get_object_id("product_id").is_ok());

    // A manager orders the dairy draft at A while C, not synced, reorders another dairy
    // product onto it: that line was not ordered, so it opens the next draft.
    let number = till_a
        .purchase_orders(Some(OrderStatus::Draft))
        .unwrap()
        .into_iter()
        .find(|o| o.supplier_id == dairy.id)
        .unwrap()
        .order_number;
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    till_a
        .mark_purchase_order_ordered(&manager, &number)
        .unwrap();
    sell_one(&mut till_c, "SNK-014");
    for dir in [&dir_a, &dir_c, &dir_a, &dir_b] {
        sync_once_with(dir.path(), &config, transactions).await;
    }
    let ordered = vec![(
        "Valley Dairy".to_owned(),
        vec!["DAI-004".to_owned(), "DAI-005".to_owned()],
    )];
    let drafts = vec![
        ("Pantry Wholesale".to_owned(), vec!["PAN-007".to_owned()]),
        ("Valley Dairy".to_owned(), vec!["SNK-014".to_owned()]),
    ];
    for till in [&till_a, &till_b, &till_c] {
        let code = till.till_code();
        assert_eq!(
            automatic_orders(till, OrderStatus::Ordered),
            ordered,
            "{code}"
        );
        assert_eq!(automatic_orders(till, OrderStatus::Draft), drafts, "{code}");
    }
    assert_eq!(all(&central, "purchase_orders").await.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_sent_at_one_store_and_received_at_another_moves_exactly_what_came() {
    use sellsync_contract::documents::TransferStatus;
    use sellsync_core::stock::transfers::TransferLineInput;
    let config = config("transfers");
    let (dir_a, mut till_a) = demo_till();
    sync_once(dir_a.path(), &config).await;
    let uptown = second_store(&config, till_a.business().id.object_id()).await;
    let dir_b = tempfile::tempdir().unwrap();
    let (mut till_b, _) = provision(dir_b.path(), &config, &uptown.to_hex(), None)
        .await
        .unwrap();
    sync_once(dir_a.path(), &config).await;
    let others = till_a.other_stores().unwrap();
    assert_eq!(others.len(), 1, "the first store learns of the second");
    assert_eq!(others[0].id.object_id(), uptown);

    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let line = |till: &Till, sku: &str, quantity: i64| TransferLineInput {
        product: till.find_product(sku).unwrap().unwrap(),
        quantity: Quantity::units(quantity),
    };
    let sent = till_a
        .send_transfer(
            &manager,
            &uptown.to_hex(),
            &[line(&till_a, "DAI-004", 10), line(&till_a, "SNK-014", 4)],
            "",
        )
        .unwrap();
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;
    let arriving = till_b.transfer(&sent.transfer_number).unwrap();
    assert!(arriving.incoming);
    assert_eq!(arriving.status, TransferStatus::InTransit);
    assert_eq!(
        till_b.find_product("DAI-004").unwrap().unwrap().stock,
        Quantity::units(0)
    );

    let manager_b = sign_in(&mut till_b, "manager@example.com", "2345");
    let received = till_b
        .receive_transfer(
            &manager_b,
            &sent.transfer_number,
            Some(&[line(&till_b, "DAI-004", 9), line(&till_b, "SNK-014", 4)]),
        )
        .unwrap();
    assert_eq!(received.lines[0].missing, Quantity::units(1));
    sync_once(dir_b.path(), &config).await;
    sync_once(dir_a.path(), &config).await;
    let seen = till_a.transfer(&sent.transfer_number).unwrap();
    assert_eq!(seen.status, TransferStatus::Received);
    assert_eq!(seen.lines[0].missing, Quantity::units(1));

    let central = Central::connect(&config).await.unwrap();
    let transfers = all(&central, "stock_transfers").await;
    assert_eq!(transfers.len(), 1);
    let doc = &transfers[0];
    assert_eq!(doc.get_str("status"), Ok("received"));
    assert_eq!(
        doc.get_object_id("from_store_id"),
        Ok(till_a.store().id.object_id())
    );
    assert_eq!(doc.get_object_id("to_store_id"), Ok(uptown));
    assert!(doc.get_datetime("received_at").is_ok());
    let item = doc.get_array("items").unwrap()[0].as_document().unwrap();
    assert_eq!(
        (
            item.get_i64("quantity_sent"),
            item.get_i64("quantity_received")
        ),
        (Ok(10), Ok(9))
    );

    // Both stores' levels are their ledgers, centrally and on each till; the business
    // has one fewer milk than before, the one that did not arrive.
    let movements = all(&central, "stock_movements").await;
    let a = till_a.store().id.object_id();
    for (sku, out, came) in [("DAI-004", 10, 9), ("SNK-014", 4, 4)] {
        let product = central
            .database()
            .collection::<Document>("products")
            .find_one(doc! { "sku": sku })
            .await
            .unwrap()
            .unwrap();
        let id = product.get_object_id("_id").unwrap();
        let levels = product.get_array("stock_levels").unwrap();
        for level in levels.iter().map(|l| l.as_document().unwrap()) {
            let store = level.get_object_id("store_id").unwrap();
            let moved: i64 = movements
                .iter()
                .filter(|m| m.get_object_id("product_id") == Ok(id))
                .filter(|m| m.get_object_id("store_id") == Ok(store))
                .map(|m| m.get_i64("quantity").unwrap())
                .sum();
            assert_eq!(
                level.get_i64("stock").unwrap(),
                level.get_i64("opening_stock").unwrap() + moved,
                "{sku} at {store}"
            );
        }
        let opening_a = levels
            .iter()
            .map(|l| l.as_document().unwrap())
            .find(|l| l.get_object_id("store_id") == Ok(a))
            .unwrap()
            .get_i64("opening_stock")
            .unwrap();
        assert_eq!(level_at(&product, a), Some(opening_a - out), "{sku}");
        assert_eq!(level_at(&product, uptown), Some(came), "{sku}");
        assert_eq!(product.get_i64("stock"), Ok(opening_a - out + came));
        let at_a = till_a.find_product(sku).unwrap().unwrap().stock;
        let at_b = till_b.find_product(sku).unwrap().unwrap().stock;
        assert_eq!(
            (at_a, at_b),
            (Quantity::units(opening_a - out), Quantity::units(came)),
            "{sku} on the tills"
        );
    }
    assert!(till_a.verify_stock_ledger().unwrap().mismatches.is_empty());
    assert!(till_b.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn barcode_rules_set_at_one_till_reach_central_and_the_stores_other_till() {
    let config = config("barcode_rules");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let uk = sellsync_contract::embedded_barcodes::ready_layout("United Kingdom").unwrap();
    let admin = sign_in(&mut till_a, "admin@example.com", "1234");
    till_a.set_barcode_rules(&admin, &uk).unwrap();
    let status = sync_once(dir_a.path(), &config).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");

    // Central holds them inside the business's settings, which keep everything else.
    let central = Central::connect(&config).await.unwrap();
    let business = all(&central, "businesses").await.remove(0);
    let settings = business.get_document("settings").unwrap();
    assert_eq!(settings.get_str("currency").unwrap(), "USD");
    assert_eq!(
        sellsync_contract::documents::read_barcode_rules(settings.get("barcode_rules").unwrap())
            .unwrap(),
        uk
    );

    // The other till reads labels by them after its next pull.
    let us = sellsync_contract::embedded_barcodes::ready_layout("United States").unwrap();
    assert_eq!(
        till_b.business().barcode_rules,
        us,
        "the demo's, until it pulls"
    );
    sync_once(dir_b.path(), &config).await;
    till_b.reload_identity().unwrap();
    assert_eq!(till_b.business().barcode_rules, uk);
}

/// Sells `quantity` (a weight, as typed by a manager, who may) of `code` at `till`, in
/// cash.
fn sell_weighed(till: &mut Till, code: &str, quantity: &str) -> sellsync_core::Sale {
    let manager = sign_in(till, "manager@example.com", "2345");
    let mut cart = Cart::new();
    let weight = Quantity::parse_decimal(quantity).unwrap();
    till.ring_up(&mut cart, code, weight).unwrap();
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(&manager, &cart, &[cash]).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn weighed_sales_at_two_tills_converge_centrally_to_the_gram() {
    use sellsync_contract::documents::quantity_value;
    use sellsync_core::sell::returns::{ReturnLine, ReturnOfSale};
    let config = config("by_weight");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    till_a
        .add_product(
            &manager,
            &sellsync_core::NewProduct {
                sku: "APPLES".into(),
                product_name: "Loose apples".into(),
                price: Money::from_minor(299),
                unit: sellsync_contract::Unit::Kg,
                stock: Quantity::from_thousandths(10_000),
                ..sellsync_core::NewProduct::default()
            },
        )
        .unwrap();
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;

    // 0.742 kg at one till, 1.258 kg at the other, offline together; 0.250 kg comes back.
    let sale_a = sell_weighed(&mut till_a, "APPLES", "0.742");
    let sale_b = sell_weighed(&mut till_b, "APPLES", "1.258");
    let line = &sale_a.items[0];
    assert_eq!(
        line.unit_price.times(line.quantity),
        Ok(Money::from_minor(222)),
        "2.99 × 0.742"
    );
    let cashier = sign_in(&mut till_a, "cashier@example.com", "1111");
    let back = till_a
        .return_items(
            &cashier,
            &ReturnOfSale {
                sale_id: sale_a.id,
                lines: vec![ReturnLine {
                    line: 0,
                    quantity: Quantity::from_thousandths(250),
                    damaged: false,
                }],
                reason: "Bruised".into(),
                refunds: Vec::new(),
                approval: None,
            },
        )
        .unwrap();
    assert_eq!(back.items[0].quantity, Quantity::from_thousandths(250));
    for _ in 0..2 {
        for dir in [dir_a.path(), dir_b.path()] {
            let status = sync_once(dir, &config).await;
            assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
        }
    }

    // Central: the sales' lines in kilograms, exact; the stock and the ledger to the gram.
    let central = Central::connect(&config).await.unwrap();
    let weighed: Vec<(String, Bson)> = all(&central, "sales_transactions")
        .await
        .iter()
        .flat_map(|s| s.get_array("items").unwrap().clone())
        .filter_map(|i| {
            let i = i.as_document()?.clone();
            (i.get_str("sku").ok()? == "APPLES").then(|| {
                (
                    i.get_str("unit").unwrap().to_owned(),
                    i.get("quantity").unwrap().clone(),
                )
            })
        })
        .collect();
    let mut quantities: Vec<String> = weighed.iter().map(|(_, q)| q.to_string()).collect();
    quantities.sort();
    assert_eq!(quantities, ["0.25", "0.742", "1.258"]);
    assert!(weighed.iter().all(|(unit, _)| unit == "kg"));
    let product = all(&central, "products")
        .await
        .into_iter()
        .find(|p| p.get_str("sku") == Ok("APPLES"))
        .unwrap();
    let stock = quantity_value(product.get("stock").unwrap()).unwrap();
    assert_eq!(
        stock,
        Quantity::from_thousandths(8_250),
        "10 − 0.742 − 1.258 + 0.250"
    );
    let moved: Vec<Document> = central
        .database()
        .collection::<Document>("stock_movements")
        .aggregate([
            doc! { "$match": { "product_id": product.get_object_id("_id").unwrap() } },
            doc! { "$group": { "_id": Bson::Null, "sum": { "$sum": "$quantity" } } },
        ])
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        quantity_value(moved[0].get("sum").unwrap()),
        Some(Quantity::from_thousandths(-1_750)),
        "MongoDB sums the ledger exactly"
    );
    // Both tills hold the same level, and their ledgers agree with it.
    for till in [&till_a, &till_b] {
        let apples = till.require_product("APPLES").unwrap();
        assert_eq!(apples.stock, Quantity::from_thousandths(8_250));
        assert!(till.verify_stock_ledger().unwrap().mismatches.is_empty());
    }
    // The REST API's reading of the same documents: see the gateway's api tests.
    assert_eq!(sale_b.items[0].unit, sellsync_contract::Unit::Kg);
}

#[tokio::test(flavor = "multi_thread")]
async fn variants_made_at_one_till_sell_at_another_and_converge_centrally() {
    use sellsync_core::catalog::family::{every_variant, NewFamily};
    let config = config("variants");
    let ((dir_a, mut till_a), (dir_b, mut till_b)) = two_tills(&config).await;
    let manager = sign_in(&mut till_a, "manager@example.com", "2345");
    let options = vec![
        ("Size".to_owned(), vec!["S".to_owned(), "M".to_owned()]),
        ("Colour".to_owned(), vec!["Navy".to_owned()]),
    ];
    till_a
        .add_family(
            &manager,
            &NewFamily {
                name: "Crew T-shirt".into(),
                sku: "TEE".into(),
                price: Money::from_minor(1_999),
                variants: every_variant(&options, Quantity::units(5)),
                options,
                ..NewFamily::default()
            },
        )
        .unwrap();
    sync_once(dir_a.path(), &config).await;
    sync_once(dir_b.path(), &config).await;
    // The other till sells a variant; the first sells the other.
    for (till, sku) in [(&mut till_b, "TEE-M-NAVY"), (&mut till_a, "TEE-S-NAVY")] {
        let cashier = sign_in(till, "cashier@example.com", "1111");
        let mut cart = Cart::new();
        till.ring_up(&mut cart, sku, Quantity::units(2)).unwrap();
        let cash = Tender {
            method: till.payment_method("cash").unwrap(),
            amount: None,
        };
        till.complete_sale(&cashier, &cart, &[cash]).unwrap();
    }
    for _ in 0..2 {
        for dir in [dir_a.path(), dir_b.path()] {
            let status = sync_once(dir, &config).await;
            assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
        }
    }
    let central = Central::connect(&config).await.unwrap();
    let shirts: Vec<Document> = all(&central, "products")
        .await
        .into_iter()
        .filter(|p| p.get_str("family_name") == Ok("Crew T-shirt"))
        .collect();
    assert_eq!(shirts.len(), 2);
    let family = shirts[0].get_object_id("family_id").unwrap();
    for shirt in &shirts {
        assert_eq!(
            shirt.get_object_id("family_id").unwrap(),
            family,
            "one family"
        );
        assert_eq!(shirt.get_i64("stock"), Ok(3), "5 less the 2 sold");
        let options = shirt.get_array("options").unwrap();
        assert_eq!(
            options[0].as_document().unwrap().get_str("name"),
            Ok("Size")
        );
    }
    for till in [&till_a, &till_b] {
        for sku in ["TEE-S-NAVY", "TEE-M-NAVY"] {
            let shirt = till.require_product(sku).unwrap();
            assert_eq!(shirt.stock, Quantity::units(3), "{sku}");
            assert_eq!(shirt.variant.unwrap().family_name, "Crew T-shirt");
        }
    }
}
