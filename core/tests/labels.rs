//! Price and weight labels: the business's barcode rules set at a till (an
//! administrator's, on its way to central), and scanned codes read by them.

mod common;

use common::{count, refused, shop, snapshot, tender, usd};
use sellsync_contract::documents::{read_barcode_rules, Collection, Op};
use sellsync_contract::embedded_barcodes::{ready_layout, BarcodeRule, Meaning, Span, Symbology};
use sellsync_contract::{Quantity, Unit};
use sellsync_core::catalog::labels::{LabelValue, Scanned};
use sellsync_core::{Cart, Money, NewProduct, Till};

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
    assert!(
        matches!(s.till.read_code("2011122000005").unwrap(), Scanned::Product(p) if p.sku == "HAM"),
        "the product's own code: no label of price 0.00"
    );
    let words = refused(s.till.read_code("2011122812349"), "bad_label");
    assert!(
        words.contains("does not match its verifier digit"),
        "{words}"
    );
    let words = refused(s.till.read_code("2099999912348"), "unknown_label_item");
    assert!(words.contains("item 99999"), "{words}");

    // A product whose own code a rule would read as a misprinted label is that product:
    // in-store codes and labels share the range.
    labelled(&mut s.till, &admin, "IN-STORE", "2011122812349", "3.00");
    assert!(
        matches!(s.till.read_code("2011122812349").unwrap(), Scanned::Product(p) if p.sku == "IN-STORE")
    );

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
                weight: Quantity::from_thousandths(1234),
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

#[test]
fn a_priced_label_sells_at_its_price_and_a_counted_one_as_that_many() {
    let mut s = shop();
    let mut rules = ready_layout("United States").unwrap();
    rules.push(BarcodeRule {
        name: "Bundle".into(),
        symbology: Symbology::Ean13,
        prefix: "29".into(),
        item: Span { start: 2, len: 5 },
        value: Span { start: 7, len: 5 },
        meaning: Meaning::Count,
        decimals: 0,
        verifier: false,
    });
    s.till.set_barcode_rules(&s.admin, &rules).unwrap();
    let admin = s.admin.clone();
    // Sliced turkey, 12.99 a pack at the shelf; the deli's labels print each pack's price.
    labelled(&mut s.till, &admin, "TURKEY", "204321000002", "12.99");
    labelled(&mut s.till, &admin, "EGGS", "2912345000004", "0.35");

    let mut cart = Cart::new();
    let label = "204321105998"; // 5.99
    assert_eq!(
        s.till
            .ring_up(&mut cart, label, Quantity::units(1))
            .unwrap(),
        0
    );
    assert_eq!(
        s.till
            .ring_up(&mut cart, "204321000002", Quantity::units(1))
            .unwrap(),
        1,
        "the shelf price: a line of its own"
    );
    assert_eq!(
        s.till
            .ring_up(&mut cart, label, Quantity::units(1))
            .unwrap(),
        0,
        "the same label again: the same line"
    );
    assert_eq!(
        s.till
            .ring_up(&mut cart, "2912345000066", Quantity::units(1))
            .unwrap(),
        2,
        "a box of 6 eggs"
    );
    let lines: Vec<(i64, Money)> = cart
        .lines()
        .iter()
        .map(|l| (l.quantity.whole().unwrap(), l.product.price))
        .collect();
    assert_eq!(
        lines,
        [(2, usd("5.99")), (1, usd("12.99")), (6, usd("0.35"))]
    );

    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let sold: Vec<(&str, i64, Money)> = sale
        .items
        .iter()
        .map(|i| (i.sku.as_str(), i.quantity.whole().unwrap(), i.unit_price))
        .collect();
    assert_eq!(
        sold,
        [
            ("TURKEY", 2, usd("5.99")),
            ("TURKEY", 1, usd("12.99")),
            ("EGGS", 6, usd("0.35"))
        ]
    );

    // A weight label of a product sold by the piece is refused; nothing is added.
    s.till
        .set_barcode_rules(&s.admin, &ready_layout("Sweden").unwrap())
        .unwrap();
    labelled(&mut s.till, &admin, "BRIE", "2388060100006", "9.90");
    let mut cart = Cart::new();
    let words = refused(
        s.till.ring_up(&mut cart, "2388060112344", Quantity::ONE),
        "weight_label",
    );
    assert!(words.contains("is sold by the piece"), "{words}");
    assert!(cart.lines().is_empty());
}

#[test]
fn a_weight_label_sells_its_weight_of_a_product_sold_by_the_kilogram() {
    let mut s = shop();
    s.till
        .set_barcode_rules(&s.admin, &ready_layout("Sweden").unwrap())
        .unwrap();
    let admin = s.admin.clone();
    s.till
        .add_product(
            &admin,
            &NewProduct {
                sku: "CHEESE".into(),
                product_name: "Prästost".into(),
                price: usd("9.90"),
                barcode: Some("2388060100006".into()),
                unit: Unit::Kg,
                stock: Quantity::from_thousandths(5_000),
                ..NewProduct::default()
            },
        )
        .unwrap();
    let mut cart = Cart::new();
    // 1.234 kg, and again: each weighing its own line.
    assert_eq!(
        s.till
            .ring_up(&mut cart, "2388060112344", Quantity::ONE)
            .unwrap(),
        0
    );
    assert_eq!(
        s.till
            .ring_up(&mut cart, "2388060112344", Quantity::ONE)
            .unwrap(),
        1
    );
    refused(
        s.till
            .ring_up(&mut cart, "2388060112344", Quantity::units(2)),
        "weight_label",
    );
    // Keyed (which a manager may do): 0.5 kg of it; no weight, or less than none, is no
    // quantity.
    s.till
        .ring_up(&mut cart, "CHEESE", Quantity::from_thousandths(500))
        .unwrap();
    for nothing in [Quantity::ZERO, Quantity::from_thousandths(-500)] {
        refused(s.till.ring_up(&mut cart, "CHEESE", nothing), "bad_quantity");
    }
    assert_eq!(cart.lines().len(), 3);
    let sale = s
        .till
        .complete_sale(&s.manager, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let lines: Vec<(String, Money)> = sale
        .items
        .iter()
        .map(|i| {
            (
                i.quantity.with_unit(i.unit),
                i.unit_price.times(i.quantity).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("1.234 kg".to_owned(), usd("12.22")),
            ("1.234 kg".to_owned(), usd("12.22")),
            ("0.500 kg".to_owned(), usd("4.95")),
        ]
    );
    // With the shop's 8.875% tax: 13.30 + 13.30 + 5.39.
    assert_eq!(sale.total_amount, usd("31.99"));
    // The ledger to the gram: 5.000 − 1.234 − 1.234 − 0.500.
    let cheese = s.till.require_product("CHEESE").unwrap();
    assert_eq!(cheese.stock, Quantity::from_thousandths(2_032));
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn the_demo_sells_loose_produce_by_the_pound_and_the_delis_labelled_packs() {
    use sellsync_contract::embedded_barcodes::verifier_digit;
    use sellsync_contract::gtin::check_digit;
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let manager = till
        .sign_in(
            "manager@example.com",
            sellsync_core::Credential::Pin("2345"),
        )
        .unwrap();
    // The deli's label for a pack of sliced turkey at $7.41 (UPC-A 2, item 10001).
    let payload = format!("210001{}0741", verifier_digit("0741").unwrap());
    let label = format!("{payload}{}", check_digit(&payload));
    let mut cart = Cart::new();
    till.ring_up(&mut cart, &label, Quantity::ONE).unwrap();
    // 0.742 lb of loose bananas, keyed by their PLU (by a manager: the till has no scale).
    till.ring_up(&mut cart, "4011", Quantity::from_thousandths(742))
        .unwrap();
    // A deli pack is sold by the piece: never half of one.
    refused(
        till.ring_up(&mut cart, "DELI-10001", Quantity::from_thousandths(500)),
        "bad_quantity",
    );
    let sale = till
        .complete_sale(&manager, &cart, &[tender(&till, "cash", None)])
        .unwrap();
    let lines: Vec<(&str, String, Money)> = sale
        .items
        .iter()
        .map(|i| (i.sku.as_str(), i.quantity.with_unit(i.unit), i.total_price))
        .collect();
    assert_eq!(
        lines,
        [
            ("DELI-10001", "1".to_owned(), usd("7.41")),
            ("4011", "0.742 lb".to_owned(), usd("0.51")),
        ]
    );
}

#[test]
fn a_weighed_items_label_needs_a_rule_that_reads_its_product_and_a_price_label_is_for_packs() {
    let mut s = shop();
    let admin = s.admin.clone();
    let kg = |sku: &str, barcode: Option<&str>| NewProduct {
        sku: sku.into(),
        product_name: format!("Loose {sku}"),
        price: usd("9.90"),
        barcode: barcode.map(str::to_owned),
        unit: Unit::Kg,
        ..NewProduct::default()
    };
    s.till.add_product(&admin, &kg("NUTS", None)).unwrap();
    s.till
        .add_product(&admin, &kg("OLIVES", Some("2011122000005")))
        .unwrap();
    let weight = Quantity::from_thousandths(500);
    // No rule reads a product without a code, nor any code before the business has rules.
    refused(s.till.weighed_label("NUTS", weight), "no_label_code");
    refused(s.till.weighed_label("OLIVES", weight), "no_label_code");
    refused(s.till.weighed_label("DAI-002", weight), "not_weighed");
    // The UK's labels carry a price, which sells a pack: no weighed item's label.
    s.till
        .set_barcode_rules(&s.admin, &ready_layout("United Kingdom").unwrap())
        .unwrap();
    refused(s.till.weighed_label("OLIVES", weight), "no_label_code");
    // A price label scanned for goods sold by weight is refused in words.
    let payload = format!(
        "2011122{}0495",
        sellsync_contract::embedded_barcodes::verifier_digit("0495").unwrap()
    );
    let code = format!(
        "{payload}{}",
        sellsync_contract::gtin::check_digit(&payload)
    );
    let mut cart = Cart::new();
    let words = refused(
        s.till.ring_up(&mut cart, &code, Quantity::ONE),
        "price_label",
    );
    assert!(
        words.contains("print its labels with its weight"),
        "{words}"
    );
    assert!(cart.lines().is_empty());
}
