//! The catalog against a real till database: adding, finding, searching and importing.

mod common;

use common::{count, shop, snapshot, tender, usd, CABLE, CHOC, MILK};
use sellsync_contract::Quantity;
use sellsync_core::catalog::ProductChanges;
use sellsync_core::{Cart, Error, NewProduct};

#[test]
fn products_are_found_by_any_of_their_codes() {
    let s = shop();
    assert_eq!(s.till.find_product(MILK).unwrap().unwrap().sku, "T-MILK");
    assert_eq!(
        s.till.find_product(" T-MILK ").unwrap().unwrap().sku,
        "T-MILK"
    );
    assert_eq!(s.till.find_product(CHOC).unwrap().unwrap().sku, "T-CHOC");
    assert_eq!(s.till.find_product(CABLE).unwrap().unwrap().sku, "T-CABLE");
    assert_eq!(
        s.till
            .find_product(&format!("0{CABLE}"))
            .unwrap()
            .unwrap()
            .sku,
        "T-CABLE"
    );
    assert_eq!(
        s.till.find_product("t-milk").unwrap(),
        None,
        "SKUs are exact"
    );
    assert!(matches!(s.till.require_product("NOPE"), Err(Error::UnknownProduct(c)) if c == "NOPE"));
}

#[test]
fn search_by_name_prefix_sku_and_accents() {
    let mut s = shop();
    s.till
        .add_product(
            &s.admin,
            &NewProduct {
                sku: "CREME-1".into(),
                product_name: "Crème brûlée kit 200 g".into(),
                price: usd("2.79"),
                ..NewProduct::default()
            },
        )
        .unwrap();
    let names = |q: &str| -> Vec<String> {
        s.till
            .search_products(q, 10)
            .unwrap()
            .into_iter()
            .map(|p| p.sku)
            .collect()
    };
    assert_eq!(names("test dark choc"), ["T-CHOC"]);
    assert_eq!(names("Test cable usb"), ["T-CABLE"]);
    assert_eq!(names("creme brul"), ["CREME-1"], "accents are folded");
    assert_eq!(names("crème brû kit"), ["CREME-1"]);
    assert!(names("\"; DROP TABLE products; --").is_empty());
    assert!(names("").is_empty());
    assert!(names("T").len() <= 10, "the limit holds");
}

#[test]
fn adding_refuses_duplicates_and_bad_codes_and_writes_nothing() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    let base = NewProduct {
        sku: "NEW-1".into(),
        product_name: "New thing".into(),
        price: usd("1.00"),
        ..NewProduct::default()
    };
    let cases: Vec<(NewProduct, &str)> = vec![
        (
            NewProduct {
                sku: "T-MILK".into(),
                ..base.clone()
            },
            "SKU",
        ),
        (
            NewProduct {
                barcode: Some(MILK.into()),
                ..base.clone()
            },
            "barcode",
        ),
        (
            NewProduct {
                barcode: Some(format!("0{CABLE}")),
                ..base.clone()
            },
            "barcode",
        ),
        (
            NewProduct {
                barcode: Some("5901234123458".into()),
                ..base.clone()
            },
            "check digit",
        ),
        (
            NewProduct {
                product_name: " ".into(),
                ..base.clone()
            },
            "name",
        ),
    ];
    for (product, why) in cases {
        let err = s.till.add_product(&s.admin, &product).unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    assert!(matches!(
        s.till.add_product(&s.cashier, &base),
        Err(Error::PermissionDenied { .. })
    ));
    assert_eq!(snapshot(s.dir.path()), before);
    s.till.add_product(&s.manager, &base).unwrap();
}

#[test]
fn an_import_with_one_bad_row_imports_nothing_and_names_every_bad_row() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    let csv = "sku,name,price,barcode,category,tax_rate,stock,threshold
A-1,Apple,0.50,,Produce,0,100,10
A-2,Banana,0.2x,,Produce,0,100,10
A-3,Cherry,3.99,4006381333932,Produce,0,10,2
A-1,Apple again,0.60,,Produce,0,1,1
A-4,Date,4.99,,Produce,101,1,1
T-MILK,Clash,1.00,,,,,
A-5,Elderflower,2.00,,Drinks,0,ten,1
";
    let err = s
        .till
        .import_products(&s.admin, csv.as_bytes())
        .unwrap_err();
    let Error::Import(report) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(report.rows, 7);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8]);
    let text = err.to_string();
    assert!(
        text.starts_with("Nothing was imported: 6 of 7 rows have errors."),
        "{text}"
    );
    assert!(
        text.contains(
            "line 4: Invalid product code: EAN-13 barcode 4006381333932 has a wrong check digit"
        ),
        "{text}"
    );
    assert!(text.contains("line 5: SKU \"A-1\" appears twice"), "{text}");
    assert!(
        text.contains("line 7: Another product already has the SKU \"T-MILK\""),
        "{text}"
    );
    assert_eq!(snapshot(s.dir.path()), before);

    let good = "SKU,Product_Name,Price,Barcode,Stock,Threshold\nB-1,Bialy roll,1.25,,12,4\nB-2,Brioche,3.50,73513537,6,2\n";
    let products = count(s.dir.path(), "products");
    assert_eq!(
        s.till.import_products(&s.admin, good.as_bytes()).unwrap(),
        2
    );
    assert_eq!(count(s.dir.path(), "products"), products + 2);
    let brioche = s.till.find_product("73513537").unwrap().unwrap();
    assert_eq!(
        (brioche.price, brioche.stock, brioche.stock_threshold),
        (usd("3.50"), Quantity::units(6), Quantity::units(2))
    );
    assert_eq!(brioche.tax_rate, s.till.business().default_tax_rate);
    assert_eq!(s.till.search_products("bialy", 5).unwrap().len(), 1);

    let no_header = "foo,bar\n1,2\n";
    let err = s
        .till
        .import_products(&s.admin, no_header.as_bytes())
        .unwrap_err();
    assert!(err.to_string().contains("sku, name and price"), "{err}");
}

#[test]
fn editing_a_product_sends_only_what_changed() {
    let mut s = shop();
    let changes = ProductChanges {
        product_name: Some("Test Oat Milk 1 L".into()),
        price: Some(usd("3.79")),
        ..ProductChanges::default()
    };
    let before = snapshot(s.dir.path());
    assert!(matches!(
        s.till.update_product(&s.cashier, MILK, &changes),
        Err(Error::PermissionDenied { .. })
    ));
    let taken = ProductChanges {
        barcode: Some(Some(CHOC.into())),
        ..ProductChanges::default()
    };
    assert!(matches!(
        s.till.update_product(&s.manager, MILK, &taken),
        Err(Error::DuplicateBarcode(_))
    ));
    let negative = ProductChanges {
        stock_threshold: Some(Quantity::units(-1)),
        ..ProductChanges::default()
    };
    assert!(s.till.update_product(&s.manager, MILK, &negative).is_err());
    assert_eq!(snapshot(s.dir.path()), before);

    let edited = s.till.update_product(&s.manager, MILK, &changes).unwrap();
    assert_eq!(
        (edited.price, edited.stock),
        (usd("3.79"), Quantity::units(10))
    );
    assert_eq!(
        s.till.search_products("oat milk", 5).unwrap()[0].id,
        edited.id
    );
    assert!(s
        .till
        .search_products("whole milk test", 5)
        .unwrap()
        .is_empty());
    let last = s
        .till
        .outbox(&s.manager, true, 100_000)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (last.op.as_str(), last.collection.as_str()),
        ("update", "products")
    );
    assert_eq!(last.document_id, edited.id.to_string());
    let fields: Vec<&String> = last.payload.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["product_name", "price", "updated_at"]);
    assert_eq!(last.payload["price"]["$numberDecimal"], "3.79");

    // Saving the same values again writes nothing.
    let outbox = count(s.dir.path(), "outbox");
    s.till.update_product(&s.manager, MILK, &changes).unwrap();
    assert_eq!(count(s.dir.path(), "outbox"), outbox);

    // Removing the barcode frees it for another product.
    let drop_barcode = ProductChanges {
        barcode: Some(None),
        ..ProductChanges::default()
    };
    s.till
        .update_product(&s.manager, MILK, &drop_barcode)
        .unwrap();
    assert_eq!(s.till.find_product(MILK).unwrap(), None);
    assert!(s
        .till
        .find_product("T-MILK")
        .unwrap()
        .unwrap()
        .barcode
        .is_none());
}

#[test]
fn quick_keys_are_the_best_sellers_of_each_category_in_name_order() {
    let mut s = shop();
    let keys = s.till.quick_keys(2).unwrap();
    let categories: Vec<&str> = keys.iter().map(|k| k.category.as_str()).collect();
    let mut sorted = categories.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(categories, sorted, "one group per category, by name");
    assert!(keys.iter().all(|k| (1..=2).contains(&k.products.len())));
    assert!(keys
        .iter()
        .all(|k| k.products.iter().all(|p| p.category == k.category)));
    let test = |keys: &[sellsync_core::catalog::QuickKeys]| -> Vec<String> {
        keys.iter()
            .find(|k| k.category == "Test")
            .unwrap()
            .products
            .iter()
            .map(|p| p.sku.clone())
            .collect()
    };
    // Nothing sold yet: by name.
    assert_eq!(test(&keys), ["T-CHOC", "T-CABLE"]);
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, "T-MILK", Quantity::units(1))
        .unwrap();
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    // The milk sold: it is among the keys, which keep their order by name, so a key does
    // not move under the cashier's finger because of a sale.
    assert_eq!(test(&s.till.quick_keys(2).unwrap()), ["T-CHOC", "T-MILK"]);
}
