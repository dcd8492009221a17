//! The reconciler's plan, table-tested without a server.

use bson::{doc, Bson};
use sellsync_contract::Id;

use super::*;

fn op(seq: i64, collection: Collection, kind: Op, id: Id, payload: Document) -> Operation {
    Operation {
        seq,
        op_id: format!("op-{seq}"),
        collection,
        document_id: id,
        op: kind,
        payload,
        user: None,
    }
}

fn insert(seq: i64, collection: Collection, business: ObjectId) -> (Id, Operation) {
    let id = Id::new();
    let payload = doc! { "_id": id.object_id(), "business_id": business };
    (id, op(seq, collection, Op::Insert, id, payload))
}

fn movement(
    seq: i64,
    business: ObjectId,
    product: ObjectId,
    store: ObjectId,
    qty: i64,
) -> Operation {
    let id = Id::new();
    let payload = doc! {
        "_id": id.object_id(), "business_id": business, "store_id": store,
        "product_id": product, "movement_type": "sale", "quantity": qty,
        "created_at": bson::DateTime::from_millis(1_000),
    };
    op(seq, Collection::StockMovements, Op::Insert, id, payload)
}

fn indexes(refused: &[Refused]) -> Vec<usize> {
    refused.iter().map(|(i, _)| *i).collect()
}

#[test]
fn inserts_group_by_collection_with_movements_last_and_refuse_other_businesses() {
    let business = ObjectId::new();
    let (_, product) = insert(1, Collection::Products, business);
    let moved = movement(
        2,
        business,
        product.document_id.object_id(),
        ObjectId::new(),
        -1,
    );
    let (_, sale) = insert(3, Collection::SalesTransactions, business);
    let (_, foreign) = insert(4, Collection::Customers, ObjectId::new());
    let (_, other_business) = insert(5, Collection::Businesses, business);
    let mut wrong_id = insert(6, Collection::Products, business).1;
    wrong_id.payload.insert("_id", ObjectId::new());
    let update = op(7, Collection::Products, Op::Update, Id::new(), doc! {});
    let mut no_quantity = movement(8, business, ObjectId::new(), ObjectId::new(), -1);
    no_quantity.payload.remove("quantity");
    let ops = [
        &product,
        &moved,
        &sale,
        &foreign,
        &other_business,
        &wrong_id,
        &update,
        &no_quantity,
    ];
    for in_transaction in [true, false] {
        let now = bson::DateTime::from_millis(1_796_000_000_000);
        let (inserts, refused) = inserts(&ops, business, in_transaction, now);
        let order: Vec<(Collection, Vec<usize>)> = inserts
            .iter()
            .map(|(c, docs)| (*c, docs.iter().map(|(i, _)| *i).collect()))
            .collect();
        assert_eq!(
            order,
            [
                (Collection::Products, vec![0]),
                (Collection::SalesTransactions, vec![2]),
                (Collection::StockMovements, vec![1]),
            ]
        );
        // And a movement the contract refuses is never inserted.
        assert_eq!(indexes(&refused), [3, 4, 5, 7]);
        let movement = &inserts[2].1[0].1;
        assert_eq!(movement.get_bool("stock_applied"), Ok(in_transaction));
        // Every document carries when central first held it.
        for (_, documents) in &inserts {
            assert_eq!(documents[0].1.get_datetime("synced_at"), Ok(&now));
        }
    }
}

#[test]
fn movements_need_a_central_product_sold_at_their_store() {
    let business = ObjectId::new();
    let (here, there, unknown_store) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
    let (everywhere, only_here, missing) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
    let products = HashMap::from([(everywhere, None), (only_here, Some(here))]);
    let stores = HashSet::from([here, there]);
    let cases = [
        (everywhere, here, true),
        (everywhere, there, true),
        (only_here, here, true),
        (only_here, there, false),
        (missing, here, false),
        (everywhere, unknown_store, false),
    ];
    let documents = cases
        .iter()
        .enumerate()
        .map(|(i, (product, store, _))| {
            (
                i,
                movement(i as i64, business, *product, *store, -1).payload,
            )
        })
        .collect();
    let (kept, refused) = movements_on_central_products(documents, &products, &stores);
    let kept: Vec<usize> = kept.iter().map(|(i, _)| *i).collect();
    let want: Vec<usize> = (0..cases.len()).filter(|i| cases[*i].2).collect();
    assert_eq!(kept, want);
    assert!(refused[0].1.contains("sold only at store"), "{refused:?}");
    assert!(refused[1].1.contains("does not exist"), "{refused:?}");
    assert!(refused[2].1.contains("store"), "{refused:?}");
}

#[test]
fn a_document_already_central_is_not_inserted_again_and_another_business_id_is_refused() {
    let business = ObjectId::new();
    let ops: Vec<Operation> = (0..3)
        .map(|i| insert(i, Collection::Products, business).1)
        .collect();
    let refs: Vec<&Operation> = ops.iter().collect();
    let owners = HashMap::from([
        (ops[1].document_id.object_id(), Some(business)),
        (ops[2].document_id.object_id(), Some(ObjectId::new())),
    ]);
    let documents = ops
        .iter()
        .enumerate()
        .map(|(i, o)| (i, o.payload.clone()))
        .collect();
    let (missing, refused) =
        not_central_yet(Collection::Products, documents, &owners, &refs, business);
    assert_eq!(missing.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0]);
    assert_eq!(indexes(&refused), [2]);
}

#[test]
fn updates_and_purchases_need_their_documents() {
    let business = ObjectId::new();
    let at = bson::DateTime::from_millis(5_000);
    let product = Id::new();
    let update = op(
        1,
        Collection::Products,
        Op::Update,
        product,
        doc! { "price": 1, "updated_at": at },
    );
    let gone = op(2, Collection::Customers, Op::Update, Id::new(), doc! {});
    let found = HashSet::from([(Collection::Products, product.object_id())]);
    let (present, refused) = present(vec![(0, &update), (1, &gone)], &found);
    assert_eq!(present.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0]);
    assert!(refused[0].1.contains("does not exist"));

    let now = bson::DateTime::from_millis(1_796_000_000_000);
    let statement = update_statement(0, &update, business, now);
    assert_eq!(statement.q.get_object_id("business_id"), Ok(business));
    assert!(
        statement.q.contains_key("$or"),
        "newest wins: {:?}",
        statement.q
    );
    assert_eq!(
        statement.u,
        doc! { "$set": { "price": 1, "updated_at": at, "synced_at": now } }
    );
    assert_eq!(
        statement.q.get_array("$nor"),
        Ok(&vec![Bson::Document(doc! { "price": 1, "updated_at": at })]),
        "a document that holds the change already is left as it is"
    );
    let business_update = op(
        3,
        Collection::Businesses,
        Op::Update,
        Id::from(business),
        doc! {},
    );
    let statement = update_statement(0, &business_update, business, now);
    assert_eq!(
        statement.q,
        doc! { "_id": business },
        "no updated_at: no guard"
    );

    let sale = ObjectId::new();
    let purchase = op(
        4,
        Collection::Customers,
        Op::CustomerPurchase,
        Id::new(),
        doc! {
            "transaction_id": sale, "date": at, "amount": Bson::Int32(5), "loyalty_points": 7_i64,
        },
    );
    let statement = purchase_statement(0, &purchase, business, now).unwrap();
    assert_eq!(
        statement.q.get_document("purchase_history.transaction_id"),
        Ok(&doc! { "$ne": sale })
    );
    assert_eq!(
        statement.u.get_document("$inc"),
        Ok(&doc! { "loyalty_points": 7_i64 }),
        "a purchase from before store credit moves none"
    );
    assert_eq!(
        statement.u.get_document("$set"),
        Ok(&doc! { "synced_at": now })
    );
    let credit: bson::Decimal128 = "-2.50".parse().unwrap();
    let mut spent = purchase.clone();
    spent.payload.insert("store_credit", credit);
    let statement = purchase_statement(0, &spent, business, now).unwrap();
    assert_eq!(
        statement.u.get_document("$inc"),
        Ok(&doc! { "loyalty_points": 7_i64, "store_credit": credit })
    );
    spent.payload.insert("store_credit", "lots");
    assert!(purchase_statement(0, &spent, business, now).is_err());
    let broken = op(
        5,
        Collection::Customers,
        Op::CustomerPurchase,
        Id::new(),
        doc! {},
    );
    assert!(purchase_statement(0, &broken, business, now).is_err());
}

fn moves(business: ObjectId) -> (Vec<Operation>, ObjectId, ObjectId, ObjectId) {
    let (product, here, there) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
    let ops = vec![
        movement(1, business, product, here, -2),
        movement(2, business, product, here, -3),
        movement(3, business, product, there, 4),
    ];
    (ops, product, here, there)
}

#[test]
fn fresh_movements_are_counted_once_per_product_and_store() {
    let business = ObjectId::new();
    let (ops, product, here, there) = moves(business);
    let mut bad = movement(4, business, product, here, 1);
    bad.payload.insert("quantity", 0);
    let mut refs: Vec<&Operation> = ops.iter().collect();
    refs.push(&bad);
    let (moved, refused) = movements(&refs, &HashSet::new());
    assert_eq!(moved.len(), 3);
    assert_eq!(indexes(&refused), [3]);
    let (skipping, _) = movements(&refs, &HashSet::from([0]));
    assert_eq!(skipping.len(), 2, "a refused one is not counted");

    let statements = count_fresh(&moved, business);
    // Per level: ensure the level, then increment; here -5, there +4.
    assert_eq!(statements.len(), 4);
    let incs: Vec<(ObjectId, i64)> = statements
        .iter()
        .filter_map(|s| {
            let inc = s.u.get_document("$inc").ok()?;
            let store = s.array_filters[0].get_object_id("level.store_id").ok()?;
            Some((store, inc.get_i64("stock").ok()?))
        })
        .collect();
    assert_eq!(incs, [(here, -5), (there, 4)]);
    assert_eq!(statements[0].q.get_object_id("_id"), Ok(product));
    assert_eq!(
        statements[0].q.get_document("stock_levels.store_id"),
        Ok(&doc! { "$ne": here })
    );
}

#[test]
fn pending_counting_skips_what_an_earlier_attempt_added_and_confirms_what_took() {
    let business = ObjectId::new();
    let (ops, product, _, _) = moves(business);
    let refs: Vec<&Operation> = ops.iter().collect();
    let (moved, _) = movements(&refs, &HashSet::new());
    // The first was added by a cut-off attempt; the product exists.
    let held = HashMap::from([(product, HashSet::from([moved[0].id]))]);
    let (groups, statements, refused) = count_pending(&moved, &held, business);
    assert!(refused.is_empty());
    let grouped: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| g.moves.iter().map(|m| m.op).collect())
        .collect();
    assert_eq!(
        grouped,
        [vec![1], vec![2]],
        "one group per store, the held one left out"
    );
    assert_eq!(statements.len(), 4);
    assert_eq!(
        statements[1].q.get_document("pending_movements"),
        Ok(&doc! { "$nin": [moved[1].id] })
    );

    // Everything took: all three are marked counted.
    let all = HashMap::from([(product, moved.iter().map(|m| m.id).collect())]);
    let (counted, refused) = confirm_counted(&moved, &all, &groups, &HashMap::new()).unwrap();
    assert_eq!(counted.len(), 3);
    assert!(refused.is_empty());
    // The "here" group's statement was refused: its movement is refused with it.
    let refusal = HashMap::from([(1, "refused (code 2)".to_owned())]);
    let only_first = HashMap::from([(product, HashSet::from([moved[0].id, moved[2].id]))]);
    let (counted, refused) = confirm_counted(&moved, &only_first, &groups, &refusal).unwrap();
    assert_eq!(counted, [moved[0].id, moved[2].id]);
    assert!(refused.is_empty(), "already refused: {refused:?}");
    // Not held and not refused: the batch goes again.
    assert_eq!(
        confirm_counted(&moved, &held, &groups, &HashMap::new()),
        Err(product)
    );
    // A product that is not central: its movements are refused.
    let (_, _, refused) = count_pending(&moved, &HashMap::new(), business);
    assert_eq!(indexes(&refused), [0, 1, 2]);
}

#[test]
fn statements_group_by_collection_in_commit_order() {
    let business = ObjectId::new();
    let a = op(1, Collection::Products, Op::Update, Id::new(), doc! {});
    let b = op(2, Collection::Customers, Op::Update, Id::new(), doc! {});
    let c = op(3, Collection::Products, Op::Update, Id::new(), doc! {});
    let refs = [&a, &b, &c];
    let statements = refs
        .iter()
        .enumerate()
        .map(|(i, o)| update_statement(i, o, business, bson::DateTime::now()))
        .collect();
    let grouped: Vec<(Collection, Vec<usize>)> = by_collection(statements, &refs)
        .into_iter()
        .map(|(c, s)| (c, s.iter().map(|s| s.op).collect()))
        .collect();
    assert_eq!(
        grouped,
        [
            (Collection::Products, vec![0, 2]),
            (Collection::Customers, vec![1])
        ]
    );
}

mod automatic_drafts {
    use sellsync_contract::documents::{OrderItemDoc, OrderStatus, PurchaseOrderDoc, ReorderLine};
    use sellsync_contract::{Currency, Money, Quantity};

    use super::super::drafts::{plan, Draft, DraftPlan, DraftWrite};
    use super::*;

    struct Store {
        business: ObjectId,
        store: Id,
        supplier: Id,
    }

    fn store() -> Store {
        Store {
            business: ObjectId::new(),
            store: Id::new(),
            supplier: Id::new(),
        }
    }

    fn usd() -> Currency {
        Currency::from_code("USD").unwrap()
    }

    fn item(product: Id, quantity: i64) -> OrderItemDoc {
        OrderItemDoc {
            product_id: product,
            quantity_ordered: Quantity::units(quantity),
            unit_price: Some(Money::from_minor(210)),
            quantity_received: Quantity::ZERO,
            quantity_damaged: Quantity::ZERO,
        }
    }

    fn order(
        s: &Store,
        generation: i64,
        number: &str,
        items: Vec<OrderItemDoc>,
    ) -> PurchaseOrderDoc {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
            .unwrap()
            .to_utc();
        PurchaseOrderDoc {
            id: PurchaseOrderDoc::reorder_draft_id(s.store, s.supplier, generation),
            business_id: Id::from(s.business),
            store_id: s.store,
            supplier_id: s.supplier,
            order_number: number.into(),
            order_status: OrderStatus::Draft,
            expected_delivery: None,
            items,
            created_by: None,
            created_at: at,
            updated_at: at,
            reorder_generation: Some(generation),
        }
    }

    /// A till's reorder of `product` onto the draft of `generation` it knows.
    fn reorder(
        seq: i64,
        s: &Store,
        generation: i64,
        till: &str,
        product: Id,
    ) -> (ObjectId, Operation) {
        let line = ReorderLine {
            reorder_id: Id::new(),
            draft: order(s, generation, &format!("{till}-PO000001"), Vec::new()),
            item: item(product, 24),
        };
        let payload = line.to_document(&usd());
        let id = line.draft.id;
        (
            line.reorder_id.object_id(),
            op(seq, Collection::PurchaseOrders, Op::Reorder, id, payload),
        )
    }

    /// A till's change of its draft (as it sees it), taking `removed` off.
    fn change(seq: i64, draft: &PurchaseOrderDoc, removed: &[Id]) -> Operation {
        let payload = draft.to_change(&usd(), removed);
        op(
            seq,
            Collection::PurchaseOrders,
            Op::Update,
            draft.id,
            payload,
        )
    }

    fn central(doc: &PurchaseOrderDoc, reorders: &[ObjectId]) -> Draft {
        let mut document = doc.to_document(&usd());
        document.insert("reorder_ids", reorders.to_vec());
        Draft::from_central(document).unwrap()
    }

    fn run(s: &Store, ops: &[Operation], drafts: Vec<Draft>) -> DraftPlan {
        let refs: Vec<&Operation> = ops.iter().collect();
        let wanted: Vec<usize> = (0..ops.len()).collect();
        plan(&refs, &wanted, drafts, s.business)
    }

    fn products(document: &Document) -> Vec<ObjectId> {
        document
            .get_array("items")
            .unwrap()
            .iter()
            .map(|i| {
                i.as_document()
                    .unwrap()
                    .get_object_id("product_id")
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn three_tills_reordering_offline_make_one_draft_with_each_product_once() {
        let s = store();
        let (milk, choc) = (Id::new(), Id::new());
        let (ra, a) = reorder(1, &s, 0, "T1", milk);
        let (rb, b) = reorder(2, &s, 0, "T2", milk); // the same dip, seen at another till
        let (rc, c) = reorder(3, &s, 0, "T3", choc);
        let planned = run(&s, &[a.clone(), b.clone(), c.clone()], Vec::new());
        assert!(planned.refused.is_empty(), "{:?}", planned.refused);
        assert_eq!(
            planned.reorders.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
            [ra, rb, rc]
        );
        let [DraftWrite::Insert(0, opened), DraftWrite::Update(second), DraftWrite::Update(third)] =
            &planned.writes[..]
        else {
            panic!("{:?}", planned.writes);
        };
        assert_eq!(opened.get_object_id("_id"), Ok(a.document_id.object_id()));
        assert_eq!(products(opened), [milk.object_id()]);
        assert_eq!(
            opened.get_array("reorder_ids").unwrap(),
            &vec![Bson::ObjectId(ra)]
        );
        assert_eq!(opened.get_str("order_number"), Ok("T1-PO000001"));
        // Milk is on it already: the second till's reorder is only recorded.
        assert_eq!(second.u, doc! { "$addToSet": { "reorder_ids": rb } });
        assert_eq!(
            second.q.get_document("reorder_ids").unwrap(),
            &doc! { "$ne": rb }
        );
        assert!(third.u.get_document("$push").is_ok());
        assert_eq!(
            third.q.get_document("items.product_id").unwrap(),
            &doc! { "$ne": choc.object_id() }
        );
        assert!(planned.passed_on.is_empty());

        // Sent again once it is all central: nothing more is written.
        let held = order(&s, 0, "T1-PO000001", vec![item(milk, 24), item(choc, 24)]);
        let again = run(&s, &[a, b, c], vec![central(&held, &[ra, rb, rc])]);
        assert!(again.writes.is_empty(), "{:?}", again.writes);
        assert_eq!(again.reorders.len(), 3, "still confirmed");
    }

    #[test]
    fn a_reorder_for_a_draft_ordered_meanwhile_goes_to_the_next() {
        let s = store();
        let (milk, bread) = (Id::new(), Id::new());
        let mut ordered = order(&s, 0, "T1-PO000001", vec![item(milk, 24)]);
        ordered.order_status = OrderStatus::Ordered;
        let (rb, b) = reorder(1, &s, 0, "T2", bread);
        let planned = run(&s, &[b], vec![central(&ordered, &[])]);
        let [DraftWrite::Insert(0, next)] = &planned.writes[..] else {
            panic!("{:?}", planned.writes);
        };
        assert_eq!(
            next.get_object_id("_id"),
            Ok(PurchaseOrderDoc::reorder_draft_id(s.store, s.supplier, 1).object_id())
        );
        assert_eq!(next.get_i64("reorder_generation"), Ok(1));
        assert_eq!(next.get_str("order_number"), Ok("T2-PO000001-1"));
        assert_eq!(products(next), [bread.object_id()]);
        // The ordered one is told, so that tills holding it read it again.
        assert_eq!(planned.passed_on.len(), 1);
        assert_eq!(
            planned.passed_on[0].q.get_object_id("_id"),
            Ok(ordered.id.object_id())
        );
        assert_eq!(
            planned.passed_on[0].u,
            doc! { "$addToSet": { "reorders_passed_on": rb } }
        );
    }

    #[test]
    fn a_change_of_a_draft_keeps_the_lines_other_tills_added_and_orders_only_what_it_saw() {
        let s = store();
        let (milk, choc) = (Id::new(), Id::new());
        // Central has milk (from another till) and chocolate; this till saw chocolate only.
        let held = central(
            &order(&s, 0, "T1-PO000001", vec![item(milk, 24), item(choc, 12)]),
            &[],
        );
        let mut seen = order(&s, 0, "T1-PO000001", vec![item(choc, 20)]);
        seen.updated_at += chrono::Duration::minutes(5);

        let planned = run(&s, &[change(1, &seen, &[])], vec![held.clone()]);
        let [DraftWrite::Update(kept)] = &planned.writes[..] else {
            panic!("{:?}", planned.writes);
        };
        let set = kept.u.get_document("$set").unwrap();
        assert_eq!(products(set), [choc.object_id(), milk.object_id()]);
        assert!(
            !set.contains_key("removed_products"),
            "not stored centrally"
        );

        // Milk taken off at this till: it goes.
        let planned = run(&s, &[change(1, &seen, &[milk])], vec![held.clone()]);
        let [DraftWrite::Update(taken_off)] = &planned.writes[..] else {
            panic!("{:?}", planned.writes);
        };
        assert_eq!(
            products(taken_off.u.get_document("$set").unwrap()),
            [choc.object_id()]
        );

        // Ordered: what this till saw is ordered, the milk moves on to the next draft
        // (written before the order is marked ordered).
        seen.order_status = OrderStatus::Ordered;
        let planned = run(&s, &[change(1, &seen, &[])], vec![held]);
        let [DraftWrite::Insert(0, next), DraftWrite::Update(ordered)] = &planned.writes[..] else {
            panic!("{:?}", planned.writes);
        };
        assert_eq!(next.get_i64("reorder_generation"), Ok(1));
        assert_eq!(products(next), [milk.object_id()]);
        let set = ordered.u.get_document("$set").unwrap();
        assert_eq!(set.get_str("order_status"), Ok("ordered"));
        assert_eq!(products(set), [choc.object_id()]);
    }

    #[test]
    fn a_change_of_a_draft_ordered_elsewhere_first_passes_its_new_lines_on() {
        let s = store();
        let (milk, bread) = (Id::new(), Id::new());
        let mut ordered = order(&s, 0, "T1-PO000001", vec![item(milk, 24)]);
        ordered.order_status = OrderStatus::Ordered;
        let mut late = order(&s, 0, "T1-PO000001", vec![item(milk, 30), item(bread, 6)]);
        late.updated_at += chrono::Duration::minutes(5);
        let planned = run(&s, &[change(1, &late, &[])], vec![central(&ordered, &[])]);
        let [DraftWrite::Insert(0, next)] = &planned.writes[..] else {
            panic!("{:?}", planned.writes);
        };
        assert_eq!(
            products(next),
            [bread.object_id()],
            "the ordered order stays as ordered"
        );
    }

    #[test]
    fn reorders_of_another_business_or_a_made_up_draft_are_refused() {
        let s = store();
        let (_, mut foreign) = reorder(1, &s, 0, "T1", Id::new());
        foreign
            .payload
            .get_document_mut("order")
            .unwrap()
            .insert("business_id", ObjectId::new());
        let (_, mut made_up) = reorder(2, &s, 0, "T1", Id::new());
        made_up.document_id = Id::new();
        let (_, mut no_quantity) = reorder(3, &s, 0, "T1", Id::new());
        no_quantity
            .payload
            .get_document_mut("item")
            .unwrap()
            .insert("quantity_ordered", 0_i64);
        let planned = run(&s, &[foreign, made_up, no_quantity], Vec::new());
        assert_eq!(indexes(&planned.refused), [0, 1, 2]);
        assert!(planned.writes.is_empty());
    }
}

#[test]
fn the_business_takes_its_first_keys_label_once() {
    let business = ObjectId::new();
    let (_, sale) = insert(1, Collection::SalesTransactions, business);
    let key = |seq: i64, label: &str| {
        let (id, mut op) = insert(seq, Collection::ApiKeys, business);
        op.payload.insert(field::API_KEY, label);
        (id, op)
    };
    let (_, first) = key(2, "ssk_first…");
    let (_, second) = key(3, "ssk_second…");
    let ops = [&sale, &first, &second];
    let statement = first_key(&ops, |_| true, business).unwrap();
    assert_eq!(statement.op, 1, "the first key's operation");
    assert_eq!(statement.u, doc! { "$set": { "api_key": "ssk_first…" } });
    // Only where the business has no label yet: a later key, or a replay, changes nothing.
    assert_eq!(statement.q.get_object_id("_id").unwrap(), business);
    assert!(statement.q.get_array("$or").is_ok(), "{:?}", statement.q);
    // A refused key gives no label; nor does a batch without a key.
    let held_not_first = |op: &Operation| op.seq != 2;
    assert_eq!(first_key(&ops, held_not_first, business).unwrap().op, 2);
    assert!(first_key(&[&sale], |_| true, business).is_none());
}
