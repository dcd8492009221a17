//! Variants: a family added as a grid, each variant a product of its own (its SKU, price
//! and stock), searched and sold as one, and the day's report rolled up by family.

mod common;

use common::{refused, shop, snapshot, tender, usd};
use sellsync_contract::Quantity;
use sellsync_core::catalog::family::{NewFamily, NewVariant};
use sellsync_core::reports::Breakdown;
use sellsync_core::Cart;

fn shirts() -> NewFamily {
    NewFamily {
        name: "Crew T-shirt".into(),
        sku: "TEE".into(),
        category: Some("Apparel".into()),
        price: usd("19.99"),
        options: vec![
            ("Size".into(), vec!["M".into(), "L".into()]),
            ("Colour".into(), vec!["Navy".into(), "White".into()]),
        ],
        variants: vec![
            NewVariant {
                values: vec!["M".into(), "Navy".into()],
                stock: Quantity::units(10),
                threshold: Quantity::units(2),
                ..NewVariant::default()
            },
            NewVariant {
                values: vec!["L".into(), "Navy".into()],
                price: Some(usd("21.99")),
                barcode: Some("4006381333931".into()),
                stock: Quantity::units(4),
                ..NewVariant::default()
            },
        ],
        ..NewFamily::default()
    }
}

#[test]
fn a_family_is_added_as_variants_searched_sold_and_reported_by_family() {
    let mut s = shop();
    let manager = s.manager.clone();
    let variants = s.till.add_family(&manager, &shirts()).unwrap();
    let added: Vec<(&str, &str, String)> = variants
        .iter()
        .map(|p| (p.sku.as_str(), p.product_name.as_str(), p.stock.decimal()))
        .collect();
    assert_eq!(
        added,
        [
            ("TEE-M-NAVY", "Crew T-shirt, M, Navy", "10".to_owned()),
            ("TEE-L-NAVY", "Crew T-shirt, L, Navy", "4".to_owned())
        ]
    );
    assert_eq!(variants[1].price, usd("21.99"), "a variant's own price");
    let family = variants[0].variant.as_ref().unwrap().family_id;
    assert_eq!(s.till.family(family).unwrap(), variants);
    let found = s.till.search_products("tee l navy", 5).unwrap();
    assert_eq!(found[0].sku, "TEE-L-NAVY");

    // Sold as variants: each its own line and stock; the report rolls them up.
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, "TEE-M-NAVY", Quantity::units(2))
        .unwrap();
    s.till
        .ring_up(&mut cart, "4006381333931", Quantity::ONE)
        .unwrap();
    s.till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "cash", None)])
        .unwrap();
    let stock = |sku: &str| s.till.require_product(sku).unwrap().stock;
    assert_eq!(
        (stock("TEE-M-NAVY"), stock("TEE-L-NAVY")),
        (Quantity::units(8), Quantity::units(3))
    );
    let today = s.till.today();
    let by_family = s
        .till
        .breakdown(&s.manager, today, Breakdown::Family)
        .unwrap();
    let row = by_family
        .rows
        .iter()
        .find(|r| r.key == "Crew T-shirt")
        .unwrap();
    assert_eq!((row.sales, row.quantity), (1, Quantity::units(3)));
    let by_product = s
        .till
        .breakdown(&s.manager, today, Breakdown::Product)
        .unwrap();
    assert_eq!(
        by_product
            .rows
            .iter()
            .filter(|r| r.key.starts_with("Crew T-shirt"))
            .count(),
        2,
        "each variant on its own"
    );
}

#[test]
fn a_grid_with_a_taken_sku_or_a_duplicate_is_refused_and_nothing_is_added() {
    let mut s = shop();
    let manager = s.manager.clone();
    let before = snapshot(s.dir.path());
    let mut taken = shirts();
    taken.variants[0].sku = Some("DAI-002".into());
    let words = refused(s.till.add_family(&manager, &taken), "invalid_product");
    assert!(
        words.starts_with("No variant was added:\n  DAI-002: ") && !words.contains("line"),
        "each refused variant named by its SKU, not a line of a file: {words}"
    );
    let mut twice = shirts();
    twice.variants[1].values = vec!["m".into(), "navy".into()];
    let words = refused(s.till.add_family(&manager, &twice), "invalid_product");
    assert!(
        words.contains("The variant M, Navy is given twice"),
        "{words}"
    );
    refused(
        s.till.add_family(&s.cashier.clone(), &shirts()),
        "permission_denied",
    );
    assert_eq!(snapshot(s.dir.path()), before, "nothing written");
}
