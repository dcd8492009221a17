//! Tills that sync through the gateway: enrolled with a one-time code, holding no
//! database credentials, their business and store taken from their credential. Real
//! tills (SQLite files), the real gateway binary over HTTP, the MongoDB-wire test server.

mod common;

use bson::oid::ObjectId;
use bson::{doc, Document};
use common::{
    create_business, database, db, enrolment_code, id_in, run_ok, sell, server, sync, token_of,
    Gateway,
};
use sellsync_central::wire::WireOperation;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{
    barcode_rules_bson, read_barcode_rules, Collection, Op, StockMovementDoc,
};
use sellsync_contract::embedded_barcodes::ready_layout;
use sellsync_contract::operation::Operation;
use sellsync_contract::secrets;
use sellsync_contract::stock::MovementType;
use sellsync_contract::Quantity;
use sellsync_core::catalog::NewProduct;
use sellsync_core::staff::NewUser;
use sellsync_core::{Actor, Credential, Id, Money, Role, Till};
use sellsync_sync::gateway::{enrol_till, verify_person, GatewayClient};
use sellsync_sync::{SyncError, SyncTarget};
use serde_json::{json, Value};

/// The owner, signed in at `till` and verified by its gateway (what only a person may
/// allow, such as taking on staff, goes through while they are).
async fn owner(till: &mut Till) -> Actor {
    let boss = till
        .sign_in("owner@example.com", Credential::Pin("4321"))
        .unwrap();
    let verified = verify_person(till, &boss, Credential::Pin("4321"))
        .await
        .unwrap()
        .expect("the till syncs through a gateway");
    assert!(!verified.verified.user_id.is_empty());
    boss
}

async fn count(db: &mongodb::Database, collection: &str, filter: Document) -> u64 {
    db.collection::<Document>(collection)
        .count_documents(filter)
        .await
        .unwrap()
}

async fn stock_at(db: &mongodb::Database, sku: &str, business: ObjectId, store: ObjectId) -> i64 {
    let product = db
        .collection::<Document>("products")
        .find_one(doc! { "sku": sku, "business_id": business })
        .await
        .unwrap()
        .unwrap();
    product
        .get_array("stock_levels")
        .unwrap()
        .iter()
        .filter_map(|l| l.as_document())
        .find(|l| l.get_object_id("store_id") == Ok(store))
        .map(|l| l.get_i64("stock").unwrap())
        .unwrap()
}

/// A stock movement as a till would push it.
fn movement(
    seq: i64,
    business: ObjectId,
    store: ObjectId,
    product: Id,
    kind: MovementType,
    quantity: i64,
    by: Id,
) -> Value {
    let id = Id::new();
    let document = StockMovementDoc {
        id,
        business_id: business.into(),
        store_id: store.into(),
        product_id: product,
        movement_type: kind,
        quantity: Quantity::units(quantity),
        handled_by: Some(by),
        reason: "recount".into(),
        transaction_id: None,
        created_at: Some(chrono::Utc::now()),
    }
    .to_document();
    serde_json::to_value(WireOperation::from(&Operation {
        seq,
        op_id: format!("tampered-{seq}"),
        collection: Collection::StockMovements,
        document_id: id,
        op: Op::Insert,
        payload: document,
        user: None,
    }))
    .unwrap()
}

/// An API key as a till would push it, in `by`'s name.
fn cashiers_key(seq: i64, business: ObjectId, by: Id) -> Value {
    let key = secrets::generate(secrets::Kind::ApiKey).unwrap();
    let id = ObjectId::new();
    let document =
        secrets::api_key_document(id, business, &key, &["read", "write"], Some(by.object_id()));
    serde_json::to_value(WireOperation::from(&Operation {
        seq,
        op_id: format!("tampered-{seq}"),
        collection: Collection::ApiKeys,
        document_id: id.into(),
        op: Op::Insert,
        payload: document,
        user: None,
    }))
    .unwrap()
}

/// Pushes `operations` with `token`: the status and each operation's (status, code).
fn push(gateway: &Gateway, token: &str, operations: &[Value]) -> (u16, Vec<(String, String)>) {
    let (status, body) = gateway.post(
        "/v1/sync/push",
        Some(token),
        &json!({ "operations": operations }).to_string(),
    );
    let results = body["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .map(|r| {
                    (
                        r["status"].as_str().unwrap().to_owned(),
                        r["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_else(|| vec![("error".into(), body["code"].as_str().unwrap().to_owned())]);
    (status, results)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_till_enrolled_at_the_gateway_sells_and_syncs_through_it_exactly_once() {
    let name = database("tills");
    let (created, _) = create_business(&name, "Corner Market", "Premium");
    let business = ObjectId::parse_str(id_in(&created, "business")).unwrap();
    let store = ObjectId::parse_str(id_in(&created, "store")).unwrap();
    let gateway = Gateway::start(&name);
    let db = db(&name).await;

    // Enrolled with a one-time code: the business, store, owner and payment methods come
    // through the gateway, and the till keeps only the gateway's address and its credential.
    let code = enrolment_code(&name, &business.to_hex(), &store.to_hex());
    let dir_a = tempfile::tempdir().unwrap();
    let (mut till_a, pulled) = enrol_till(dir_a.path(), &gateway.base, &code, Some("T1"))
        .await
        .unwrap();
    assert!(pulled.read >= 5, "{pulled:?}");
    assert_eq!(pulled.outcome.refused, 0);
    assert_eq!(till_a.business().business_name, "Corner Market");
    let settings = std::fs::read_to_string(dir_a.path().join("sync.toml")).unwrap();
    assert!(settings.contains(&gateway.base) && settings.contains("device_token = \"ssd_"));
    assert!(
        !settings.contains("mongodb"),
        "no database credentials: {settings}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir_a.path().join("sync.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let token_a = token_of(dir_a.path());
    let device = db
        .collection::<Document>("devices")
        .find_one(doc! { "till_code": "T1" })
        .await
        .unwrap()
        .unwrap();
    assert!(
        !device.to_string().contains(&token_a[4..36]),
        "only the credential's hash is stored"
    );

    // The code works once; a mistyped one is told apart; neither leaves a till behind.
    let dir_x = tempfile::tempdir().unwrap();
    for (bad, wanted) in [
        (code.clone(), "enrolment_code_used"),
        (mistyped(&code), "enrolment_code_checksum"),
        (
            "sse_0123456789abcdef_000000".to_owned(),
            "enrolment_code_checksum",
        ),
    ] {
        let Err(err) = enrol_till(dir_x.path(), &gateway.base, &bad, None).await else {
            panic!("{bad} enrolled a till");
        };
        match &err {
            SyncError::Server { code, .. } => assert_eq!(code, wanted, "{err}"),
            other => panic!("{other}"),
        }
        assert!(!dir_x.path().join("till.sqlite3").exists());
    }

    // The owner takes on a cashier and a product; the cashier sells.
    let boss = owner(&mut till_a).await;
    let cashier = till_a
        .add_user(
            &boss,
            &NewUser {
                name: "Priya Shah".into(),
                email: "priya@example.com".into(),
                role: Some(Role::Cashier),
                pin: Some("1111".into()),
                password: None,
                permissions: None,
            },
        )
        .unwrap();
    let milk = till_a
        .add_product(
            &boss,
            &NewProduct {
                sku: "MILK".into(),
                product_name: "Whole Milk".into(),
                price: Money::from_minor(349),
                stock: Quantity::units(10),
                ..NewProduct::default()
            },
        )
        .unwrap();
    till_a
        .open_shift(&boss, &CashCount::amount(Money::from_minor(5_000)).unwrap())
        .unwrap();
    let priya = till_a
        .sign_in("priya@example.com", Credential::Pin("1111"))
        .unwrap();
    sell(&mut till_a, &priya, "MILK", 2, None);
    let sent = till_a.pending_operations(1_000).unwrap();
    let done = sync(dir_a.path()).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 0), "{done:?}");
    assert_eq!(done.delivered as usize, sent.len());
    assert_eq!(count(&db, "sales_transactions", doc! {}).await, 1);
    assert_eq!(stock_at(&db, "MILK", business, store).await, 8);

    // The same batch again (a reply lost on the way back): the documents the till made
    // answer already applied, the changes applied (they apply once however often they
    // come), and central is as it was.
    let before = common_dump(&db).await;
    let replay: Vec<Value> = sent
        .iter()
        .map(|op| serde_json::to_value(WireOperation::from(op)).unwrap())
        .collect();
    let (status, results) = push(&gateway, &token_a, &replay);
    assert_eq!(status, 200);
    assert_eq!(results.len(), sent.len());
    for (op, (answer, _)) in sent.iter().zip(&results) {
        let expected = if op.op == Op::Insert {
            "already_applied"
        } else {
            "applied"
        };
        assert_eq!(answer, expected, "{op:?}");
    }
    assert!(sent.iter().any(|op| op.op == Op::Insert));
    assert_eq!(common_dump(&db).await, before, "applied once");

    // An API key made by the owner at the till, offline: unknown until the till syncs,
    // then it works; a cashier may not make one.
    let err = till_a.create_api_key(&priya, true).unwrap_err();
    assert_eq!(err.code(), "permission_denied");
    let made = till_a.create_api_key(&boss, false).unwrap();
    let businesses = db.collection::<bson::Document>("businesses");
    let label = || async {
        let found = businesses.find_one(doc! { "_id": business }).await.unwrap();
        found.unwrap().get_str("api_key").unwrap().to_owned()
    };
    let owners_label = label().await;
    let (status, answer) = gateway.get("/v1/business", Some(&made.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("unknown_api_key"))
    );
    sync(dir_a.path()).await.unwrap();
    assert_eq!(
        label().await,
        owners_label,
        "the business keeps its first key's label: a till's key does not replace it"
    );
    assert_ne!(owners_label, made.label);
    let (status, answer) = gateway.get("/v1/business", Some(&made.key));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["key_scopes"], json!(["read"]));
    let (status, answer) = gateway.post(
        "/v1/customers",
        Some(&made.key),
        r#"{"name": "A", "phone": "1"}"#,
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("scope_missing"))
    );

    // The business's barcode rules, set at the till by the owner the gateway verified:
    // central holds them among the business's settings, which keep the rest.
    let uk = ready_layout("United Kingdom").unwrap();
    till_a.set_barcode_rules(&boss, &uk).unwrap();
    sync(dir_a.path()).await.unwrap();
    let settings = || async {
        let found = businesses.find_one(doc! { "_id": business }).await.unwrap();
        found.unwrap().get_document("settings").unwrap().clone()
    };
    let rules = |settings: &Document| read_barcode_rules(settings.get("barcode_rules").unwrap());
    let now = settings().await;
    assert_eq!(rules(&now).unwrap(), uk);
    assert_eq!(now.get_str("currency").unwrap(), "USD");

    // A tampered till: a cashier's stock correction, another store's and another
    // business's movements, the business's plan, a key in a cashier's name, barcode rules
    // in a cashier's name. Each refused with its code; the owner's correction in the same
    // batch goes through.
    let other = ObjectId::new();
    let mut plan = serde_json::to_value(WireOperation::from(&Operation {
        seq: 905,
        op_id: "tampered-905".into(),
        collection: Collection::Businesses,
        document_id: business.into(),
        op: Op::Update,
        payload: doc! { "package_plan": "Premium", "subscription_status": "active" },
        user: None,
    }))
    .unwrap();
    plan["payload"]["updated_at"] = json!({ "$date": { "$numberLong": "1" } });
    let mut cashiers_rules = serde_json::to_value(WireOperation::from(&Operation {
        seq: 907,
        op_id: "tampered-907".into(),
        collection: Collection::Businesses,
        document_id: business.into(),
        op: Op::Update,
        payload: doc! { "settings.barcode_rules": barcode_rules_bson(&ready_layout("Sweden").unwrap()) },
        user: Some(cashier.id),
    }))
    .unwrap();
    cashiers_rules["payload"]["updated_at"] = json!({ "$date": { "$numberLong": "1" } });
    let batch = [
        movement(
            901,
            business,
            store,
            milk.id,
            MovementType::Adjustment,
            -3,
            cashier.id,
        ),
        movement(
            902,
            business,
            other,
            milk.id,
            MovementType::Adjustment,
            -3,
            boss.user_id(),
        ),
        movement(
            903,
            other,
            store,
            milk.id,
            MovementType::Adjustment,
            -3,
            boss.user_id(),
        ),
        movement(
            904,
            business,
            store,
            milk.id,
            MovementType::Adjustment,
            -1,
            boss.user_id(),
        ),
        plan,
        cashiers_key(906, business, cashier.id),
        cashiers_rules,
    ];
    let (status, results) = push(&gateway, &token_a, &batch);
    assert_eq!(status, 200);
    let codes: Vec<(&str, &str)> = results
        .iter()
        .map(|(s, c)| (s.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("refused", "permission_denied"),
            ("refused", "other_store"),
            ("refused", "other_business"),
            ("applied", ""),
            ("refused", "not_writable_by_till"),
            ("refused", "needs_verified_person"),
            ("refused", "needs_verified_person"),
        ]
    );
    assert_eq!(
        rules(&settings().await).unwrap(),
        uk,
        "the cashier's rules changed nothing"
    );
    assert_eq!(
        stock_at(&db, "MILK", business, store).await,
        7,
        "only the owner's"
    );
    assert_eq!(
        count(&db, "stock_movements", doc! { "quantity": -3 }).await,
        0
    );

    // A malformed body, an unknown field, a batch over the limit: refused as a whole.
    let (status, body) = gateway.post("/v1/sync/push", Some(&token_a), "{not json");
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("malformed_body"))
    );
    let (status, _) = gateway.post(
        "/v1/sync/push",
        Some(&token_a),
        &json!({ "operations": [], "business_id": other.to_hex() }).to_string(),
    );
    assert_eq!(
        status, 400,
        "an unknown field, such as a business id, is refused"
    );
    let too_many: Vec<Value> = (0..1_001).map(|_| batch[3].clone()).collect();
    let (status, results) = push(&gateway, &token_a, &too_many);
    assert_eq!((status, results[0].1.as_str()), (413, "batch_too_large"));

    // Another business with the same SKU: its till never sees Corner Market's documents.
    let (created, _) = create_business(&name, "Other Shop", "Premium");
    let (business_2, store_2) = (id_in(&created, "business"), id_in(&created, "store"));
    let dir_c = tempfile::tempdir().unwrap();
    let code_c = enrolment_code(&name, &business_2, &store_2);
    let (mut till_c, _) = enrol_till(dir_c.path(), &gateway.base, &code_c, Some("C1"))
        .await
        .unwrap();
    let boss_c = owner(&mut till_c).await;
    till_c
        .add_product(
            &boss_c,
            &NewProduct {
                sku: "MILK".into(),
                product_name: "Oat Milk".into(),
                price: Money::from_minor(299),
                stock: Quantity::units(3),
                ..NewProduct::default()
            },
        )
        .unwrap();
    sync(dir_c.path()).await.unwrap();

    // A second till of Corner Market's store: enrolled, it holds the store's product at
    // its stock, the sale, the cashier (who signs in there), and nothing of Other Shop.
    let dir_b = tempfile::tempdir().unwrap();
    let code_b = enrolment_code(&name, &business.to_hex(), &store.to_hex());
    let (mut till_b, _) = enrol_till(dir_b.path(), &gateway.base, &code_b, Some("T2"))
        .await
        .unwrap();
    let products = till_b.stock_levels(false).unwrap();
    assert_eq!(products.len(), 1, "{products:?}");
    assert_eq!(
        (products[0].product_name.as_str(), products[0].stock),
        ("Whole Milk", Quantity::units(7))
    );
    let sale = till_b.find_sale(&sent_sale_number(&sent)).unwrap();
    assert_eq!(sale.total_amount, Money::from_minor(698));
    till_b
        .sign_in("priya@example.com", Credential::Pin("1111"))
        .unwrap();
    let products_c = till_c.stock_levels(false).unwrap();
    assert_eq!(products_c.len(), 1);
    assert_eq!(products_c[0].product_name, "Oat Milk");
    // Till C's credential on Corner Market's product: as if it did not exist.
    let token_c = token_of(dir_c.path());
    let (_, results) = push(
        &gateway,
        &token_c,
        &[movement(
            1,
            ObjectId::parse_str(&business_2).unwrap(),
            ObjectId::parse_str(&store_2).unwrap(),
            milk.id,
            MovementType::Adjustment,
            -1,
            boss_c.user_id(),
        )],
    );
    assert_eq!(results[0].0, "refused");
    assert_eq!(stock_at(&db, "MILK", business, store).await, 7);

    // An expired subscription stops syncing in words; the till keeps selling and keeps
    // its changes, which go when the subscription is renewed.
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "_id": business },
            doc! { "$set": { "subscription_status": "expired" } },
        )
        .await
        .unwrap();
    let priya_b = till_b
        .sign_in("priya@example.com", Credential::Pin("1111"))
        .unwrap();
    let boss_b = till_b
        .sign_in("owner@example.com", Credential::Pin("4321"))
        .unwrap();
    till_b
        .open_shift(
            &boss_b,
            &CashCount::amount(Money::from_minor(5_000)).unwrap(),
        )
        .unwrap();
    sell(&mut till_b, &priya_b, "MILK", 1, None);
    let err = sync(dir_b.path()).await.unwrap_err();
    assert!(err.to_string().contains("subscription is expired"), "{err}");
    assert!(till_b.sync_status().unwrap().pending > 0, "nothing lost");
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "_id": business },
            doc! { "$set": { "subscription_status": "active" } },
        )
        .await
        .unwrap();
    let done = sync(dir_b.path()).await.unwrap();
    assert_eq!(done.pending, 0);
    assert_eq!(
        count(&db, "sales_transactions", doc! { "business_id": business }).await,
        2
    );
    assert_eq!(stock_at(&db, "MILK", business, store).await, 6);

    // Revoked: refused at once; the till sells on and keeps its changes.
    run_ok(
        &[
            "admin",
            "revoke-till",
            "--business",
            &business.to_hex(),
            "--device",
            &device.get_object_id("_id").unwrap().to_hex(),
        ],
        &name,
    );
    sell(&mut till_a, &priya, "MILK", 1, None);
    let err = sync(dir_a.path()).await.unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    assert!(till_a.sync_status().unwrap().pending > 0);
    let (status, results) = push(&gateway, &token_a, &[]);
    assert_eq!((status, results[0].1.as_str()), (401, "device_revoked"));
    let (status, body) = gateway.post("/v1/sync/pull", Some(&token_a), "{}");
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("device_revoked"))
    );
    // Another business's admin cannot revoke it: "no such till".
    let out = server(
        &[
            "admin",
            "revoke-till",
            "--business",
            &business_2,
            "--device",
            &device.get_object_id("_id").unwrap().to_hex(),
        ],
        &name,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no till"));
}

/// `code` with its last character changed.
fn mistyped(code: &str) -> String {
    let (body, last) = code.split_at(code.len() - 1);
    format!("{body}{}", if last == "x" { "y" } else { "x" })
}

/// The sale number of the sale among `ops`.
fn sent_sale_number(ops: &[Operation]) -> String {
    ops.iter()
        .find(|op| op.collection == Collection::SalesTransactions)
        .and_then(|op| op.payload.get_str("sale_number").ok())
        .unwrap()
        .to_owned()
}

/// Every document of every collection but the gateway's own bookkeeping, sorted.
async fn common_dump(db: &mongodb::Database) -> Vec<(String, Vec<Document>)> {
    use futures_util::TryStreamExt as _;
    let mut names = db.list_collection_names().await.unwrap();
    names.retain(|n| n != "devices" && n != "api_keys");
    names.sort();
    let mut everything = Vec::new();
    for name in names {
        let documents: Vec<Document> = db
            .collection::<Document>(&name)
            .find(doc! {})
            .sort(doc! { "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        everything.push((name, documents));
    }
    everything
}

#[tokio::test(flavor = "multi_thread")]
async fn a_free_plan_stops_at_one_till_and_its_products_and_nothing_is_lost() {
    let name = database("free");
    let (created, _) = create_business(&name, "Tiny Shop", "Free");
    let (business, store) = (id_in(&created, "business"), id_in(&created, "store"));
    let gateway = Gateway::start(&name);
    let code = enrolment_code(&name, &business, &store);
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = enrol_till(dir.path(), &gateway.base, &code, Some("T1"))
        .await
        .unwrap();
    // One till per store: a second code is refused in words.
    let out = server(
        &["admin", "enrol", "--business", &business, "--store", &store],
        &name,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("The Free plan allows 1 till(s) per store"),
        "{err}"
    );
    // One store: a second is refused in words, and none is made.
    let out = server(
        &[
            "admin",
            "create-store",
            "--business",
            &business,
            "--name",
            "Uptown",
        ],
        &name,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("The Free plan allows 1 store(s)"), "{err}");
    assert_eq!(count(&db(&name).await, "stores", doc! {}).await, 1);

    // 501 products made at the till: 500 go central, the last is parked with the reason.
    let boss = owner(&mut till).await;
    let products: Vec<NewProduct> = (0..501)
        .map(|n| NewProduct {
            sku: format!("SKU-{n:03}"),
            product_name: format!("Product {n}"),
            price: Money::from_minor(100),
            ..NewProduct::default()
        })
        .collect();
    till.add_products(&boss, &products).unwrap();
    let done = sync(dir.path()).await.unwrap();
    assert_eq!((done.pending, done.parked), (0, 1), "{done:?}");
    let db = db(&name).await;
    assert_eq!(count(&db, "products", doc! {}).await, 500);
    let parked: Vec<String> = till
        .outbox(&boss, false, usize::MAX)
        .unwrap()
        .into_iter()
        .filter_map(|e| e.last_error)
        .collect();
    assert!(
        parked
            .iter()
            .any(|e| e.contains("plan_product_limit") && e.contains("500 products")),
        "{parked:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn three_tills_of_a_store_selling_offline_converge_through_the_gateway() {
    let name = database("converge");
    let (created, _) = create_business(&name, "Corner Market", "Premium");
    let business = ObjectId::parse_str(id_in(&created, "business")).unwrap();
    let store = ObjectId::parse_str(id_in(&created, "store")).unwrap();
    let gateway = Gateway::start(&name);
    let db = db(&name).await;
    let skus = ["MILK", "BREAD", "EGGS", "TEA", "SOAP"];
    // A second store of the business, opened by the operator.
    run_ok(
        &[
            "admin",
            "create-store",
            "--business",
            &business.to_hex(),
            "--name",
            "Uptown",
        ],
        &name,
    );
    assert_eq!(
        count(&db, "stores", doc! { "business_id": business }).await,
        2
    );

    // The first till makes the catalog; the others enrol after and read it, with codes
    // the first till asks the gateway for (its manager's errand, online).
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut tills = Vec::new();
    for (n, dir) in dirs.iter().enumerate() {
        let code = if n == 0 {
            enrolment_code(&name, &business.to_hex(), &store.to_hex())
        } else {
            let Some(SyncTarget::Gateway(first)) =
                SyncTarget::for_till(dirs[0].path(), None, None).unwrap()
            else {
                panic!("the first till syncs through the gateway")
            };
            let made = GatewayClient::new(&first)
                .unwrap()
                .enrolment_code()
                .await
                .unwrap();
            assert!(made.code.starts_with("sse_") && made.label.starts_with("sse_"));
            made.code
        };
        let (mut till, _) = enrol_till(
            dir.path(),
            &gateway.base,
            &code,
            Some(&format!("T{}", n + 1)),
        )
        .await
        .unwrap();
        if n == 0 {
            let boss = owner(&mut till).await;
            for sku in skus {
                let product = NewProduct {
                    sku: sku.into(),
                    product_name: sku.to_lowercase(),
                    price: Money::from_minor(250),
                    stock: Quantity::units(20),
                    ..NewProduct::default()
                };
                till.add_product(&boss, &product).unwrap();
            }
            sync(dir.path()).await.unwrap();
        }
        tills.push(till);
    }

    // Offline, each till sells what it likes of the same products.
    let mut rng = fastrand::Rng::with_seed(0x0014_0003);
    let mut sold = 0;
    for till in &mut tills {
        let boss = till
            .sign_in("owner@example.com", Credential::Pin("4321"))
            .unwrap();
        till.open_shift(&boss, &CashCount::amount(Money::from_minor(5_000)).unwrap())
            .unwrap();
        for _ in 0..6 {
            sell(
                till,
                &boss,
                skus[rng.usize(0..skus.len())],
                rng.i64(1..=3),
                None,
            );
            sold += 1;
        }
    }
    // They sync in random orders, twice over (the second round brings each the others').
    for _ in 0..2 {
        let mut order = [0, 1, 2];
        rng.shuffle(&mut order);
        for i in order {
            let done = sync(dirs[i].path()).await.unwrap();
            assert_eq!((done.pending, done.parked), (0, 0), "{done:?}");
        }
    }
    assert_eq!(count(&db, "sales_transactions", doc! {}).await, sold);
    let movements: Vec<Document> = {
        use futures_util::TryStreamExt as _;
        db.collection::<Document>("stock_movements")
            .find(doc! {})
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap()
    };
    for sku in skus {
        let central = stock_at(&db, sku, business, store).await;
        let product = db
            .collection::<Document>("products")
            .find_one(doc! { "sku": sku })
            .await
            .unwrap()
            .unwrap();
        let id = product.get_object_id("_id").unwrap();
        let ledger: i64 = 20
            + movements
                .iter()
                .filter(|m| m.get_object_id("product_id") == Ok(id))
                .map(|m| m.get_i64("quantity").unwrap())
                .sum::<i64>();
        assert_eq!(central, ledger, "{sku}: central is its ledger");
        for till in &tills {
            let here = till.find_product(sku).unwrap().unwrap().stock;
            assert_eq!(
                here,
                Quantity::units(central),
                "{sku} at {}",
                till.till_code()
            );
        }
    }
}
