//! The reconciler against the real MongoDB-wire test server: batches applied once, twice
//! and three times, prefixes replayed, and a movement cut off half way.

mod common;

use bson::{doc, Document};
use common::{assert_matches_till, central, demo_till, dump, trade, SALES_PER_TRADE};
use sellsync_core::sync_queue::Operation;
use sellsync_sync::{Central, Reconciler};

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
    assert_matches_till(&central, &mut till, SALES_PER_TRADE).await;
    let doc = db
        .collection::<Document>("products")
        .find_one(doc! { "_id": product })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.get_array("pending_movements").unwrap().len(), 0);
}
