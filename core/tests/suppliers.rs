//! Suppliers on a real till file: added (and sent central with the seed's fields),
//! refused in words, found, linked to products with a reorder quantity and a cost, and
//! arriving from central.

mod common;

use bson::doc;
use common::*;
use sellsync_contract::change::CentralChange;
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::Quantity;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::purchasing::suppliers::NewSupplier;
use sellsync_core::Id;

fn dairy() -> NewSupplier {
    NewSupplier {
        supplier_name: "Valley Dairy Co-op".into(),
        contact_person: "Sam Ortiz".into(),
        email: Some(" Orders@ValleyDairy.example ".into()),
        phone: Some("+1 555 0100".into()),
        address: "12 Creamery Road".into(),
    }
}

#[test]
fn a_manager_adds_a_supplier_and_central_gets_the_seeds_fields() {
    let mut s = shop();
    let added = s.till.add_supplier(&s.manager, &dairy()).unwrap();
    assert_eq!(added.email.as_deref(), Some("orders@valleydairy.example"));
    let op = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .find(|op| op.collection == Collection::Suppliers)
        .unwrap();
    assert_eq!(op.op, Op::Insert);
    let sent = op.payload;
    assert_eq!(sent.get_object_id("_id").unwrap(), added.id.object_id());
    assert_eq!(
        sent.get_object_id("business_id").unwrap(),
        s.till.business().id.object_id()
    );
    for (field, value) in [
        ("supplier_name", "Valley Dairy Co-op"),
        ("contact_person", "Sam Ortiz"),
        ("email", "orders@valleydairy.example"),
        ("phone", "+1 555 0100"),
        ("address", "12 Creamery Road"),
    ] {
        assert_eq!(sent.get_str(field), Ok(value), "{field}");
    }
    assert!(sent.get_datetime("created_at").is_ok());

    assert_eq!(s.till.find_supplier("valley dairy co-op").unwrap(), added);
    assert_eq!(s.till.find_supplier(&added.id.to_string()).unwrap(), added);
    assert_eq!(s.till.suppliers().unwrap(), [added]);
}

#[test]
fn bad_suppliers_are_refused_in_words_and_nothing_is_written() {
    let mut s = shop();
    s.till.add_supplier(&s.manager, &dairy()).unwrap();
    let before = snapshot(s.dir.path());
    let err = s.till.add_supplier(&s.cashier, &dairy()).unwrap_err();
    assert_eq!(err.code(), "permission_denied");
    let mut again = dairy();
    again.supplier_name = "VALLEY DAIRY CO-OP".into();
    let err = s.till.add_supplier(&s.manager, &again).unwrap_err();
    assert_eq!(
        err.to_string(),
        "There is a supplier called \"VALLEY DAIRY CO-OP\" already."
    );
    let nameless = NewSupplier {
        supplier_name: "  ".into(),
        ..dairy()
    };
    assert_eq!(
        s.till
            .add_supplier(&s.manager, &nameless)
            .unwrap_err()
            .to_string(),
        "A supplier needs a name."
    );
    let bad_email = NewSupplier {
        supplier_name: "Other".into(),
        email: Some("orders at example".into()),
        ..dairy()
    };
    assert_eq!(
        s.till
            .add_supplier(&s.manager, &bad_email)
            .unwrap_err()
            .code(),
        "invalid_supplier"
    );
    assert_eq!(
        s.till.find_supplier("Nobody Ltd").unwrap_err().code(),
        "unknown_supplier"
    );
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");
}

#[test]
fn a_product_is_linked_to_its_supplier_with_a_reorder_quantity_and_a_cost() {
    let mut s = shop();
    let supplier = s.till.add_supplier(&s.manager, &dairy()).unwrap();
    let before = snapshot(s.dir.path());
    let unknown = ProductChanges {
        supplier_id: Some(Some(Id::new())),
        ..ProductChanges::default()
    };
    let err = s
        .till
        .update_product(&s.manager, MILK, &unknown)
        .unwrap_err();
    assert_eq!(
        err.code(),
        "unknown_supplier",
        "another business's id is unknown too"
    );
    let negative = ProductChanges {
        reorder_quantity: Some(Quantity::units(-1)),
        ..ProductChanges::default()
    };
    assert_eq!(
        s.till
            .update_product(&s.manager, MILK, &negative)
            .unwrap_err()
            .to_string(),
        "A reorder quantity cannot be negative."
    );
    assert_eq!(before, snapshot(s.dir.path()), "nothing written");

    let linked = s
        .till
        .update_product(
            &s.manager,
            MILK,
            &ProductChanges {
                supplier_id: Some(Some(supplier.id)),
                reorder_quantity: Some(Quantity::units(24)),
                unit_cost: Some(Some(usd("2.10"))),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    assert_eq!(linked.supplier_id, Some(supplier.id));
    assert_eq!(linked.reorder_quantity, Quantity::units(24));
    assert_eq!(linked.unit_cost, Some(usd("2.10")));
    let update = s
        .till
        .pending_operations(10_000)
        .unwrap()
        .into_iter()
        .rev()
        .find(|op| op.collection == Collection::Products && op.op == Op::Update)
        .unwrap()
        .payload;
    assert_eq!(
        update.get_object_id("supplier_id").unwrap(),
        supplier.id.object_id()
    );
    assert_eq!(update.get_i64("reorder_quantity"), Ok(24));
    assert_eq!(
        update.get_decimal128("unit_cost").unwrap().to_string(),
        "2.10"
    );
    assert!(!update.contains_key("price"), "only what changed is sent");

    // Taken away again.
    let unlinked = s
        .till
        .update_product(
            &s.manager,
            MILK,
            &ProductChanges {
                supplier_id: Some(None),
                unit_cost: Some(None),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    assert_eq!((unlinked.supplier_id, unlinked.unit_cost), (None, None));
}

#[test]
fn a_supplier_made_centrally_arrives_by_the_pull() {
    let mut s = shop();
    let id = Id::new();
    let central = doc! {
        "_id": id.object_id(),
        "business_id": s.till.business().id.object_id(),
        "supplier_name": "Apple Inc.",
        "contact_person": "Supplier Manager",
        "email": "Supplier@Example.com",
        "phone": "+1 123 456 7890",
        "address": "1 Infinite Loop, Cupertino, CA",
    };
    let foreign = doc! {
        "_id": Id::new().object_id(),
        "business_id": Id::new().object_id(),
        "supplier_name": "Someone else's",
    };
    let nameless = doc! {
        "_id": Id::new().object_id(),
        "business_id": s.till.business().id.object_id(),
    };
    let changes: Vec<CentralChange> = [central, foreign, nameless]
        .into_iter()
        .map(|document| CentralChange::Upsert {
            collection: Collection::Suppliers,
            document,
        })
        .collect();
    let outcome = s.till.apply_central_changes(&changes, None).unwrap();
    assert_eq!(outcome.refused, 1, "the nameless one");
    let suppliers = s.till.suppliers().unwrap();
    assert_eq!(suppliers.len(), 1, "another business's never lands");
    assert_eq!(suppliers[0].id, id);
    assert_eq!(suppliers[0].email.as_deref(), Some("supplier@example.com"));
    assert_eq!(suppliers[0].address, "1 Infinite Loop, Cupertino, CA");
}
