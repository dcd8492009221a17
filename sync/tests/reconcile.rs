//! The reconciler against the real MongoDB-wire test server: batches applied once, twice
//! and three times, prefixes replayed, and a movement cut off half way.

mod common;

use bson::{doc, Document};
use common::{central, demo_till, dump, sign_in};
use sellsync_core::catalog::ProductChanges;
use sellsync_core::sync_queue::Operation;
use sellsync_core::{Cart, CartCustomer, Money, NewCustomer, Tender, Till};
use sellsync_sync::{Central, Reconciler};

/// A morning at the demo till: sales (one with a new customer, one redeeming points),
/// a stock correction, a delivery and a price change.
fn trade(till: &mut Till) {
    let cashier = sign_in(till, "cashier@example.com", "1111");
    let manager = sign_in(till, "manager@example.com", "2345");
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let skus = ["DAI-004", "SNK-014", "DAI-005", "SNK-015", "DAI-006"];
    for (n, sku) in skus.iter().enumerate() {
        let mut cart = Cart::new();
        till.ring_up(&mut cart, sku, 1 + n as i64).unwrap();
        till.ring_up(&mut cart, "DAI-004", 1).unwrap();
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
    till.adjust_stock(&manager, "SNK-014", -3, "damaged")
        .unwrap();
    till.restock(&manager, "DAI-004", 24, "delivery").unwrap();
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

/// Central stock and loyalty agree with the till's.
async fn assert_matches_till(central: &Central, till: &mut Till) {
    let products = central.database().collection::<Document>("products");
    for product in till.stock_levels(false).unwrap() {
        let doc = products
            .find_one(doc! { "_id": product.id.object_id() })
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} is central", product.sku));
        assert_eq!(
            doc.get_i64("stock").unwrap(),
            product.stock,
            "{}",
            product.sku
        );
    }
    let sales = central
        .database()
        .collection::<Document>("sales_transactions")
        .count_documents(doc! {})
        .await
        .unwrap();
    assert_eq!(sales, 5);
    let customers = central.database().collection::<Document>("customers");
    let alice = customers
        .find_one(doc! { "email": "alice@example.com" })
        .await
        .unwrap()
        .unwrap();
    let dana = customers
        .find_one(doc! { "phone": "+1 212 555 0142" })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dana.get_array("purchase_history").unwrap().len(), 1);
    assert_eq!(alice.get_array("purchase_history").unwrap().len(), 3);
    let manager = sign_in(till, "manager@example.com", "2345");
    let till_alice = till
        .find_customer(&manager, "alice@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(
        alice.get_i64("loyalty_points").unwrap(),
        till_alice.loyalty_points
    );
}

async fn applying_again_changes_nothing(central: Central) {
    let (_dir, mut till) = demo_till();
    trade(&mut till);
    let ops = till.pending_operations(100_000).unwrap();
    assert!(ops.len() > 350, "{}", ops.len());
    let reconciler = Reconciler::new(central.clone(), till.business().id);

    apply_in_batches(&reconciler, &ops, 200).await;
    let once = dump(&central).await;
    assert_matches_till(&central, &mut till).await;

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
        .rposition(|op| op.collection == "stock_movements")
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
    db.collection::<Document>("products")
        .update_one(
            doc! { "_id": product },
            doc! {
                "$inc": { "stock": quantity },
                "$push": { "pending_movements": movement.document_id.object_id() },
            },
        )
        .await
        .unwrap();

    apply_in_batches(&reconciler, &ops[last..], 500).await;
    assert_matches_till(&central, &mut till).await;
    let doc = db
        .collection::<Document>("products")
        .find_one(doc! { "_id": product })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.get_array("pending_movements").unwrap().len(), 0);
}
