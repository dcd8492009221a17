//! Price and weight labels: the business's barcode rules set at a till (an
//! administrator's, on its way to central), and scanned codes read by them.

mod common;

use common::{count, refused, shop, snapshot, usd};
use sellsync_contract::documents::{read_barcode_rules, Collection, Op};
use sellsync_contract::embedded_barcodes::ready_layout;
use sellsync_core::catalog::labels::{LabelValue, Scanned};
use sellsync_core::{Money, NewProduct, Till};

fn labelled(till: &mut Till, admin: &sellsync_core::Actor, sku: &str, barcode: &str, price: &str) {
    till.add_product(
        admin,
        &NewProduct {
            sku: sku.into(),
            product_name: format!("Deli {sku}"),
            price: usd(price),
            barcode: Some(barcode.into()),
            ..NewProduct::default()
        },
    )
    .unwrap();
}

#[test]
fn an_administrator_sets_the_rules_and_labels_are_read_by_them() {
    let mut s = shop();
    // Before any rule, a label's code is an unknown product.
    refused(s.till.read_code("2011122912346"), "unknown_product");

    let uk = ready_layout("United Kingdom").unwrap();
    let before = snapshot(s.dir.path());
    refused(
        s.till.set_barcode_rules(&s.manager, &uk),
        "permission_denied",
    );
    assert_eq!(snapshot(s.dir.path()), before, "nothing written");
    let outbox = count(s.dir.path(), "outbox");
    s.till.set_barcode_rules(&s.admin, &uk).unwrap();
    assert_eq!(s.till.business().barcode_rules, uk);
    assert_eq!(count(s.dir.path(), "outbox"), outbox + 1);

    // The change on its way to central: the rules, as central holds them, and when.
    let pending = s.till.pending_operations(100_000).unwrap();
    let op = pending.last().unwrap();
    assert_eq!((op.collection, op.op), (Collection::Businesses, Op::Update));
    assert_eq!(op.document_id, s.till.business().id);
    assert_eq!(
        read_barcode_rules(op.payload.get("settings.barcode_rules").unwrap()).unwrap(),
        uk
    );
    assert!(op.payload.get_datetime("updated_at").is_ok());

    // The product is filed under the label's code with the price zeroed.
    let admin = s.admin.clone();
    labelled(&mut s.till, &admin, "HAM", "2011122000005", "14.99");
    match s.till.read_code("2011122912346").unwrap() {
        Scanned::Label { product, label } => {
            assert_eq!(product.sku, "HAM");
            assert_eq!(label.value, LabelValue::Price(usd("12.34")));
            assert_eq!(
                (label.rule.as_str(), label.item.as_str()),
                ("Price label (20)", "11122")
            );
        }
        other => panic!("{other:?}"),
    }
    // An ordinary code is its product; a misprinted price, or an item no product has,
    // is refused in words.
    assert!(
        matches!(s.till.read_code(common::MILK).unwrap(), Scanned::Product(p) if p.sku == "T-MILK")
    );
    let words = refused(s.till.read_code("2011122812349"), "bad_label");
    assert!(
        words.contains("does not match its verifier digit"),
        "{words}"
    );
    let words = refused(s.till.read_code("2099999912348"), "unknown_label_item");
    assert!(words.contains("item 99999"), "{words}");

    // The rules stay with the till.
    drop(s.till);
    let till = Till::open(s.dir.path()).unwrap();
    assert_eq!(till.business().barcode_rules, uk);
}

#[test]
fn a_weight_label_is_priced_at_the_products_price_per_unit_rounded_once() {
    let mut s = shop();
    s.till
        .set_barcode_rules(&s.admin, &ready_layout("Sweden").unwrap())
        .unwrap();
    let admin = s.admin.clone();
    labelled(&mut s.till, &admin, "CHEESE", "2388060100006", "9.90");
    match s.till.read_code("2388060112344").unwrap() {
        Scanned::Label { label, .. } => assert_eq!(
            label.value,
            // 9.90 × 1.234 = 12.2166: 12.22.
            LabelValue::Weight {
                thousandths: 1234,
                price: Money::from_minor(1222)
            }
        ),
        other => panic!("{other:?}"),
    }
    // Rules that read the same codes are refused, and nothing is written.
    let mut twice = ready_layout("Sweden").unwrap();
    twice.push(twice[0].clone());
    twice[2].name = "Again".into();
    let before = snapshot(s.dir.path());
    let words = refused(
        s.till.set_barcode_rules(&s.admin, &twice),
        "invalid_barcode_rules",
    );
    assert!(
        words.contains("would both read the codes that begin 23"),
        "{words}"
    );
    assert_eq!(snapshot(s.dir.path()), before);
}
