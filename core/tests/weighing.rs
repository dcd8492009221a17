//! Selling by weight at the till: the counter scale's settings (an administrator's, the
//! till's own) and what a weighing puts in the cart, in the product's unit.

mod common;

use common::{refused, shop, snapshot, usd};
use sellsync_contract::{Quantity, Unit};
use sellsync_core::weighing::ScaleSettings;
use sellsync_core::{Cart, NewProduct};
use sellsync_scale::{Protocol, Weight, WeightUnit};

fn scale(port: &str) -> ScaleSettings {
    ScaleSettings {
        port: port.into(),
        protocol: Protocol::MtSics,
        baud: 9600,
        unit: WeightUnit::Kg,
    }
}

#[test]
fn an_administrator_sets_the_tills_scale_and_nothing_else_does() {
    let mut s = shop();
    assert_eq!(s.till.scale_settings().unwrap(), None);
    let before = snapshot(s.dir.path());
    refused(
        s.till
            .set_scale_settings(&s.cashier, Some(&scale("/dev/ttyUSB0"))),
        "permission_denied",
    );
    refused(
        s.till.set_scale_settings(&s.admin, Some(&scale("  "))),
        "invalid_setting",
    );
    assert_eq!(snapshot(s.dir.path()), before, "nothing written");
    s.till
        .set_scale_settings(&s.admin, Some(&scale("/dev/ttyUSB0")))
        .unwrap();
    assert_eq!(
        s.till.scale_settings().unwrap(),
        Some(scale("/dev/ttyUSB0"))
    );
    let outbox = s.till.outbox_counts().unwrap().pending;
    s.till.set_scale_settings(&s.admin, None).unwrap();
    assert_eq!(s.till.scale_settings().unwrap(), None);
    assert_eq!(
        s.till.outbox_counts().unwrap().pending,
        outbox,
        "a till's own setting, never synced"
    );
}

#[test]
fn a_weighing_sells_in_the_products_unit_or_is_refused_in_words() {
    let mut s = shop();
    let admin = s.admin.clone();
    for (sku, unit) in [("CHEESE", Unit::Kg), ("SPICE", Unit::G), ("HAM", Unit::Lb)] {
        s.till
            .add_product(
                &admin,
                &NewProduct {
                    sku: sku.into(),
                    product_name: format!("Loose {sku}"),
                    price: usd("9.90"),
                    unit,
                    stock: Quantity::units(100),
                    ..NewProduct::default()
                },
            )
            .unwrap();
    }
    let kg = |thousandths| Weight {
        thousandths,
        unit: WeightUnit::Kg,
    };
    // What must be weighed: a product sold by measure, by its own code.
    assert!(s.till.to_weigh("CHEESE").unwrap().is_some());
    assert!(
        s.till.to_weigh("DAI-002").unwrap().is_none(),
        "sold by the piece"
    );
    let mut cart = Cart::new();
    s.till
        .ring_up_weighed(&mut cart, "CHEESE", &kg(742))
        .unwrap();
    s.till.ring_up_weighed(&mut cart, "SPICE", &kg(35)).unwrap();
    let sold: Vec<String> = cart
        .lines()
        .iter()
        .map(|l| l.quantity.with_unit(l.product.unit))
        .collect();
    assert_eq!(sold, ["0.742 kg", "35 g"]);
    let words = refused(
        s.till.ring_up_weighed(&mut cart, "HAM", &kg(500)),
        "scale_unit",
    );
    assert_eq!(
        words,
        "Loose HAM is sold by the pound, but the scale weighs in kilograms: set the scale's unit in the settings."
    );
    refused(
        s.till.ring_up_weighed(&mut cart, "DAI-002", &kg(500)),
        "not_weighed",
    );
    assert_eq!(cart.lines().len(), 2, "nothing else added");

    // A tare comes off the scale's weight; a piece product has none.
    let tare = |quantity| sellsync_core::catalog::ProductChanges {
        tare: Some(quantity),
        ..Default::default()
    };
    s.till
        .update_product(&admin, "CHEESE", &tare(Quantity::from_thousandths(15)))
        .unwrap();
    refused(
        s.till
            .update_product(&admin, "DAI-002", &tare(Quantity::from_thousandths(15))),
        "invalid_product",
    );
    let line = s
        .till
        .ring_up_weighed(&mut cart, "CHEESE", &kg(742))
        .unwrap();
    assert_eq!(cart.lines()[line].quantity, Quantity::from_thousandths(727));
    let words = refused(
        s.till.ring_up_weighed(&mut cart, "CHEESE", &kg(15)),
        "no_net_weight",
    );
    assert!(words.contains("(0.015 kg)"), "{words}");
    assert_eq!(cart.lines().len(), 3);
}
