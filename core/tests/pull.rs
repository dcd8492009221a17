//! Pulls: central documents applied to a real till database, with the conflict rules, and
//! a new till provisioned from central documents alone.

mod common;

use sellsync_contract::Quantity;
use std::collections::BTreeMap;

use bson::oid::ObjectId;
use bson::{doc, Bson, Decimal128, Document};
use common::{count, deliver_all, payload_document, shop, snapshot, tender, usd, Shop, MILK};
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::change::CentralChange;
use sellsync_contract::documents::Collection;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::sell::cart::CartCustomer;
use sellsync_core::sync::pull::PullOutcome;
use sellsync_core::{Cart, Credential, Error, Id, Money, Permission, Till};

/// The documents the till's outbox inserts, delivered or not, as they are sent (the
/// outbox as shown hides hashes).
fn central_documents(till: &Till) -> Vec<(Collection, Document)> {
    let db = rusqlite::Connection::open(sellsync_core::db::database_path(till.data_dir())).unwrap();
    let mut stmt = db
        .prepare("SELECT collection, payload FROM outbox WHERE op = 'insert' ORDER BY seq")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    rows.map(|row| {
        let (collection, payload) = row.unwrap();
        (
            Collection::from_name(&collection).unwrap(),
            payload_document(&payload),
        )
    })
    .collect()
}

fn document(till: &Till, collection: Collection, id: Id) -> Document {
    central_documents(till)
        .into_iter()
        .find(|(c, d)| *c == collection && d.get_object_id("_id").unwrap() == id.object_id())
        .unwrap()
        .1
}

fn upsert(collection: Collection, document: Document) -> CentralChange {
    CentralChange::Upsert {
        collection,
        document,
    }
}

fn dec(text: &str) -> Bson {
    Bson::Decimal128(text.parse::<Decimal128>().unwrap())
}

fn milk(s: &Shop) -> sellsync_core::Product {
    s.till.find_product(MILK).unwrap().unwrap()
}

/// A stock movement made at another till of the same store.
fn movement(s: &Shop, product: Id, quantity: i64) -> Document {
    doc! {
        "_id": ObjectId::new(),
        "business_id": s.till.business().id.object_id(),
        "store_id": s.till.store().id.object_id(),
        "product_id": product.object_id(),
        "movement_type": "sale",
        "quantity": quantity,
        "handled_by": ObjectId::new(),
        "transaction_id": ObjectId::new(),
        "created_at": bson::DateTime::now(),
    }
}

fn without_sync_state(dir: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    let mut tables = snapshot(dir);
    tables.remove("sync_state");
    tables
}

#[test]
fn a_new_till_starts_from_central_documents_and_its_staff_sign_in() {
    let s = shop();
    let documents = central_documents(&s.till);
    let find = |collection| {
        documents
            .iter()
            .find(|(c, _)| *c == collection)
            .unwrap()
            .1
            .clone()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut till = Till::provision(
        dir.path(),
        &find(Collection::Businesses),
        &find(Collection::Stores),
        Some("T2"),
        None,
    )
    .unwrap();
    assert_eq!(till.pull_checkpoint().unwrap(), None);
    let changes: Vec<CentralChange> = documents.into_iter().map(|(c, d)| upsert(c, d)).collect();
    let outcome = till
        .apply_central_changes(&changes, Some("after-first-pull"))
        .unwrap();
    assert_eq!(outcome.refused, 0, "{outcome:?}");
    assert_eq!(
        till.pull_checkpoint().unwrap().as_deref(),
        Some("after-first-pull")
    );

    // The same catalog, staff and settings; nothing to send back.
    assert_eq!(
        count(dir.path(), "products"),
        count(s.dir.path(), "products")
    );
    assert_eq!(count(dir.path(), "users"), count(s.dir.path(), "users"));
    assert_eq!(
        count(dir.path(), "customers"),
        count(s.dir.path(), "customers")
    );
    assert_eq!(count(dir.path(), "outbox"), 0);
    assert_eq!(till.business().currency.code(), "USD");
    assert_eq!(till.business().timezone, s.till.business().timezone);
    assert_eq!(till.store().store_name, s.till.store().store_name);
    let product = till.find_product(MILK).unwrap().unwrap();
    assert_eq!(
        (product.price, product.stock),
        (usd("3.49"), Quantity::units(10))
    );
    assert_eq!(
        till.search_products("whole milk", 5).unwrap()[0].sku,
        "T-MILK"
    );
    assert!(till.verify_stock_ledger().unwrap().mismatches.is_empty());

    // Applying the same changes again changes nothing.
    let before = without_sync_state(dir.path());
    let again = till.apply_central_changes(&changes, None).unwrap();
    assert_eq!(again.refused, 0);
    let after = without_sync_state(dir.path());
    for (table, rows) in &after {
        assert!(before[table] == *rows, "a second pull changed {table}");
    }

    // Its staff sign in with the PINs they use on the first till, and sell.
    let cashier = till
        .sign_in("cashier@example.com", Credential::Pin("1111"))
        .unwrap();
    let mut cart = Cart::new();
    till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    // A new till sells once its first shift is open.
    let pay = [tender(&till, "cash", Some("10"))];
    let err = till.complete_sale(&cashier, &cart, &pay).unwrap_err();
    assert_eq!(err.code(), "no_open_shift");
    let float = CashCount::amount(Money::from_minor(5_000)).unwrap();
    till.open_shift(&cashier, &float).unwrap();
    let sale = till.complete_sale(&cashier, &cart, &pay).unwrap();
    assert!(sale.sale_number.starts_with("T2-"), "{}", sale.sale_number);
    assert_eq!(
        till.find_product(MILK).unwrap().unwrap().stock,
        Quantity::units(8)
    );
}

#[test]
fn provisioning_refuses_a_store_of_another_business_and_leaves_no_database() {
    let s = shop();
    let business = document(&s.till, Collection::Businesses, s.till.business().id);
    let mut store = document(&s.till, Collection::Stores, s.till.store().id);
    store.insert("business_id", ObjectId::new());
    let dir = tempfile::tempdir().unwrap();
    let err = Till::provision(dir.path(), &business, &store, Some("T2"), None)
        .err()
        .unwrap();
    assert!(matches!(err, Error::CentralDocument { .. }), "{err:?}");
    assert!(err.to_string().contains("another business"), "{err}");
    assert!(!dir.path().join("till.sqlite3").exists());

    let mut business = business;
    business.insert("settings", doc! { "currency": "XYZ", "timezone": "UTC" });
    let store = document(&s.till, Collection::Stores, s.till.store().id);
    assert!(Till::provision(dir.path(), &business, &store, Some("T2"), None).is_err());
    assert!(!dir.path().join("till.sqlite3").exists());
    assert!(matches!(
        Till::provision(dir.path(), &business, &store, Some("T 2"), None),
        Err(Error::InvalidSetting(_))
    ));
}

#[test]
fn central_edits_apply_except_fields_changed_here_and_not_sent() {
    let mut s = shop();
    deliver_all(&mut s.till);
    let id = milk(&s).id;
    let mut central = document(&s.till, Collection::Products, id);
    // A manager changes the price here; the change is not sent yet.
    s.till
        .update_product(
            &s.manager,
            MILK,
            &ProductChanges {
                price: Some(usd("3.99")),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    // Meanwhile the back office renames it, reprices it and writes an absolute stock.
    central.insert("product_name", "Pasture Whole Milk 1 L");
    central.insert("price", dec("4.49"));
    central.insert("stock_threshold", 4);
    central.insert("stock", 999);
    let outcome = s
        .till
        .apply_central_changes(&[upsert(Collection::Products, central.clone())], None)
        .unwrap();
    assert_eq!(outcome.applied, 1);
    let product = milk(&s);
    assert_eq!(product.product_name, "Pasture Whole Milk 1 L");
    assert_eq!(product.stock_threshold, Quantity::units(4));
    assert_eq!(product.price, usd("3.99"), "the unsent local price is kept");
    assert_eq!(
        product.stock,
        Quantity::units(10),
        "stock comes from the ledger only"
    );
    assert_eq!(s.till.search_products("pasture", 5).unwrap()[0].id, id);

    // Once the local change is sent, the central price applies.
    deliver_all(&mut s.till);
    s.till
        .apply_central_changes(&[upsert(Collection::Products, central)], None)
        .unwrap();
    assert_eq!(milk(&s).price, usd("4.49"));
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn other_tills_movements_count_once_and_keep_the_ledger() {
    let mut s = shop();
    deliver_all(&mut s.till);
    let id = milk(&s).id;
    let sold_elsewhere = movement(&s, id, -3);
    let restocked = movement(&s, id, 12);
    let unknown_product = movement(&s, Id::new(), -1);
    // Another store of the business sells the same product: its level, not this one's.
    let mut other_store = movement(&s, id, -4);
    other_store.insert("store_id", ObjectId::new());
    // One that the contract refuses: skipped as another store's, refused as this one's.
    let mut unusable_elsewhere = other_store.clone();
    unusable_elsewhere.insert("_id", ObjectId::new());
    unusable_elsewhere.remove("quantity");
    let mut unusable_here = movement(&s, id, -1);
    unusable_here.remove("quantity");
    let batch = [
        upsert(Collection::StockMovements, sold_elsewhere.clone()),
        upsert(Collection::StockMovements, restocked),
        upsert(Collection::StockMovements, unknown_product),
        upsert(Collection::StockMovements, other_store),
        upsert(Collection::StockMovements, unusable_elsewhere),
        upsert(Collection::StockMovements, unusable_here),
    ];
    let outcome = s.till.apply_central_changes(&batch, None).unwrap();
    assert_eq!(
        outcome,
        PullOutcome {
            applied: 2,
            skipped: 3,
            refused: 1
        }
    );
    assert_eq!(milk(&s).stock, Quantity::units(19));
    // Again, and with the movement's product document in between: still counted once.
    let product = document(&s.till, Collection::Products, id);
    let outcome = s
        .till
        .apply_central_changes(
            &[
                upsert(Collection::StockMovements, sold_elsewhere),
                upsert(Collection::Products, product),
            ],
            None,
        )
        .unwrap();
    assert_eq!((outcome.applied, outcome.skipped), (1, 1));
    assert_eq!(milk(&s).stock, Quantity::units(19));
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
    // The till's own movements come back from the central database too: no change.
    let own = central_documents(&s.till)
        .into_iter()
        .filter(|(c, _)| *c == Collection::StockMovements)
        .map(|(c, d)| upsert(c, d))
        .collect::<Vec<_>>();
    deliver_all(&mut s.till);
    let before = without_sync_state(s.dir.path());
    s.till.apply_central_changes(&own, None).unwrap();
    assert!(
        without_sync_state(s.dir.path()) == before,
        "an echo changed the till"
    );
}

#[test]
fn loyalty_points_are_the_central_points_plus_purchases_not_sent() {
    let mut s = shop();
    let alice = s
        .till
        .find_customer(&s.cashier, "alice@example.com")
        .unwrap()
        .unwrap();
    let mut central = document(&s.till, Collection::Customers, alice.id);
    deliver_all(&mut s.till);
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(3)).unwrap();
    cart.set_customer(Some(CartCustomer::Existing(alice.clone())));
    let cash = tender(&s.till, "cash", None);
    let sale = s.till.complete_sale(&s.cashier, &cart, &[cash]).unwrap();
    assert!(sale.loyalty_points_earned > 0);
    // Another till's purchases brought Alice to 500 centrally; she moved house.
    central.insert("loyalty_points", 500_i64);
    central.insert("phone", "+44 20 7946 0000");
    s.till
        .apply_central_changes(&[upsert(Collection::Customers, central)], None)
        .unwrap();
    let alice = s
        .till
        .find_customer(&s.cashier, "+44 20 7946 0000")
        .unwrap()
        .expect("found by the new phone");
    assert_eq!(alice.loyalty_points, 500 + sale.loyalty_points_earned);
}

#[test]
fn users_changed_or_deleted_centrally() {
    let mut s = shop();
    deliver_all(&mut s.till);
    let cashier_id = s.cashier.user_id();
    let mut central = document(&s.till, Collection::Users, cashier_id);
    // The back office sets a new PIN (hashed there with argon2id, like ours).
    let other = shop();
    let new_pin_hash = document(&other.till, Collection::Users, other.manager.user_id())
        .get_str("pin_hash")
        .unwrap()
        .to_owned();
    central.insert("pin_hash", new_pin_hash);
    central.insert("permissions", vec!["process_sales", "no_such_permission"]);
    s.till
        .apply_central_changes(&[upsert(Collection::Users, central)], None)
        .unwrap();
    assert!(matches!(
        s.till
            .sign_in("cashier@example.com", Credential::Pin("1111")),
        Err(Error::WrongSecret { .. })
    ));
    s.till
        .sign_in("cashier@example.com", Credential::Pin("2345"))
        .unwrap();

    let outcome = s
        .till
        .apply_central_changes(
            &[CentralChange::Delete {
                collection: Collection::Users,
                id: cashier_id.object_id(),
            }],
            None,
        )
        .unwrap();
    assert_eq!(outcome.applied, 1);
    // No longer staff here: refused as unknown (no try counted), off the staff list.
    assert!(matches!(
        s.till
            .sign_in("cashier@example.com", Credential::Pin("2345")),
        Err(Error::UnknownUser(_))
    ));
    assert!(!s
        .till
        .staff()
        .unwrap()
        .iter()
        .any(|m| m.email == "cashier@example.com"));
}

#[test]
fn business_and_store_settings_follow_central_but_not_the_currency() {
    let mut s = shop();
    deliver_all(&mut s.till);
    let mut business = document(&s.till, Collection::Businesses, s.till.business().id);
    let mut store = document(&s.till, Collection::Stores, s.till.store().id);
    business.insert(
        "settings",
        doc! {
            "currency": "EUR",
            "timezone": "Europe/Paris",
            "tax_inclusive": true,
            "max_cashier_discount": dec("5"),
        },
    );
    store.insert("store_name", "Corner Shop - Riverside");
    s.till
        .apply_central_changes(
            &[
                upsert(Collection::Businesses, business),
                upsert(Collection::Stores, store),
            ],
            None,
        )
        .unwrap();
    let business = s.till.business();
    assert_eq!(business.timezone.name(), "Europe/Paris");
    assert!(business.tax_inclusive);
    assert_eq!(business.max_cashier_discount.to_string(), "5%");
    assert_eq!(business.currency.code(), "USD");
    assert_eq!(s.till.store().store_name, "Corner Shop - Riverside");
}

#[test]
fn foreign_and_unusable_documents_never_land_and_never_block_the_rest() {
    let mut s = shop();
    deliver_all(&mut s.till);
    let id = milk(&s).id;
    let product = document(&s.till, Collection::Products, id);
    let new_product = |sku: &str| {
        let mut p = product.clone();
        p.insert("_id", ObjectId::new());
        p.insert("sku", sku);
        p.insert("barcode", Bson::Null);
        p
    };
    let mut other_business = new_product("OTHER-BIZ");
    other_business.insert("business_id", ObjectId::new());
    let mut other_store = new_product("OTHER-STORE");
    other_store.insert("store_id", ObjectId::new());
    // Sold at every store: this store opens with its own level, not another store's.
    let mut shared = new_product("SHARED");
    shared.remove("store_id");
    shared.insert("stock", 65);
    shared.insert(
        "stock_levels",
        vec![
            doc! { "store_id": ObjectId::new(), "opening_stock": 25, "stock": 25 },
            doc! { "store_id": s.till.store().id.object_id(), "opening_stock": 40, "stock": 40 },
        ],
    );
    let mut elsewhere = new_product("ELSEWHERE");
    elsewhere.remove("store_id");
    elsewhere.insert(
        "stock_levels",
        vec![doc! { "store_id": ObjectId::new(), "opening_stock": 9, "stock": 9 }],
    );
    let mut bad_levels = new_product("BAD-LEVELS");
    bad_levels.insert("stock_levels", "lots");
    let mut fils = new_product("FILS");
    fils.insert("price", dec("1.999"));
    let mut nameless = new_product("NAMELESS");
    nameless.remove("product_name");
    let mut same_sku = new_product("T-MILK");
    same_sku.insert("product_name", "Another milk");
    let mut owner = document(&s.till, Collection::Users, s.cashier.user_id());
    owner.insert("_id", ObjectId::new());
    owner.insert("email", "owner@example.com");
    owner.insert("role", "owner");
    let mut double_price = new_product("DOUBLE");
    double_price.insert("price", 2.5_f64);

    let outcome = s
        .till
        .apply_central_changes(
            &[
                upsert(Collection::Products, other_business),
                upsert(Collection::Products, other_store),
                upsert(Collection::Products, fils),
                upsert(Collection::Products, nameless),
                upsert(Collection::Products, same_sku),
                upsert(Collection::Users, owner),
                upsert(Collection::Products, shared),
                upsert(Collection::Products, elsewhere),
                upsert(Collection::Products, bad_levels),
                upsert(Collection::Products, double_price),
            ],
            Some("cp"),
        )
        .unwrap();
    assert_eq!(
        outcome,
        PullOutcome {
            applied: 3,
            skipped: 2,
            refused: 5
        }
    );
    for sku in ["OTHER-BIZ", "OTHER-STORE", "FILS", "NAMELESS", "BAD-LEVELS"] {
        assert_eq!(s.till.find_product(sku).unwrap(), None, "{sku}");
    }
    assert_eq!(milk(&s).product_name, "Test Whole Milk 1 L");
    assert_eq!(
        s.till.find_product("SHARED").unwrap().unwrap().stock,
        Quantity::units(40)
    );
    assert_eq!(
        s.till.find_product("ELSEWHERE").unwrap().unwrap().stock,
        Quantity::units(0)
    );
    assert_eq!(
        s.till.find_product("DOUBLE").unwrap().unwrap().price,
        usd("2.50")
    );
    assert!(matches!(
        s.till.sign_in("owner@example.com", Credential::Pin("1111")),
        Err(Error::UnknownUser(_))
    ));
    assert_eq!(s.till.pull_checkpoint().unwrap().as_deref(), Some("cp"));
    s.till.reset_pull_checkpoint().unwrap();
    assert_eq!(s.till.pull_checkpoint().unwrap(), None);
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn a_session_on_another_connection_takes_pulled_settings_and_staff_at_once() {
    let mut s = shop();
    deliver_all(&mut s.till);
    // The sync engine pulls through its own connection to the same till.
    let mut engine = Till::open(s.dir.path()).unwrap();
    let mut business = document(&s.till, Collection::Businesses, s.till.business().id);
    business.insert(
        "settings",
        doc! { "currency": "USD", "timezone": "UTC", "tax_inclusive": true,
        "max_cashier_discount": dec("5") },
    );
    let mut cashier = document(&s.till, Collection::Users, s.cashier.user_id());
    cashier.insert("permissions", vec!["process_sales"]);
    engine
        .apply_central_changes(
            &[
                upsert(Collection::Businesses, business),
                upsert(Collection::Users, cashier),
            ],
            None,
        )
        .unwrap();
    assert!(
        !s.till.business().tax_inclusive,
        "the session's copy is stale"
    );
    s.till.reload_identity().unwrap();
    assert!(s.till.business().tax_inclusive);
    assert_eq!(s.till.business().max_cashier_discount.to_string(), "5%");
    let cashier = s.till.reload_actor(&s.cashier).unwrap().unwrap();
    assert!(s.cashier.can(Permission::ApplyDiscounts));
    assert!(
        !cashier.can(Permission::ApplyDiscounts),
        "taken away centrally"
    );

    engine
        .apply_central_changes(
            &[CentralChange::Delete {
                collection: Collection::Users,
                id: s.cashier.user_id().object_id(),
            }],
            None,
        )
        .unwrap();
    assert!(
        s.till.reload_actor(&s.cashier).unwrap().is_none(),
        "signed out"
    );
    assert!(s.till.reload_actor(&s.manager).unwrap().is_some());
}
