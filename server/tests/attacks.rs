//! A till trusted with its own till and nothing more (DESIGN invariant 12), tried as a
//! cashier who copied their till's credential would: two businesses, the first with two
//! stores, a real till enrolled at each store through the real gateway, and crafted pushes
//! and pulls with store S1's credential alone. Every attack is refused with its code,
//! central is left exactly as it was (every document of every collection compared before
//! and after), and the honest operation pushed in the same batch goes through. Then S1's
//! pulls after changes at S2 hold none of S2's documents, and a revoked till can do
//! nothing more.

mod common;

use sellsync_contract::Quantity;
use std::collections::BTreeMap;
use std::path::Path;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use common::{
    create_business, database, db, enrolment_code, id_in, run_ok, sell, token_of, Gateway,
};
use sellsync_central::wire::WireOperation;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::operation::Operation;
use sellsync_contract::secrets;
use sellsync_core::catalog::NewProduct;
use sellsync_core::shift::IfParked;
use sellsync_core::staff::NewUser;
use sellsync_core::{Actor, Cart, CartCustomer, Credential, Id, Money, NewCustomer, Role, Till};
use sellsync_sync::gateway::{enrol_till, verify_person};
use serde_json::{json, Value};

/// Collections compared before and after each attack.
const CENTRAL: [&str; 18] = [
    "businesses",
    "stores",
    "users",
    "api_keys",
    "products",
    "stock_movements",
    "sales_transactions",
    "customers",
    "payment_methods",
    "notifications",
    "suppliers",
    "purchase_orders",
    "z_reports",
    "journal_entries",
    "parked_sales",
    "stock_transfers",
    "enrolments",
    "devices",
];

/// Syncs the till in `dir`: everything goes, nothing is parked.
async fn sync(dir: &Path) {
    let status = common::sync(dir).await.unwrap();
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
}

async fn signed_in(till: &mut Till, email: &str, pin: &str, verify: bool) -> Actor {
    let actor = till.sign_in(email, Credential::Pin(pin)).unwrap();
    if verify {
        verify_person(till, &actor, Credential::Pin(pin))
            .await
            .unwrap()
            .unwrap();
    }
    actor
}

/// Every document of the compared collections, by collection and id, with the device
/// records' `last_used` left out (a push writes it).
async fn snapshot(db: &mongodb::Database) -> BTreeMap<(String, String), Document> {
    let mut all = BTreeMap::new();
    for name in CENTRAL {
        let mut cursor = db.collection::<Document>(name).find(doc! {}).await.unwrap();
        while cursor.advance().await.unwrap() {
            let mut document = cursor.deserialize_current().unwrap();
            document.remove("last_used");
            let id = document.get("_id").unwrap().to_string();
            all.insert((name.to_owned(), id), document);
        }
    }
    all
}

/// A document of `collection` as a till sent it: central's copy without what central
/// adds itself (a sale's `synced_at`), a template for what a tampered till may send.
async fn one(db: &mongodb::Database, collection: &str, filter: Document) -> Document {
    let mut document = db
        .collection::<Document>(collection)
        .find_one(filter.clone())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {collection} {filter}"));
    document.remove("synced_at");
    document
}

/// An operation on the wire, as a till (tampered or not) sends it.
fn wire(
    collection: Collection,
    op: Op,
    id: ObjectId,
    payload: Document,
    user: Option<ObjectId>,
) -> Value {
    let mut value = serde_json::to_value(WireOperation::from(&Operation {
        seq: 0,
        op_id: format!("attack-{}", ObjectId::new().to_hex()),
        collection,
        document_id: id.into(),
        op,
        payload,
        user: user.map(Id::from),
    }))
    .unwrap();
    value["op_id"] = json!(format!("attack-{}", ObjectId::new().to_hex()));
    value
}

/// `document` made anew: a fresh `_id` (returned too) and `changes` over it.
fn anew(document: &Document, changes: Document) -> (ObjectId, Document) {
    let id = ObjectId::new();
    let mut document = document.clone();
    document.insert("_id", id);
    document.extend(changes);
    (id, document)
}

fn now() -> Bson {
    Bson::DateTime(bson::DateTime::now())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tills_credential_reaches_its_own_till_and_nothing_more() {
    let name = database("attacks");
    let (created, _) = create_business(&name, "Corner Market", "Premium");
    let business = ObjectId::parse_str(id_in(&created, "business")).unwrap();
    let s1 = ObjectId::parse_str(id_in(&created, "store")).unwrap();
    let owner_id = ObjectId::parse_str(id_in(&created, "owner")).unwrap();
    let text = run_ok(
        &[
            "admin",
            "create-store",
            "--business",
            &business.to_hex(),
            "--name",
            "Harbour",
        ],
        &name,
    );
    let s2 = ObjectId::parse_str(id_in(&text, "store")).unwrap();
    let (created_b, _) = create_business(&name, "Other Shop", "Premium");
    let business_b = ObjectId::parse_str(id_in(&created_b, "business")).unwrap();
    let store_b = ObjectId::parse_str(id_in(&created_b, "store")).unwrap();
    let owner_b = ObjectId::parse_str(id_in(&created_b, "owner")).unwrap();
    let gateway = Gateway::start(&name);
    let db = db(&name).await;

    // S1: the owner, verified at the till, takes on a cashier and a manager of S1 and
    // lists a business-wide product and one of S1's own; the cashier sells to a customer.
    let (dir1, dir2, dir_b) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let code = enrolment_code(&name, &business.to_hex(), &s1.to_hex());
    let (mut till1, _) = enrol_till(dir1.path(), &gateway.base, &code, Some("S1"))
        .await
        .unwrap();
    let boss = signed_in(&mut till1, "owner@example.com", "4321", true).await;
    let hire = |name: &str, email: &str, pin: &str, role| NewUser {
        name: name.into(),
        email: email.into(),
        role: Some(role),
        pin: Some(pin.into()),
        password: None,
        permissions: None,
    };
    let priya = till1
        .add_user(
            &boss,
            &hire("Priya Shah", "priya@example.com", "1111", Role::Cashier),
        )
        .unwrap();
    till1
        .add_user(
            &boss,
            &hire("Max Ruiz", "max@example.com", "2222", Role::Manager),
        )
        .unwrap();
    for (sku, own) in [("MILK", false), ("PIE", true)] {
        till1
            .add_product(
                &boss,
                &NewProduct {
                    sku: sku.into(),
                    product_name: sku.to_lowercase(),
                    price: Money::from_minor(350),
                    stock: Quantity::units(40),
                    only_this_store: own,
                    ..NewProduct::default()
                },
            )
            .unwrap();
    }
    let ada = till1
        .add_customer(
            &boss,
            &NewCustomer {
                name: "Ada Lovelace".into(),
                phone: Some("5550100".into()),
                email: None,
            },
        )
        .unwrap();
    till1
        .open_shift(&boss, &CashCount::amount(Money::from_minor(5_000)).unwrap())
        .unwrap();
    let cashier = till1
        .sign_in("priya@example.com", Credential::Pin("1111"))
        .unwrap();
    sell(
        &mut till1,
        &cashier,
        "MILK",
        2,
        Some(CartCustomer::Existing(ada.clone())),
    );
    sync(dir1.path()).await;
    assert_eq!(priya.role, Role::Cashier);

    // S2: its own staff member (with a PIN hash), its own product, a sale to the same
    // customer, a stock correction, a parked cart and a closed shift.
    let code = enrolment_code(&name, &business.to_hex(), &s2.to_hex());
    let (mut till2, _) = enrol_till(dir2.path(), &gateway.base, &code, Some("S2"))
        .await
        .unwrap();
    let boss2 = signed_in(&mut till2, "owner@example.com", "4321", true).await;
    till2
        .add_user(
            &boss2,
            &hire("Sam Okafor", "sam@example.com", "3333", Role::Cashier),
        )
        .unwrap();
    till2
        .add_product(
            &boss2,
            &NewProduct {
                sku: "EGGS".into(),
                product_name: "eggs".into(),
                price: Money::from_minor(420),
                stock: Quantity::units(30),
                only_this_store: true,
                ..NewProduct::default()
            },
        )
        .unwrap();
    sync(dir2.path()).await;
    let ada2 = till2.find_customer(&boss2, "5550100").unwrap().unwrap();
    till2
        .open_shift(
            &boss2,
            &CashCount::amount(Money::from_minor(5_000)).unwrap(),
        )
        .unwrap();
    sell(
        &mut till2,
        &boss2,
        "EGGS",
        2,
        Some(CartCustomer::Existing(ada2)),
    );
    till2
        .adjust_stock(&boss2, "EGGS", Quantity::units(-1), "broken")
        .unwrap();
    let mut cart = Cart::new();
    till2
        .ring_up(&mut cart, "EGGS", Quantity::units(1))
        .unwrap();
    till2.park(&boss2, &cart, "back soon").unwrap();
    let z = till2
        .close_shift(
            &boss2,
            &CashCount::amount(Money::from_minor(5_840)).unwrap(),
            None,
            IfParked::Keep,
        )
        .unwrap();
    sync(dir2.path()).await;

    // Business B: a till of its own store, a user of its own.
    let code = enrolment_code(&name, &business_b.to_hex(), &store_b.to_hex());
    let (_till_b, _) = enrol_till(dir_b.path(), &gateway.base, &code, Some("B1"))
        .await
        .unwrap();

    // What the attacker starts from: S1's credential, and documents central holds.
    let token = token_of(dir1.path());
    let till1_id = till1.till_id().object_id();
    let priya_id = priya.id.object_id();
    let sam = one(&db, "users", doc! { "email": "sam@example.com" }).await;
    let sam_id = sam.get_object_id("_id").unwrap();
    let milk = one(&db, "products", doc! { "sku": "MILK" }).await;
    let pie = one(&db, "products", doc! { "sku": "PIE" }).await;
    let eggs = one(&db, "products", doc! { "sku": "EGGS" }).await;
    let sale1 = one(&db, "sales_transactions", doc! { "store_id": s1 }).await;
    let sale2 = one(&db, "sales_transactions", doc! { "store_id": s2 }).await;
    let movement1 = one(&db, "stock_movements", doc! { "store_id": s1 }).await;
    let movement2 = one(&db, "stock_movements", doc! { "store_id": s2 }).await;
    let z2 = one(&db, "z_reports", doc! { "_id": z.shift_id.object_id() }).await;
    let journal2 = one(&db, "journal_entries", doc! { "store_id": s2 }).await;
    let parked2 = one(&db, "parked_sales", doc! { "store_id": s2 }).await;
    let customer = one(&db, "customers", doc! { "phone": "5550100" }).await;
    let customer_id = customer.get_object_id("_id").unwrap();
    let owners_key = one(&db, "api_keys", doc! { "business_id": business }).await;
    // What a back office made for S2: an order, a transfer to a third store, a notification.
    let supplier = ObjectId::new();
    let order2 = doc! {
        "_id": ObjectId::new(), "business_id": business, "store_id": s2, "supplier_id": supplier,
        "order_number": "S2-PO000001", "order_status": "draft", "items": [],
        "created_at": now(), "updated_at": now(),
    };
    let transfer2 = doc! {
        "_id": ObjectId::new(), "business_id": business, "from_store_id": s2,
        "to_store_id": ObjectId::new(), "transfer_number": "S2-TR000001", "status": "in_transit",
        "items": [], "note": "", "created_at": now(), "updated_at": now(),
    };
    let notice2 = doc! {
        "_id": ObjectId::new(), "business_id": business, "store_id": s2, "kind": "low_stock",
        "message": "Eggs are low", "status": "unread", "created_at": now(),
    };
    for (collection, document) in [
        ("purchase_orders", &order2),
        ("stock_transfers", &transfer2),
        ("notifications", &notice2),
    ] {
        db.collection::<Document>(collection)
            .insert_one(document)
            .await
            .unwrap();
    }
    // The owner has left the till: their verification there has run out.
    db.collection::<Document>("verifications")
        .update_many(
            doc! {},
            doc! { "$set": { "expires_at": bson::DateTime::from_millis(0) } },
        )
        .await
        .unwrap();

    let boss_id = Some(owner_id);
    let by_priya = Some(priya_id);
    let future = Bson::DateTime(bson::DateTime::parse_rfc3339_str("9999-01-01T00:00:00Z").unwrap());
    let oid = |d: &Document| d.get_object_id("_id").unwrap();
    let (_, sale_s2_store) = anew(&sale1, doc! { "store_id": s2 });
    let (_, sale_other_till) = anew(&sale1, doc! { "till_id": ObjectId::new() });
    let (_, sale_b) = anew(&sale1, doc! { "business_id": business_b });
    let (_, sale_voided) = anew(&sale1, doc! { "transaction_status": "voided" });
    let (_, sale_applied) = anew(&sale1, doc! { "stock_applied": true });
    let (_, sale_b_cashier) = anew(&sale1, doc! { "cashier_id": owner_b });
    let (_, sale_s2_cashier) = anew(&sale1, doc! { "cashier_id": sam_id });
    let mut levels = milk.clone();
    levels.insert("_id", ObjectId::new());
    levels.insert("sku", "MILK2");
    levels.insert("store_id", s1);
    levels.insert(
        "stock_levels",
        vec![Bson::Document(
            doc! { "store_id": s2, "opening_stock": 0_i64, "stock": -500_i64 },
        )],
    );
    // A movement as S1's till sent it (central adds `stock_applied` when it counts one).
    let mut movement_sent = movement1.clone();
    movement_sent.remove("stock_applied");
    let movement_like = |changes: Document| anew(&movement_sent, changes).1;
    // A sale whose line of a piece product says it sold half a kilogram of it.
    let mut by_weight = sale1.get_array("items").unwrap()[0]
        .as_document()
        .unwrap()
        .clone();
    by_weight.insert("unit", "kg");
    by_weight.insert("quantity", "0.5".parse::<bson::Decimal128>().unwrap());
    let sale_by_weight = anew(&sale1, doc! { "items": [by_weight] }).1;
    let z_other_till = anew(&z2, doc! { "store_id": s1, "till_id": ObjectId::new() }).1;
    // A Z report of till 1 whose drawer count names business B's owner as the counter.
    let mut count_by_b = z2.get_array("counts").unwrap()[0]
        .as_document()
        .unwrap()
        .clone();
    count_by_b.insert("counted_by", owner_b);
    let z_counted_by_b = anew(
        &z2,
        doc! { "store_id": s1, "till_id": till1_id, "z_number": 99_i64, "counts": [count_by_b] },
    )
    .1;
    let journal_other_till = anew(
        &journal2,
        doc! { "store_id": s1, "till_id": ObjectId::new() },
    )
    .1;
    let key = secrets::generate(secrets::Kind::ApiKey).unwrap();
    let key_id = ObjectId::new();
    let key_doc =
        secrets::api_key_document(key_id, business, &key, &["read", "write"], Some(owner_id));
    let purchase = |transaction: ObjectId, points: i64, credit: &str| {
        doc! {
            "transaction_id": transaction, "date": now(),
            "amount": "7.00".parse::<bson::Decimal128>().unwrap(),
            "loyalty_points": points,
            "store_credit": credit.parse::<bson::Decimal128>().unwrap(),
        }
    };
    let earned = sale1.get_i64("loyalty_points_earned").unwrap_or(0);

    use Collection as C;
    let attacks: Vec<(&str, Value, &str)> = vec![
        (
            "the owner's PIN, dated year 9999",
            wire(
                C::Users,
                Op::Update,
                owner_id,
                doc! { "pin_hash": "$argon2id$v=19$m=19456,t=2,p=1$x$y", "updated_at": future.clone() },
                by_priya,
            ),
            "future_timestamp",
        ),
        (
            "the owner's PIN",
            wire(
                C::Users,
                Op::Update,
                owner_id,
                doc! { "pin_hash": "$argon2id$v=19$m=19456,t=2,p=1$x$y", "updated_at": now() },
                by_priya,
            ),
            "not_writable_by_till",
        ),
        (
            "a role raised",
            wire(
                C::Users,
                Op::Update,
                priya_id,
                doc! { "role": "admin", "permissions": ["manage_users"], "updated_at": now() },
                by_priya,
            ),
            "not_writable_by_till",
        ),
        (
            "an admin of every store",
            wire(
                C::Users,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "store_id": Bson::Null, "name": "Mallory",
                "email": "mallory@example.com", "role": "admin",
                "permissions": ["manage_users", "manage_settings"], "pin_hash": "x" },
                by_priya,
            ),
            "needs_verified_person",
        ),
        (
            "an admin in the owner's name, unverified",
            wire(
                C::Users,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "store_id": Bson::Null, "name": "Mallory",
                "email": "mallory@example.com", "role": "admin",
                "permissions": ["manage_users"], "pin_hash": "x" },
                boss_id,
            ),
            "needs_verified_person",
        ),
        (
            "a REST key in the owner's name",
            wire(C::ApiKeys, Op::Insert, key_id, key_doc.clone(), boss_id),
            "needs_verified_person",
        ),
        (
            "the owner's key revoked",
            wire(
                C::ApiKeys,
                Op::Update,
                oid(&owners_key),
                doc! { "status": "revoked", "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "another store's level at -500",
            wire(
                C::Products,
                Op::Update,
                oid(&milk),
                doc! { "stock_levels": [{ "store_id": s2, "opening_stock": 0_i64, "stock": -500_i64 }],
                "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "a product's total stock",
            wire(
                C::Products,
                Op::Update,
                oid(&pie),
                doc! { "stock": 10_000_i64, "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "a product mid-count",
            wire(
                C::Products,
                Op::Update,
                oid(&pie),
                doc! { "pending_movements": [], "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "S2's own product repriced",
            wire(
                C::Products,
                Op::Update,
                oid(&eggs),
                doc! { "price": "0.01".parse::<bson::Decimal128>().unwrap(), "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "a business-wide product repriced, unverified",
            wire(
                C::Products,
                Op::Update,
                oid(&milk),
                doc! { "price": "0.01".parse::<bson::Decimal128>().unwrap(), "updated_at": now() },
                boss_id,
            ),
            "needs_verified_person",
        ),
        (
            "a price dated year 9999",
            wire(
                C::Products,
                Op::Update,
                oid(&pie),
                doc! { "price": "9.99".parse::<bson::Decimal128>().unwrap(), "updated_at": future.clone() },
                boss_id,
            ),
            "future_timestamp",
        ),
        (
            "a product with another store's level",
            wire(
                C::Products,
                Op::Insert,
                oid(&levels),
                levels.clone(),
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "S2's movement changed",
            wire(
                C::StockMovements,
                Op::Update,
                oid(&movement2),
                doc! { "quantity": -500_i64, "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "S2's Z report changed",
            wire(
                C::ZReports,
                Op::Update,
                oid(&z2),
                doc! { "over_short": 0_i64, "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "S2's journal changed",
            wire(
                C::JournalEntries,
                Op::Update,
                oid(&journal2),
                doc! { "hash": "00", "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a customer's credit set",
            wire(
                C::Customers,
                Op::Update,
                customer_id,
                doc! { "store_credit": "5000.00".parse::<bson::Decimal128>().unwrap(), "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "points and credit tied to no sale",
            wire(
                C::Customers,
                Op::CustomerPurchase,
                customer_id,
                purchase(ObjectId::new(), 100_000, "5000.00"),
                boss_id,
            ),
            "no_cause",
        ),
        (
            "points tied to S2's sale",
            wire(
                C::Customers,
                Op::CustomerPurchase,
                customer_id,
                purchase(
                    oid(&sale2),
                    sale2.get_i64("loyalty_points_earned").unwrap_or(0),
                    "0.00",
                ),
                boss_id,
            ),
            "other_store",
        ),
        (
            "more points than S1's sale earned",
            wire(
                C::Customers,
                Op::CustomerPurchase,
                customer_id,
                purchase(oid(&sale1), earned + 100_000, "0.00"),
                boss_id,
            ),
            "out_of_range",
        ),
        (
            "credit from S1's sale",
            wire(
                C::Customers,
                Op::CustomerPurchase,
                customer_id,
                purchase(oid(&sale1), earned, "5000.00"),
                boss_id,
            ),
            "out_of_range",
        ),
        (
            "points moved on a product",
            wire(
                C::Products,
                Op::CustomerPurchase,
                oid(&pie),
                purchase(oid(&sale1), earned, "0.00"),
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a return window of a billion days",
            wire(
                C::Businesses,
                Op::Update,
                business,
                doc! { "settings": { "return_window_days": 1_000_000_000_i64 }, "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a time zone on Mars, by path",
            wire(
                C::Businesses,
                Op::Update,
                business,
                doc! { "settings.timezone": "Mars/Olympus", "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "the plan",
            wire(
                C::Businesses,
                Op::Update,
                business,
                doc! { "package_plan": "Premium", "subscription_status": "active", "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a store renamed",
            wire(
                C::Stores,
                Op::Update,
                s2,
                doc! { "store_name": "Mine", "updated_at": now() },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a store opened",
            wire(
                C::Stores,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "store_name": "Mine" },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a business made",
            wire(
                C::Businesses,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_name": "Mine" },
                boss_id,
            ),
            "not_writable_by_till",
        ),
        (
            "a sale of S2",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_s2_store),
                sale_s2_store.clone(),
                by_priya,
            ),
            "other_store",
        ),
        (
            "a sale of another till",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_other_till),
                sale_other_till.clone(),
                by_priya,
            ),
            "other_till",
        ),
        (
            "a sale of business B",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_b),
                sale_b.clone(),
                by_priya,
            ),
            "other_business",
        ),
        (
            "a sale made voided",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_voided),
                sale_voided.clone(),
                by_priya,
            ),
            "field_not_writable",
        ),
        (
            "a sale counted already",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_applied),
                sale_applied.clone(),
                by_priya,
            ),
            "field_not_writable",
        ),
        (
            "a sale by business B's owner",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_b_cashier),
                sale_b_cashier.clone(),
                by_priya,
            ),
            "unknown_user",
        ),
        (
            "a sale by S2's cashier",
            wire(
                C::SalesTransactions,
                Op::Insert,
                oid(&sale_s2_cashier),
                sale_s2_cashier.clone(),
                by_priya,
            ),
            "unknown_user",
        ),
        (
            "S2's sale voided",
            wire(
                C::SalesTransactions,
                Op::Update,
                oid(&sale2),
                doc! { "transaction_status": "voided", "voided_by": owner_id, "void_reason": "x", "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "a sale's total changed",
            wire(
                C::SalesTransactions,
                Op::Update,
                oid(&sale1),
                doc! { "total_amount": "0.00".parse::<bson::Decimal128>().unwrap(), "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "a movement at S2",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "store_id": s2, "movement_type": "adjustment", "quantity": -5_i64, "handled_by": owner_id },
                ),
                boss_id,
            ),
            "other_store",
        ),
        (
            "a cashier's correction",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "movement_type": "adjustment", "quantity": -5_i64, "handled_by": priya_id },
                ),
                by_priya,
            ),
            "permission_denied",
        ),
        (
            "a correction by business B's owner",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "movement_type": "adjustment", "quantity": -5_i64, "handled_by": owner_b },
                ),
                Some(owner_b),
            ),
            "unknown_user",
        ),
        (
            "a correction by S2's cashier",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "movement_type": "restock", "quantity": 5_i64, "handled_by": sam_id },
                ),
                Some(sam_id),
            ),
            "unknown_user",
        ),
        (
            "a movement of a billion",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "movement_type": "restock", "quantity": 1_000_000_000_i64, "handled_by": owner_id },
                ),
                boss_id,
            ),
            "out_of_range",
        ),
        (
            "half a piece out of stock",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(
                    doc! { "movement_type": "adjustment", "quantity": "-0.5".parse::<bson::Decimal128>().unwrap(), "handled_by": owner_id },
                ),
                boss_id,
            ),
            "wrong_unit",
        ),
        (
            "a piece product sold by the kilogram",
            wire(
                C::SalesTransactions,
                Op::Insert,
                ObjectId::new(),
                sale_by_weight.clone(),
                by_priya,
            ),
            "wrong_unit",
        ),
        (
            "a movement counted already",
            wire(
                C::StockMovements,
                Op::Insert,
                ObjectId::new(),
                movement_like(doc! { "stock_applied": true }),
                by_priya,
            ),
            "field_not_writable",
        ),
        (
            "a customer born rich",
            wire(
                C::Customers,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "name": "Eve", "phone": Bson::Null, "email": Bson::Null,
                "loyalty_points": 100_000_i64, "store_credit": "5000.00".parse::<bson::Decimal128>().unwrap(),
                "purchase_history": [], "created_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "a payment method",
            wire(
                C::PaymentMethods,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "method_name": "Mine", "provider": "", "kind": "other", "created_at": now() },
                boss_id,
            ),
            "needs_verified_person",
        ),
        (
            "a supplier by a cashier",
            wire(
                C::Suppliers,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "supplier_name": "Mine", "contact_person": "", "email": Bson::Null,
                "phone": Bson::Null, "address": "", "created_at": now() },
                by_priya,
            ),
            "permission_denied",
        ),
        (
            "S2's order changed",
            wire(
                C::PurchaseOrders,
                Op::Update,
                oid(&order2),
                doc! { "order_status": "cancelled", "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "S2's parked cart taken",
            wire(
                C::ParkedSales,
                Op::Update,
                oid(&parked2),
                doc! { "status": "discarded", "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "a parked cart claimed for another till",
            wire(
                C::ParkedSales,
                Op::Update,
                oid(&parked2),
                doc! { "status": "resumed", "claimed_by_till": ObjectId::new(), "updated_at": now() },
                boss_id,
            ),
            "other_till",
        ),
        (
            "S2's transfer received",
            wire(
                C::StockTransfers,
                Op::Update,
                oid(&transfer2),
                doc! { "status": "received", "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "S2's notification read",
            wire(
                C::Notifications,
                Op::Update,
                oid(&notice2),
                doc! { "status": "read", "updated_at": now() },
                boss_id,
            ),
            "other_store",
        ),
        (
            "a Z report of another till",
            wire(
                C::ZReports,
                Op::Insert,
                oid(&z_other_till),
                z_other_till.clone(),
                boss_id,
            ),
            "other_till",
        ),
        (
            "a Z report whose count names another business's user",
            wire(
                C::ZReports,
                Op::Insert,
                oid(&z_counted_by_b),
                z_counted_by_b.clone(),
                boss_id,
            ),
            "unknown_user",
        ),
        (
            "a journal entry of another till",
            wire(
                C::JournalEntries,
                Op::Insert,
                oid(&journal_other_till),
                journal_other_till.clone(),
                boss_id,
            ),
            "other_till",
        ),
        (
            "an operator as a field",
            wire(
                C::Products,
                Op::Update,
                oid(&pie),
                doc! { "$set": { "stock": 1_i64 }, "updated_at": now() },
                boss_id,
            ),
            "field_not_writable",
        ),
        (
            "an operator deep in a line",
            wire(
                C::SalesTransactions,
                Op::Insert,
                ObjectId::new(),
                anew(&sale1, doc! { "items": [{ "$inc": { "stock": 5_i64 } }] }).1,
                by_priya,
            ),
            "field_not_writable",
        ),
        (
            "a reorder onto S2's draft",
            wire(
                C::PurchaseOrders,
                Op::Reorder,
                ObjectId::new(),
                doc! { "reorder_id": ObjectId::new(),
                "order": { "_id": ObjectId::new(), "business_id": business, "store_id": s2, "supplier_id": supplier,
                           "order_number": "AUTO", "order_status": "draft", "items": [], "created_at": now(), "updated_at": now() },
                "item": { "product_id": oid(&eggs), "quantity_ordered": 12_i64 } },
                boss_id,
            ),
            "other_store",
        ),
        (
            "in the name of business B's owner",
            wire(
                C::Suppliers,
                Op::Insert,
                ObjectId::new(),
                doc! { "business_id": business, "supplier_name": "B's", "contact_person": "", "email": Bson::Null,
                "phone": Bson::Null, "address": "", "created_at": now() },
                Some(owner_b),
            ),
            "unknown_user",
        ),
        (
            "business B's customer changed",
            wire(
                C::Customers,
                Op::CustomerPurchase,
                owner_b,
                purchase(oid(&sale1), earned, "0.00"),
                boss_id,
            ),
            "no_cause",
        ),
    ];
    assert!(attacks.len() >= 40, "{} attacks", attacks.len());

    // Each attack in a batch with an honest customer made at S1: the attack refused with
    // its code, central unchanged but for the honest customer.
    let mut seq = 0;
    for (what, attack, wanted) in attacks {
        let before = snapshot(&db).await;
        let honest_id = ObjectId::new();
        let honest = wire(
            C::Customers,
            Op::Insert,
            honest_id,
            doc! { "_id": honest_id, "business_id": business, "name": "Honest", "phone": Bson::Null,
            "email": Bson::Null, "loyalty_points": 0_i64,
            "store_credit": "0.00".parse::<bson::Decimal128>().unwrap(),
            "purchase_history": [], "created_at": now() },
            boss_id,
        );
        let mut batch = Vec::new();
        for mut op in [attack, honest] {
            seq += 1;
            op["seq"] = json!(seq);
            if op["payload"].get("_id").is_none() && op["op"] == "insert" {
                op["payload"]["_id"] = json!({ "$oid": op["document_id"] });
            }
            batch.push(op);
        }
        let (status, body) = gateway.post_as_till(
            "/v1/sync/push",
            &token,
            &json!({ "operations": batch }).to_string(),
        );
        assert_eq!(status, 200, "{what}: {body}");
        let results = body["results"].as_array().unwrap();
        assert_eq!(
            (results[0]["status"].as_str(), results[0]["code"].as_str()),
            (Some("refused"), Some(wanted)),
            "{what}: {}",
            results[0]
        );
        assert_eq!(
            results[1]["status"], "applied",
            "{what}: the honest one went through"
        );
        let mut after = snapshot(&db).await;
        assert!(
            after
                .remove(&(
                    "customers".to_owned(),
                    Bson::ObjectId(honest_id).to_string()
                ))
                .is_some(),
            "{what}"
        );
        assert!(before == after, "{what}: central changed");
    }

    // A replay of S1's sale's points changes nothing: central adds a sale's once.
    let before = snapshot(&db).await;
    let replay = {
        let mut op = wire(
            C::Customers,
            Op::CustomerPurchase,
            customer_id,
            purchase(oid(&sale1), earned, "0.00"),
            boss_id,
        );
        op["seq"] = json!(10_000);
        op
    };
    let (status, body) = gateway.post_as_till(
        "/v1/sync/push",
        &token,
        &json!({ "operations": [replay] }).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["results"][0]["status"], "refused", "{body}");
    assert!(
        before == snapshot(&db).await,
        "a replayed purchase changed central"
    );

    // Pulls of S1 hold none of S2's documents: a full read, and the change stream after
    // more happens at S2 (a sale, a movement, a new staff member, a deleted one).
    let foreign = |changes: &Value| -> Vec<String> {
        changes["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                let d = &c["document"];
                d["store_id"] == json!({ "$oid": s2.to_hex() })
                    || d["business_id"] == json!({ "$oid": business_b.to_hex() })
                    || c["id"] == json!(sam_id.to_hex())
                    || c["id"] == json!(owner_b.to_hex())
            })
            .map(|c| c.to_string())
            .collect()
    };
    // S1's pull from `checkpoint` to the end: its changes, and where it stands then.
    let pull = |mut checkpoint: Value| {
        let mut changes = Vec::new();
        loop {
            let (status, page) = gateway.post_as_till(
                "/v1/sync/pull",
                &token,
                &json!({ "checkpoint": checkpoint }).to_string(),
            );
            assert_eq!(status, 200, "{page}");
            changes.extend(page["changes"].as_array().unwrap().iter().cloned());
            checkpoint = page["checkpoint"].clone();
            if page["more"] != true {
                return (json!({ "changes": changes }), checkpoint);
            }
        }
    };
    let (read, checkpoint) = pull(Value::Null);
    assert_eq!(foreign(&read), Vec::<String>::new(), "a full read of S1");
    let boss2 = signed_in(&mut till2, "owner@example.com", "4321", true).await;
    till2
        .open_shift(
            &boss2,
            &CashCount::amount(Money::from_minor(5_000)).unwrap(),
        )
        .unwrap();
    sell(&mut till2, &boss2, "EGGS", 2, None);
    till2
        .adjust_stock(&boss2, "EGGS", Quantity::units(-1), "broken")
        .unwrap();
    till2
        .add_user(
            &boss2,
            &hire("Kim Lee", "kim@example.com", "4444", Role::Cashier),
        )
        .unwrap();
    sync(dir2.path()).await;
    db.collection::<Document>("users")
        .delete_one(doc! { "_id": sam_id })
        .await
        .unwrap();
    db.collection::<Document>("users")
        .delete_one(doc! { "_id": owner_b })
        .await
        .unwrap();
    // S1's own manager leaves: that deletion does reach S1.
    let max = one(&db, "users", doc! { "email": "max@example.com" }).await;
    db.collection::<Document>("users")
        .delete_one(doc! { "_id": oid(&max) })
        .await
        .unwrap();
    let (followed, _) = pull(checkpoint);
    assert_eq!(
        foreign(&followed),
        Vec::<String>::new(),
        "S1's pull after S2's changes"
    );
    assert!(
        !followed.to_string().contains("kim@example.com"),
        "S2's new cashier and PIN hash"
    );
    let deleted_here = followed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["change"] == "delete" && c["id"] == json!(oid(&max).to_hex()));
    assert!(deleted_here, "S1's own staff member's deletion reaches S1");

    // Verifying a person at S1's till: S2's staff and business B's are no one here, and
    // wrong PINs lock the person out centrally, the right one too while it lasts.
    let verify = |email: &str, pin: &str| {
        gateway.post_as_till(
            "/v1/tills/people",
            &token,
            &json!({ "email": email, "pin": pin }).to_string(),
        )
    };
    for (email, pin) in [("kim@example.com", "4444"), ("nobody@example.com", "1234")] {
        let (status, answer) = verify(email, pin);
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("unknown_user")),
            "{email}"
        );
    }
    for left in (1..5).rev() {
        let (status, answer) = verify("priya@example.com", "0000");
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("wrong_secret")),
            "{answer}"
        );
        assert!(
            answer["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} tries left")),
            "{answer}"
        );
    }
    let (status, answer) = verify("priya@example.com", "0000");
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("account_locked")),
        "{answer}"
    );
    let (status, answer) = verify("priya@example.com", "1111");
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("account_locked")),
        "{answer}"
    );
    let (status, answer) = verify("owner@example.com", "4321");
    assert_eq!(status, 200, "{answer}");
    assert!(
        !answer.to_string().contains("argon2"),
        "no hash is answered: {answer}"
    );

    // The till's credential is no key of the REST API and no back-office session: sent as
    // a bearer or as the session's cookie, on a read or a change, it opens nothing there.
    let before = snapshot(&db).await;
    let cookie = format!("sellsync_session={token}");
    for (method, path, body) in [
        ("GET", "/v1/business", ""),
        ("GET", "/v1/dashboard", ""),
        ("GET", "/v1/products", ""),
        ("GET", "/v1/sales", ""),
        ("GET", "/v1/users", ""),
        ("GET", "/v1/tills", ""),
        ("GET", "/v1/api-keys", ""),
        ("GET", "/v1/session", ""),
        (
            "POST",
            "/v1/products",
            r#"{"sku":"TILL","product_name":"Till's own","price":"0.01"}"#,
        ),
        (
            "POST",
            "/v1/api-keys",
            r#"{"label":"mine","scopes":["write"]}"#,
        ),
        (
            "POST",
            "/v1/enrolment-codes",
            &format!(r#"{{"store_id":"{s2}"}}"#),
        ),
        (
            "POST",
            "/v1/users",
            r#"{"name":"Eve","email":"eve@example.com","role":"admin","password":"correct horse battery"}"#,
        ),
        (
            "PATCH",
            "/v1/business/settings",
            r#"{"return_window_days":365}"#,
        ),
    ] {
        let (status, _, answer) = gateway.call(method, path, Some(&token), body, &[]);
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("not_an_api_key")),
            "{method} {path} with the till's credential as a bearer"
        );
        let (status, _, answer) = gateway.call(method, path, None, body, &[("Cookie", &cookie)]);
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("session_expired")),
            "{method} {path} with the till's credential as a session"
        );
    }
    assert_eq!(
        before,
        snapshot(&db).await,
        "the till's credential changed nothing through the REST API"
    );

    // Revoked: S1's till can do nothing more, and nothing it made still works.
    let (status, made) = gateway.post_as_till("/v1/tills/enrolment-codes", &token, "{}");
    assert_eq!(status, 200, "{made}");
    let spare_code = made["code"].as_str().unwrap().to_owned();
    let device = one(&db, "devices", doc! { "till_id": till1_id }).await;
    run_ok(
        &[
            "admin",
            "revoke-till",
            "--business",
            &business.to_hex(),
            "--device",
            &oid(&device).to_hex(),
        ],
        &name,
    );
    for (path, body) in [
        ("/v1/sync/push", json!({ "operations": [] })),
        ("/v1/sync/pull", json!({})),
        ("/v1/tills/enrolment-codes", json!({})),
        (
            "/v1/tills/people",
            json!({ "email": "owner@example.com", "pin": "4321" }),
        ),
    ] {
        let (status, answer) = gateway.post_as_till(path, &token, &body.to_string());
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("device_revoked")),
            "{path}"
        );
    }
    let dir_x = tempfile::tempdir().unwrap();
    let Err(err) = enrol_till(dir_x.path(), &gateway.base, &spare_code, None).await else {
        panic!("a code made by a revoked till enrolled a till");
    };
    assert!(
        err.to_string().contains("revoked") || err.to_string().contains("not known"),
        "{err}"
    );
}
