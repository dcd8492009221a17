//! The reconciler against the real MongoDB-wire test server: batches applied once, twice
//! and three times, prefixes replayed, and a movement cut off half way.

mod common;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use common::{assert_matches_till, central, demo_till, dump, level_at, trade, SALES_PER_TRADE};
use sellsync_central::{upgrade, Central, Reconciler};
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::operation::Operation;

async fn apply_in_batches(reconciler: &Reconciler, ops: &[Operation], size: usize) {
    for batch in ops.chunks(size) {
        let outcome = reconciler.apply(batch).await.unwrap();
        assert_eq!(outcome.rejected, vec![], "nothing is refused");
        assert_eq!(
            outcome.applied,
            batch.iter().map(|op| op.seq).collect::<Vec<_>>()
        );
    }
}

async fn applying_again_changes_nothing(central: Central) {
    let (_dir, mut till) = demo_till();
    trade(&mut till);
    let ops = till.pending_operations(100_000).unwrap();
    assert!(ops.len() > 350, "{}", ops.len());
    let reconciler = Reconciler::new(central.clone(), till.business().id);

    apply_in_batches(&reconciler, &ops, 200).await;
    let once = dump(&central).await;
    assert_matches_till(&central, &mut till, SALES_PER_TRADE).await;

    apply_in_batches(&reconciler, &ops, 200).await;
    assert!(dump(&central).await == once, "applied twice");
    apply_in_batches(&reconciler, &ops, 97).await;
    assert!(dump(&central).await == once, "applied three times");
    for prefix in [1, 40, 333, ops.len() - 1] {
        apply_in_batches(&reconciler, &ops[..prefix], 500).await;
        assert!(dump(&central).await == once, "prefix of {prefix} again");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_applied_again_changes_nothing_in_transactions() {
    let central = central("again_tx").await;
    assert!(
        central.transactions(),
        "the test server offers transactions"
    );
    applying_again_changes_nothing(central).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_applied_again_changes_nothing_without_transactions() {
    applying_again_changes_nothing(central("again_plain").await.without_transactions()).await;
}

/// A movement whose stock was added but which was not yet marked as counted (the
/// connection dropped between the two writes) is not counted again.
#[tokio::test(flavor = "multi_thread")]
async fn a_movement_cut_off_half_way_counts_once() {
    let central = central("half_way").await.without_transactions();
    let (_dir, mut till) = demo_till();
    trade(&mut till);
    let ops = till.pending_operations(100_000).unwrap();
    let reconciler = Reconciler::new(central.clone(), till.business().id);
    let last = ops
        .iter()
        .rposition(|op| op.collection == Collection::StockMovements)
        .unwrap();
    let (before, movement) = (&ops[..last], &ops[last]);
    apply_in_batches(&reconciler, before, 500).await;

    // The first two steps of counting `movement`, as a cut-off batch leaves them.
    let db = central.database();
    let product = movement.payload.get_object_id("product_id").unwrap();
    let quantity = movement.payload.get_i64("quantity").unwrap();
    let mut fields = movement.payload.clone();
    fields.insert("stock_applied", false);
    db.collection::<Document>("stock_movements")
        .insert_one(fields)
        .await
        .unwrap();
    let store = movement.payload.get_object_id("store_id").unwrap();
    db.run_command(doc! {
        "update": "products",
        "updates": [{
            "q": { "_id": product },
            "u": {
                "$inc": { "stock": quantity, "stock_levels.$[level].stock": quantity },
                "$push": { "pending_movements": movement.document_id.object_id() },
            },
            "arrayFilters": [{ "level.store_id": store }],
        }],
    })
    .await
    .unwrap();

    apply_in_batches(&reconciler, &ops[last..], 500).await;
    assert_matches_till(&central, &mut till, SALES_PER_TRADE).await;
    let doc = db
        .collection::<Document>("products")
        .find_one(doc! { "_id": product })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.get_array("pending_movements").unwrap().len(), 0);
}

/// A stock movement as a till of `store` would send it.
fn movement_op(seq: i64, business: ObjectId, store: ObjectId, product: ObjectId) -> Operation {
    let id = ObjectId::new();
    Operation {
        seq,
        op_id: format!("op-{seq}"),
        collection: Collection::StockMovements,
        document_id: id.into(),
        op: Op::Insert,
        payload: doc! {
            "_id": id, "business_id": business, "store_id": store, "product_id": product,
            "movement_type": "sale", "quantity": -1_i64, "created_at": bson::DateTime::now(),
        },
        user: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_movement_of_a_store_the_product_does_not_have_is_refused() {
    for central in [
        central("foreign_store_tx").await,
        central("foreign_store_plain").await.without_transactions(),
    ] {
        let (_dir, till) = demo_till();
        let ops = till.pending_operations(100_000).unwrap();
        let reconciler = Reconciler::new(central.clone(), till.business().id);
        apply_in_batches(&reconciler, &ops, 500).await;
        let db = central.database();
        let (business, here) = (till.business().id.object_id(), till.store().id.object_id());
        // A product sold only here, another store of the business, another business's.
        let local_only = ObjectId::new();
        db.collection::<Document>("products")
            .insert_one(doc! {
                "_id": local_only, "business_id": business, "store_id": here,
                "product_name": "Deli sandwich", "sku": "DELI-1", "stock": 5_i64,
                "stock_levels": [{ "store_id": here, "opening_stock": 5_i64, "stock": 5_i64 }],
            })
            .await
            .unwrap();
        let uptown = ObjectId::new();
        db.collection::<Document>("stores")
            .insert_one(doc! { "_id": uptown, "business_id": business, "store_name": "Uptown" })
            .await
            .unwrap();
        let foreign = ObjectId::new();
        db.collection::<Document>("stores")
            .insert_one(
                doc! { "_id": foreign, "business_id": ObjectId::new(), "store_name": "Theirs" },
            )
            .await
            .unwrap();
        let milk = till
            .find_product("DAI-004")
            .unwrap()
            .unwrap()
            .id
            .object_id();
        let before = dump(&central).await;
        let batch = [
            movement_op(1_000_001, business, uptown, local_only),
            movement_op(1_000_002, business, foreign, milk),
            movement_op(1_000_003, business, ObjectId::new(), milk),
        ];
        let outcome = reconciler.apply(&batch).await.unwrap();
        assert_eq!(outcome.applied, Vec::<i64>::new());
        let errors: Vec<&str> = outcome.rejected.iter().map(|r| r.error.as_str()).collect();
        assert!(errors[0].contains("sold only at store"), "{errors:?}");
        assert!(
            errors[1].contains("does not exist"),
            "another business's store: {errors:?}"
        );
        let unknown = batch[2].payload.get_object_id("store_id").unwrap();
        assert_eq!(
            errors[1].replace(&foreign.to_hex(), "S"),
            errors[2].replace(&unknown.to_hex(), "S"),
            "another tenant's store answers as one that does not exist"
        );
        assert!(dump(&central).await == before, "nothing was written");

        // The same product sold at the new store of the business: a level of its own.
        let sold = [movement_op(1_000_004, business, uptown, milk)];
        let outcome = reconciler.apply(&sold).await.unwrap();
        assert_eq!(outcome.rejected, vec![]);
        assert_eq!(outcome.replayed, Vec::<i64>::new());
        // Sent again (its answer lost): already applied, counted once.
        let outcome = reconciler.apply(&sold).await.unwrap();
        assert_eq!(
            (outcome.applied, outcome.replayed),
            (vec![1_000_004], vec![1_000_004])
        );
        let product = db
            .collection::<Document>("products")
            .find_one(doc! { "_id": milk })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(level_at(&product, uptown), Some(-1));
        assert_eq!(
            level_at(&product, here),
            till.find_product("DAI-004").unwrap().unwrap().stock.whole()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn products_of_an_earlier_version_get_per_store_levels_once() {
    let central = central("upgrade_levels").await;
    let db = central.database();
    let business = ObjectId::new();
    let (first, second) = (ObjectId::new(), ObjectId::new());
    let stores = db.collection::<Document>("stores");
    stores
        .insert_one(
            doc! { "_id": second, "business_id": business, "store_name": "B",
            "created_at": bson::DateTime::from_millis(2_000) },
        )
        .await
        .unwrap();
    stores
        .insert_one(
            doc! { "_id": first, "business_id": business, "store_name": "A",
            "created_at": bson::DateTime::from_millis(1_000) },
        )
        .await
        .unwrap();
    let (shared, own, theirs) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
    let products = db.collection::<Document>("products");
    products
        .insert_many([
            // Sold everywhere: 10 opening, 3 sold at A, 4 at B, one more at B counted but
            // not yet marked (a cut-off batch), one at B never counted.
            doc! { "_id": shared, "business_id": business, "stock": 3_i64,
            "opening_stock": 10_i64, "pending_movements": ["m-held"] },
            // A back office's product of store B with only a stock figure.
            doc! { "_id": own, "business_id": business, "store_id": second, "stock": 6_i64 },
            // Another business's: not touched.
            doc! { "_id": theirs, "business_id": ObjectId::new(), "stock": 1_i64 },
        ])
        .await
        .unwrap();
    let movement = |id: Bson, store, product, quantity: i64, applied| {
        doc! { "_id": id, "business_id": business, "store_id": store, "product_id": product,
        "quantity": quantity, "stock_applied": applied }
    };
    db.collection::<Document>("stock_movements")
        .insert_many([
            movement(ObjectId::new().into(), first, shared, -3, true),
            movement(ObjectId::new().into(), second, shared, -3, true),
            movement("m-held".into(), second, shared, -1, false),
            movement(ObjectId::new().into(), second, shared, -5, false),
            movement(ObjectId::new().into(), second, own, -2, true),
        ])
        .await
        .unwrap();

    let migrated = upgrade::give_products_stock_levels(&central, business)
        .await
        .unwrap();
    assert_eq!(migrated, 2);
    let find = |id: ObjectId| {
        let products = products.clone();
        async move {
            products
                .find_one(doc! { "_id": id })
                .await
                .unwrap()
                .unwrap()
        }
    };
    let shared_doc = find(shared).await;
    assert_eq!(
        level_at(&shared_doc, first),
        Some(7),
        "the opening goes to the first store"
    );
    assert_eq!(level_at(&shared_doc, second), Some(-4));
    assert_eq!(
        shared_doc.get_i64("stock").unwrap(),
        3,
        "the total is unchanged"
    );
    let own_doc = find(own).await;
    assert_eq!(level_at(&own_doc, second), Some(6));
    assert_eq!(level_at(&own_doc, first), None);
    assert_eq!(own_doc.get_i64("opening_stock").unwrap(), 8);
    assert!(find(theirs).await.get("stock_levels").is_none());

    let before = dump(&central).await;
    let again = upgrade::give_products_stock_levels(&central, business)
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert!(
        dump(&central).await == before,
        "a second run changes nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn users_of_an_earlier_version_who_manage_inventory_may_key_weights_once() {
    let central = central("upgrade_key_weights").await;
    let db = central.database();
    let (business, other) = (ObjectId::new(), ObjectId::new());
    db.collection::<Document>("businesses")
        .insert_many([
            doc! { "_id": business, "business_name": "Corner" },
            doc! { "_id": other, "business_name": "Elsewhere" },
        ])
        .await
        .unwrap();
    let users = db.collection::<Document>("users");
    let (manager, cashier, theirs) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
    users
        .insert_many([
            doc! { "_id": manager, "business_id": business, "email": "m@example.com",
            "permissions": ["manage_inventory", "process_sales"] },
            doc! { "_id": cashier, "business_id": business, "email": "c@example.com",
            "permissions": ["process_sales"] },
            // Another business, not yet upgraded: left to its own turn.
            doc! { "_id": theirs, "business_id": other, "email": "m@example.com",
            "permissions": ["manage_inventory"] },
        ])
        .await
        .unwrap();
    let permissions = |id: ObjectId| {
        let users = users.clone();
        async move {
            let user = users.find_one(doc! { "_id": id }).await.unwrap().unwrap();
            let list: Vec<String> = user
                .get_array("permissions")
                .unwrap()
                .iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect();
            list
        }
    };

    assert_eq!(
        upgrade::grant_key_weights(&central, business)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        permissions(manager).await,
        ["manage_inventory", "process_sales", "key_weights"]
    );
    assert_eq!(permissions(cashier).await, ["process_sales"]);
    assert_eq!(permissions(theirs).await, ["manage_inventory"]);

    // An admin takes it away from the manager: a second run does not give it back.
    users
        .update_one(
            doc! { "_id": manager },
            doc! { "$pull": { "permissions": "key_weights" } },
        )
        .await
        .unwrap();
    assert_eq!(
        upgrade::grant_key_weights(&central, business)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        permissions(manager).await,
        ["manage_inventory", "process_sales"]
    );

    // A gateway starting gives it to every business still waiting, once.
    assert_eq!(
        upgrade::grant_key_weights_everywhere(&central)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        permissions(theirs).await,
        ["manage_inventory", "key_weights"]
    );
    assert_eq!(
        upgrade::grant_key_weights_everywhere(&central)
            .await
            .unwrap(),
        0
    );
}
