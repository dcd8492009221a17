//! Selling by weight at the till: the counter scale's settings (an administrator's, the
//! till's own) and what a weighing puts in the cart, in the product's unit.

mod common;

use common::{refused, shop, snapshot, tender, usd};
use sellsync_contract::money::Percent;
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

#[test]
fn a_weight_is_keyed_only_by_staff_allowed_to() {
    let mut s = shop();
    let admin = s.admin.clone();
    s.till
        .add_product(
            &admin,
            &NewProduct {
                sku: "PEARS".into(),
                product_name: "Loose Pears".into(),
                price: usd("2.99"),
                tax_rate: Some(Percent::ZERO),
                unit: Unit::Kg,
                stock: Quantity::units(50),
                ..NewProduct::default()
            },
        )
        .unwrap();
    let weighed = Weight {
        thousandths: 742,
        unit: WeightUnit::Kg,
    };
    let keyed = Quantity::parse("0.742", Unit::Kg).unwrap();
    let cash = [tender(&s.till, "cash", None)];

    // Weighed on the scale, or read from a label: any cashier sells it.
    let mut cart = Cart::new();
    s.till
        .ring_up_weighed(&mut cart, "PEARS", &weighed)
        .unwrap();
    assert!(!cart.has_keyed_weight());
    s.till.check_cart(&s.cashier, &cart).unwrap();

    // Typed, or a weighed line's weight changed by hand: a cashier is refused in words,
    // at the counter, at payment and when parking, and nothing is written.
    let mut typed = Cart::new();
    s.till.ring_up(&mut typed, "PEARS", keyed).unwrap();
    let mut changed = cart.clone();
    changed.set_quantity(0, keyed).unwrap();
    let before = snapshot(s.dir.path());
    for cart in [&typed, &changed] {
        assert!(cart.has_keyed_weight());
        let words = refused(s.till.check_cart(&s.cashier, cart), "permission_denied");
        assert!(words.contains("key weights"), "{words}");
        assert!(words.contains("A manager or an admin"), "{words}");
        refused(
            s.till.complete_sale(&s.cashier, cart, &cash),
            "permission_denied",
        );
        refused(
            s.till.park(&s.cashier, cart, "back soon"),
            "permission_denied",
        );
    }
    assert_eq!(snapshot(s.dir.path()), before, "nothing written");

    // A manager keys it (their role gives them key_weights) and parks the sale; the
    // cashier takes it up and takes the payment: who keyed it was checked at parking.
    s.till.check_cart(&s.manager, &typed).unwrap();
    let parked = s
        .till
        .park(&s.manager, &typed, "weighed at the deli")
        .unwrap();
    let resumed = s
        .till
        .resume_parked(&s.cashier, &parked.park_number)
        .unwrap();
    assert_eq!(resumed.lines()[0].quantity, keyed);
    let sale = s.till.complete_sale(&s.cashier, &resumed, &cash).unwrap();
    assert_eq!(sale.total_amount, usd("2.22"));
}
